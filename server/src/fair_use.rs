//! Fair use of the vendor's rate limit: `serve`'s own per-user request rate and caps on
//! requests in flight to the upstream, so one browser tab cannot spend the account's
//! whole `X-RateLimit-Limit`.
//!
//! All counts are per instance (memory of this process): N instances behind a load
//! balancer allow up to N times as much. A request over a limit is answered 429
//! `RATE_LIMITED` with `Retry-After` and never reaches the upstream. Answers carry the
//! `X-RateLimit-*` headers of whichever limit is nearer (fewer requests remaining): this
//! one's or the upstream's, so the dashboard paces itself by the one that binds.

use crate::error::{ApiError, ErrorCode};
use crate::ratelimit::{self, Decision, RateLimiter};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Default requests per minute per user.
pub const DEFAULT_USER_RATE: u32 = 600;
/// Default requests in flight to the upstream per user.
pub const DEFAULT_USER_IN_FLIGHT: usize = 8;
/// Default requests in flight to the upstream per instance, all users together.
pub const DEFAULT_TOTAL_IN_FLIGHT: usize = 64;

/// The limits.
#[derive(Debug)]
pub struct FairUse {
    rate: RateLimiter<String>,
    per_user: usize,
    total: usize,
    in_flight: Arc<Mutex<InFlight>>,
}

#[derive(Debug, Default)]
struct InFlight {
    total: usize,
    per_user: HashMap<String, usize>,
}

/// A request's place among those in flight; given back when dropped.
#[derive(Debug)]
pub struct Slot {
    user: String,
    in_flight: Arc<Mutex<InFlight>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut f = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        f.total = f.total.saturating_sub(1);
        if let Some(n) = f.per_user.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                f.per_user.remove(&self.user);
            }
        }
    }
}

impl FairUse {
    /// `per_minute` requests per user (0 = unlimited), at most `per_user` and `total`
    /// in flight (0 = no cap).
    pub fn new(per_minute: u32, per_user: usize, total: usize) -> Self {
        FairUse {
            rate: RateLimiter::new(per_minute),
            per_user,
            total,
            in_flight: Arc::default(),
        }
    }

    /// Admits a request of `user` at `now`: a slot to hold while it is upstream and the
    /// rate decision (for the headers), or the 429 to answer.
    pub fn admit(&self, user: &str, now: i64) -> Result<(Slot, Decision), Box<Response>> {
        let decision = self.rate.check(user.to_string(), now);
        if !decision.allowed {
            let err = ApiError::new(
                ErrorCode::RateLimited,
                format!(
                    "This dashboard allows {} requests per minute per user; retry in {} s.",
                    decision.limit, decision.retry_after
                ),
            )
            .with_retry_after(decision.retry_after);
            return Err(Box::new(with_headers(err, &decision)));
        }
        let mut f = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let mine = f.per_user.get(user).copied().unwrap_or(0);
        let over_user = self.per_user > 0 && mine >= self.per_user;
        let over_total = self.total > 0 && f.total >= self.total;
        if over_user || over_total {
            let why = if over_user {
                format!(
                    "{} requests of this user are already on their way",
                    self.per_user
                )
            } else {
                "the server has as many requests on their way as it allows".to_string()
            };
            let err = ApiError::new(
                ErrorCode::RateLimited,
                format!("Too many requests at once: {why}; retry in 1 s."),
            )
            .with_retry_after(1);
            return Err(Box::new(with_headers(err, &decision)));
        }
        f.total += 1;
        *f.per_user.entry(user.to_string()).or_insert(0) += 1;
        Ok((
            Slot {
                user: user.to_string(),
                in_flight: self.in_flight.clone(),
            },
            decision,
        ))
    }
}

fn with_headers(err: ApiError, decision: &Decision) -> Response {
    let mut resp = err.into_response();
    decision.apply(resp.headers_mut());
    resp
}

/// Sets the `X-RateLimit-*` headers of the nearer limit on an upstream answer: the
/// upstream's own if it sent a `X-RateLimit-Remaining` no larger than ours, else ours.
pub fn nearer_limit(headers: &mut HeaderMap, ours: &Decision) {
    let theirs = headers
        .get(ratelimit::REMAINING)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if theirs.is_some_and(|r| r <= u64::from(ours.remaining)) {
        return;
    }
    for name in [ratelimit::LIMIT, ratelimit::REMAINING, ratelimit::RESET] {
        headers.remove(&name);
    }
    ours.apply(headers);
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn rate_per_user() {
        let f = FairUse::new(2, 0, 0);
        let t = 1_700_000_040;
        assert!(f.admit("alice", t).is_ok());
        assert!(f.admit("alice", t).is_ok());
        let refused = f.admit("alice", t).err().map(|r| r.status().as_u16());
        assert_eq!(refused, Some(429));
        assert!(f.admit("bob", t).is_ok());
        assert!(f.admit("alice", t + 60).is_ok(), "a new minute");
    }

    #[test]
    fn in_flight_caps_free_up_when_slots_drop() {
        let f = FairUse::new(0, 2, 3);
        let t = 0;
        let a1 = f.admit("alice", t).ok();
        let a2 = f.admit("alice", t).ok();
        assert!(a1.is_some() && a2.is_some());
        let r = f.admit("alice", t).err();
        assert_eq!(r.as_ref().map(|r| r.status().as_u16()), Some(429));
        let retry = r
            .as_ref()
            .and_then(|r| r.headers().get("retry-after").cloned());
        assert_eq!(retry, Some(HeaderValue::from_static("1")));
        let b1 = f.admit("bob", t).ok();
        assert!(b1.is_some());
        assert!(f.admit("carol", t).is_err(), "the instance's total of 3");
        drop(a1);
        assert!(f.admit("carol", t).is_ok());
    }

    #[test]
    fn the_nearer_limit_wins() {
        let ours = Decision {
            allowed: true,
            limit: 600,
            remaining: 10,
            reset: 60,
            retry_after: 60,
        };
        let upstream = |remaining: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(ratelimit::LIMIT, HeaderValue::from_static("100"));
            h.insert(ratelimit::REMAINING, HeaderValue::from_static(remaining));
            h.insert(ratelimit::RESET, HeaderValue::from_static("999"));
            h
        };
        let mut h = upstream("3");
        nearer_limit(&mut h, &ours);
        assert_eq!(
            h.get(ratelimit::LIMIT),
            Some(&HeaderValue::from_static("100"))
        );
        let mut h = upstream("50");
        nearer_limit(&mut h, &ours);
        assert_eq!(h.get(ratelimit::LIMIT), Some(&HeaderValue::from(600)));
        assert_eq!(h.get(ratelimit::REMAINING), Some(&HeaderValue::from(10)));
        assert_eq!(h.get(ratelimit::RESET), Some(&HeaderValue::from(60)));
        let mut h = HeaderMap::new();
        nearer_limit(&mut h, &ours);
        assert_eq!(h.get(ratelimit::REMAINING), Some(&HeaderValue::from(10)));
    }
}
