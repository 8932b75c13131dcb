//! When to retry a failed request, and after how long.
//!
//! The client asks [`RetryPolicy::delay_ms`] after each failure. 429 waits as the
//! server says (`Retry-After`, else `X-RateLimit-Reset`); 5xx and network errors back
//! off exponentially with full jitter, capped; every other error is final.

use super::ApiError;

/// Retry settings; `RetryPolicy::default()` is what the dashboard uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after a 5xx or network error. Default 3.
    pub max_server_retries: u32,
    /// Retries after a 429. Default 5.
    pub max_rate_limit_retries: u32,
    /// First backoff step in ms. Default 400.
    pub base_ms: u64,
    /// Largest backoff in ms. Default 4,000.
    pub cap_ms: u64,
    /// Longest wait a 429 may ask for before the client gives up and shows it. Default 60 s.
    pub max_rate_limit_wait_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_server_retries: 3,
            max_rate_limit_retries: 5,
            base_ms: 400,
            cap_ms: 4_000,
            max_rate_limit_wait_ms: 60_000,
        }
    }
}

/// A wait the client is sitting out before retrying, for the screen to show.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryNotice {
    /// Why it waits.
    pub error: ApiError,
    /// How long, in milliseconds.
    pub wait_ms: u64,
    /// A gather pacing itself before the rate limit refuses anything (no request
    /// failed), see [`crate::gather::gather_wait_ms`].
    pub paced: bool,
}

impl RetryNotice {
    /// Whether the wait is the API's rate limit (a 429), not a failure being retried.
    pub fn is_rate_limit(&self) -> bool {
        matches!(self.error, ApiError::RateLimited { .. })
    }

    /// A gather's own wait for the rate-limit window to reset, `wait_ms` from now.
    pub fn paced(wait_ms: u64) -> Self {
        RetryNotice {
            error: ApiError::RateLimited {
                retry_after_s: wait_ms.div_ceil(1000),
            },
            wait_ms,
            paced: true,
        }
    }

    /// The notice as a sentence: "Rate limit reached: waiting 3.0 s …".
    pub fn text(&self) -> String {
        let wait = crate::format::millis(self.wait_ms as f64);
        if self.paced {
            return format!(
                "Waiting for the rate limit (resets in {} s): a tenth of the API's allowance is kept for the call list.",
                self.wait_ms.div_ceil(1000)
            );
        }
        match &self.error {
            ApiError::RateLimited { .. } => {
                format!("Rate limit reached: waiting {wait} as the API asks, then retrying.")
            }
            other => format!("{other} Retrying in {wait}."),
        }
    }
}

/// How many times each kind of failure has been retried so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attempts {
    /// Retries after 5xx or network errors.
    pub server: u32,
    /// Retries after 429.
    pub rate_limited: u32,
}

impl RetryPolicy {
    /// The wait before the next try, or `None` if `error` is final.
    ///
    /// `jitter` is a random number in `0.0..1.0` (full jitter: the wait is uniform in
    /// `0..=step`, which spreads retries of many clients apart). `attempts` is updated.
    pub fn delay_ms(&self, error: &ApiError, attempts: &mut Attempts, jitter: f64) -> Option<u64> {
        match error {
            ApiError::RateLimited { retry_after_s } => {
                let wait = retry_after_s.saturating_mul(1000).max(250);
                if attempts.rate_limited >= self.max_rate_limit_retries
                    || wait > self.max_rate_limit_wait_ms
                {
                    return None;
                }
                attempts.rate_limited += 1;
                Some(wait)
            }
            ApiError::Server { .. } | ApiError::Network { .. } => {
                if attempts.server >= self.max_server_retries {
                    return None;
                }
                let step = self
                    .base_ms
                    .saturating_mul(1u64 << attempts.server.min(20))
                    .min(self.cap_ms);
                attempts.server += 1;
                let jittered = (step as f64 * jitter.clamp(0.0, 1.0)).round() as u64;
                // Never hammer: at least a tenth of the step.
                Some(jittered.max(step / 10))
            }
            _ => None,
        }
    }
}

/// Seconds to wait after a 429, from `Retry-After` (seconds) or else
/// `X-RateLimit-Reset` (Unix seconds) against `now_unix_s`; at least 1.
pub fn retry_after_seconds(
    retry_after: Option<&str>,
    rate_limit_reset: Option<&str>,
    now_unix_s: u64,
) -> u64 {
    if let Some(s) = retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
        return s.max(1);
    }
    if let Some(reset) = rate_limit_reset.and_then(|v| v.trim().parse::<u64>().ok()) {
        return reset.saturating_sub(now_unix_s).max(1);
    }
    1
}
