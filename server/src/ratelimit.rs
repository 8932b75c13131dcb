//! Fixed-window rate limiting per bucket and the `X-RateLimit-*` headers. The local API
//! keys its buckets by `Bucket` (the valid key or anonymous); `serve` keys them by user.
//!
//! Windows are aligned to the wall clock (a minute unless `--rate-window` says otherwise;
//! tests use a few seconds): `X-RateLimit-Reset` is the Unix second at which the current
//! window ends. Requests without a valid key share one
//! "anonymous" bucket, so guessing keys is limited too. A limit of 0 means unlimited;
//! the headers are still sent, with `X-RateLimit-Limit` and `-Remaining` at 4294967295.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// `X-RateLimit-Limit`.
pub const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
/// `X-RateLimit-Remaining`.
pub const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
/// `X-RateLimit-Reset`.
pub const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// Which budget a request draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// Requests carrying the valid key (or, in demo mode, no key).
    Key,
    /// Everything else.
    Anonymous,
}

/// The outcome of one check, with the values for the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// May the request proceed?
    pub allowed: bool,
    /// Requests per minute (`u32::MAX` when unlimited).
    pub limit: u32,
    /// Requests left in this window after this one.
    pub remaining: u32,
    /// Unix second at which the window ends.
    pub reset: i64,
    /// Seconds until the window ends (at least 1), for `Retry-After`.
    pub retry_after: u64,
}

impl Decision {
    /// Adds the `X-RateLimit-*` headers unless the response already set them.
    pub fn apply(&self, headers: &mut HeaderMap) {
        for (name, value) in [
            (LIMIT, u64::from(self.limit)),
            (REMAINING, u64::from(self.remaining)),
        ] {
            headers
                .entry(name)
                .or_insert_with(|| HeaderValue::from(value));
        }
        headers
            .entry(RESET)
            .or_insert_with(|| HeaderValue::from(self.reset));
    }
}

/// Buckets kept before those of past windows are dropped (they count nothing any more).
const PRUNE_AT: usize = 10_000;

/// Counts requests per bucket per window.
#[derive(Debug)]
pub struct RateLimiter<K = Bucket> {
    limit: u32,
    window_s: i64,
    windows: Mutex<HashMap<K, (i64, u32)>>,
}

impl<K: Eq + Hash> RateLimiter<K> {
    /// A limiter allowing `per_minute` requests per bucket (0 = unlimited).
    pub fn new(per_minute: u32) -> Self {
        Self::with_window(per_minute, 60)
    }

    /// A limiter allowing `limit` requests per bucket per `window_s` seconds (at least 1).
    pub fn with_window(limit: u32, window_s: u32) -> Self {
        RateLimiter {
            limit,
            window_s: i64::from(window_s.max(1)),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Length of a window in seconds.
    pub fn window_s(&self) -> i64 {
        self.window_s
    }

    /// Requests allowed per window (0 = unlimited).
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Counts one request at Unix time `now` and says whether it may proceed.
    pub fn check(&self, bucket: K, now: i64) -> Decision {
        let window = now.div_euclid(self.window_s);
        let reset = (window + 1) * self.window_s;
        let retry_after = u64::try_from(reset - now).unwrap_or(1).max(1);
        if self.limit == 0 {
            return Decision {
                allowed: true,
                limit: u32::MAX,
                remaining: u32::MAX,
                reset,
                retry_after,
            };
        }
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, (w, _)| *w == window);
        }
        let entry = windows.entry(bucket).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        let allowed = entry.1 < self.limit;
        if allowed {
            entry.1 += 1;
        }
        Decision {
            allowed,
            limit: self.limit,
            remaining: self.limit - entry.1,
            reset,
            retry_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_counts_and_resets() {
        let rl = RateLimiter::new(2);
        let t = 1_700_000_080; // 40 s into a minute
        let a = rl.check(Bucket::Key, t);
        assert!(a.allowed && a.remaining == 1 && a.reset == 1_700_000_100);
        assert!(rl.check(Bucket::Key, t).allowed);
        let c = rl.check(Bucket::Key, t + 1);
        assert!(!c.allowed && c.remaining == 0 && c.retry_after == 19);
        assert!(rl.check(Bucket::Anonymous, t).allowed);
        assert!(rl.check(Bucket::Key, t + 20).allowed);
    }

    #[test]
    fn a_short_window_resets_sooner() {
        let rl = RateLimiter::with_window(1, 5);
        let t = 1_700_000_081; // 1 s into a 5 s window
        assert!(rl.check(Bucket::Key, t).allowed);
        let b = rl.check(Bucket::Key, t);
        assert!(!b.allowed && b.reset == 1_700_000_085 && b.retry_after == 4);
        assert!(rl.check(Bucket::Key, t + 4).allowed);
        assert_eq!(rl.window_s(), 5);
    }

    #[test]
    fn any_key_type_gets_its_own_bucket() {
        let rl: RateLimiter<String> = RateLimiter::new(1);
        assert!(rl.check("alice".into(), 0).allowed);
        assert!(!rl.check("alice".into(), 1).allowed);
        assert!(rl.check("bob".into(), 1).allowed);
    }

    #[test]
    fn zero_is_unlimited() {
        let rl = RateLimiter::new(0);
        assert!((0..1000).all(|_| rl.check(Bucket::Key, 0).allowed));
    }
}
