//! Fault injection for the local API (off unless `--fault` or `--fault-control`).
//!
//! A fault is `{"kind": K, "rate": 0..=1 (default 1), "count": N (optional),
//! "delay_ms": ms (slow, default 1000), "retry_after": s (429/503, default 1),
//! "path": "/v1/calls" (prefix, default every /v1 path)}` with kind one of
//! `500`, `503`, `429`, `slow`, `truncated`, `malformed`, `drift`.
//!
//! - `500` / `503` / `429`: the error JSON with that status (`429` and `503` carry
//!   `Retry-After`);
//! - `slow`: the normal answer after `delay_ms` (combines with the others);
//! - `truncated`: the normal 200 body cut in half, with a matching `Content-Length`;
//! - `malformed`: 200, `Content-Type: application/json`, and an HTML body;
//! - `drift`: a valid 200 whose calls partly have `end_time: null`, an unknown status
//!   (`ringing`) and extra fields, with extra top-level fields too.
//!
//! `rate` is applied by counting, not by chance: with rate r, the n-th matching request
//! is hit when ⌊n·r⌋ grows, so rate 1 hits every request and rate 0.25 every fourth.
//! `count` removes the fault after it has hit that many answers.
//!
//! On the command line a fault is `KIND[:key=value,...]`, e.g. `500:rate=0.2`,
//! `slow:delay_ms=300,path=/v1/calls`, `429:retry_after=5,count=3`.

use crate::error::{ApiError, ErrorCode};
use crate::ratelimit;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Largest body the `truncated` and `drift` faults will buffer.
const MAX_BODY: usize = 16 << 20;

/// The kinds of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaultKind {
    /// 500 `INTERNAL_ERROR`.
    #[serde(rename = "500")]
    Internal,
    /// 503 `SERVICE_UNAVAILABLE`.
    #[serde(rename = "503")]
    Unavailable,
    /// 429 `RATE_LIMITED` with `Retry-After`.
    #[serde(rename = "429")]
    RateLimited,
    /// The normal answer, late.
    #[serde(rename = "slow")]
    Slow,
    /// The normal 200 body cut in half.
    #[serde(rename = "truncated")]
    Truncated,
    /// 200 with a non-JSON body.
    #[serde(rename = "malformed")]
    Malformed,
    /// 200 with drifted data.
    #[serde(rename = "drift")]
    Drift,
}

impl FromStr for FaultKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_value(Value::String(s.to_string())).map_err(|_| {
            format!(
                "unknown fault kind '{s}': use 500, 503, 429, slow, truncated, malformed or drift"
            )
        })
    }
}

fn one() -> f64 {
    1.0
}

/// One fault, as configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// What happens.
    pub kind: FaultKind,
    /// Share of matching answers hit, 0..=1 (default 1).
    #[serde(default = "one")]
    pub rate: f64,
    /// Hits left before the fault removes itself (unlimited if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// `slow`: delay in ms (default 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// `429` / `503`: `Retry-After` seconds (default 1 for 429, none for 503).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Only paths starting with this (default: every /v1 path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Fault {
    /// A fault of `kind` hitting every /v1 answer.
    pub fn new(kind: FaultKind) -> Fault {
        Fault {
            kind,
            rate: 1.0,
            count: None,
            delay_ms: None,
            retry_after: None,
            path: None,
        }
    }

    /// Checks the ranges serde cannot.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.rate) {
            return Err(format!("rate must be from 0 to 1, got {}", self.rate));
        }
        if let Some(p) = &self.path {
            if !p.starts_with('/') {
                return Err(format!("path must start with '/', got '{p}'"));
            }
        }
        if self.delay_ms.is_some_and(|d| d > 600_000) {
            return Err("delay_ms must be at most 600000".into());
        }
        Ok(())
    }
}

impl FromStr for Fault {
    type Err = String;

    /// Parses `KIND[:key=value,...]`.
    fn from_str(spec: &str) -> Result<Self, String> {
        let (kind, rest) = spec.split_once(':').unwrap_or((spec, ""));
        let mut fault = Fault::new(kind.trim().parse()?);
        for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("expected key=value in fault spec, got '{part}'"))?;
            let num = |v: &str| {
                v.parse::<u64>()
                    .map_err(|_| format!("{k} must be a whole number, got '{v}'"))
            };
            match k {
                "rate" => {
                    fault.rate = v
                        .parse()
                        .map_err(|_| format!("rate must be a number from 0 to 1, got '{v}'"))?
                }
                "count" => fault.count = Some(num(v)?),
                "delay_ms" => fault.delay_ms = Some(num(v)?),
                "retry_after" => fault.retry_after = Some(num(v)?),
                "path" => fault.path = Some(v.to_string()),
                _ => {
                    return Err(format!(
                        "unknown fault option '{k}': use rate, count, delay_ms, retry_after or path"
                    ))
                }
            }
        }
        fault.validate()?;
        Ok(fault)
    }
}

/// A fault and how many matching requests it has seen.
#[derive(Debug, Clone)]
struct Active {
    fault: Fault,
    seen: u64,
}

impl Active {
    /// Counts one matching request; true when this one is hit.
    fn hit(&mut self) -> bool {
        let before = (self.seen as f64 * self.fault.rate).floor();
        self.seen += 1;
        let after = (self.seen as f64 * self.fault.rate).floor();
        after > before
    }
}

/// What to do to one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Sleep this long first.
    pub delay: Option<Duration>,
    /// Then answer with this fault instead of (or by altering) the normal answer.
    pub action: Option<Fault>,
}

/// The current list of faults, shared by the middleware and `/__faults`.
#[derive(Debug, Default)]
pub struct FaultSet {
    active: Mutex<Vec<Active>>,
}

impl FaultSet {
    /// A set holding `faults`.
    pub fn new(faults: Vec<Fault>) -> FaultSet {
        let set = FaultSet::default();
        set.replace(faults);
        set
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Active>> {
        self.active.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The faults in force (with their remaining `count`).
    pub fn list(&self) -> Vec<Fault> {
        self.lock().iter().map(|a| a.fault.clone()).collect()
    }

    /// Replaces every fault.
    pub fn replace(&self, faults: Vec<Fault>) {
        *self.lock() = faults
            .into_iter()
            .map(|fault| Active { fault, seen: 0 })
            .collect();
    }

    /// Decides what happens to a request for `path`.
    pub fn plan(&self, path: &str) -> Plan {
        let mut plan = Plan::default();
        let mut active = self.lock();
        if active.is_empty() {
            return plan;
        }
        for a in active.iter_mut() {
            let applies = a
                .fault
                .path
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix));
            let is_slow = a.fault.kind == FaultKind::Slow;
            if !applies || (!is_slow && plan.action.is_some()) || !a.hit() {
                continue;
            }
            if let Some(c) = a.fault.count.as_mut() {
                *c = c.saturating_sub(1);
            }
            if is_slow {
                let ms = a.fault.delay_ms.unwrap_or(1000);
                plan.delay = Some(plan.delay.unwrap_or_default() + Duration::from_millis(ms));
            } else {
                plan.action = Some(a.fault.clone());
            }
        }
        active.retain(|a| a.fault.count != Some(0));
        plan
    }
}

/// Middleware applying the faults to /v1 answers.
pub async fn inject(State(faults): State<Arc<FaultSet>>, req: Request, next: Next) -> Response {
    let plan = faults.plan(req.uri().path());
    if let Some(delay) = plan.delay {
        tokio::time::sleep(delay).await;
    }
    let Some(fault) = plan.action else {
        return next.run(req).await;
    };
    match fault.kind {
        FaultKind::Internal => ApiError::new(
            ErrorCode::InternalError,
            "The server failed to answer this request (injected fault).",
        )
        .into_response(),
        FaultKind::Unavailable => {
            let err = ApiError::new(
                ErrorCode::ServiceUnavailable,
                "The service is temporarily unavailable; try again shortly (injected fault).",
            );
            match fault.retry_after {
                Some(s) => err.with_retry_after(s),
                None => err,
            }
            .into_response()
        }
        FaultKind::RateLimited => {
            let mut resp = ApiError::new(
                ErrorCode::RateLimited,
                "Too many requests; wait for Retry-After seconds (injected fault).",
            )
            .with_retry_after(fault.retry_after.unwrap_or(1))
            .into_response();
            resp.headers_mut()
                .insert(ratelimit::REMAINING, HeaderValue::from(0u32));
            resp
        }
        FaultKind::Malformed => {
            let mut resp = (
                StatusCode::OK,
                "<!DOCTYPE html><html><head><title>Gateway</title></head>\
                 <body><h1>Upstream sent an invalid response</h1></body></html>\n",
            )
                .into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            resp
        }
        FaultKind::Truncated => {
            alter_ok(next.run(req).await, |body| {
                let cut = (body.len() / 2).max(1).min(body.len());
                Some(body.slice(..cut))
            })
            .await
        }
        FaultKind::Drift => {
            alter_ok(next.run(req).await, |body| {
                let mut value: Value = serde_json::from_slice(&body).ok()?;
                drift(&mut value);
                serde_json::to_vec(&value).ok().map(Bytes::from)
            })
            .await
        }
        FaultKind::Slow => next.run(req).await,
    }
}

/// Replaces the body of a 200 answer with `f(body)`, fixing `Content-Length`.
async fn alter_ok(resp: Response, f: impl FnOnce(Bytes) -> Option<Bytes>) -> Response {
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return ApiError::internal().into_response();
    };
    let new = f(bytes.clone()).unwrap_or(bytes);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(new.len()));
    Response::from_parts(parts, Body::from(new))
}

/// Drifts one call object in place: always extra fields, optionally a `null`
/// end_time and an unknown status.
fn drift_call(call: &mut Value, null_end: bool, unknown_status: bool) {
    let Some(obj) = call.as_object_mut() else {
        return;
    };
    if null_end {
        obj.insert("end_time".into(), Value::Null);
    }
    if unknown_status {
        obj.insert("status".into(), json!("ringing"));
    }
    obj.insert("recording_url".into(), Value::Null);
    obj.insert("tags".into(), json!(["drift"]));
    obj.insert(
        "sentiment".into(),
        json!({"score": 0.42, "label": "neutral"}),
    );
}

/// Drifts a whole answer: list, detail or trunks.
fn drift(value: &mut Value) {
    let Some(obj) = value.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(calls)) = obj.get_mut("calls") {
        for (i, call) in calls.iter_mut().enumerate() {
            drift_call(call, i.is_multiple_of(3), i % 4 == 1);
        }
    } else if obj.contains_key("turns") {
        drift_call(value, true, true);
        return;
    }
    if let Some(Value::Object(p)) = obj.get_mut("pagination") {
        p.insert("has_more".into(), json!(true));
    }
    obj.insert("api_version".into(), json!("2025-06-01"));
    obj.insert("request_id".into(), json!("req_drift0000001"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        let f: Fault = "500:rate=0.2".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((f.kind, f.rate), (FaultKind::Internal, 0.2));
        let f: Fault = "slow:delay_ms=300,path=/v1/calls"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.delay_ms, Some(300));
        assert_eq!(f.path.as_deref(), Some("/v1/calls"));
        for bad in [
            "404",
            "500:rate=2",
            "500:rate",
            "500:foo=1",
            "slow:delay_ms=x",
            "drift:path=v1",
        ] {
            assert!(bad.parse::<Fault>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rate_is_counted_not_random() {
        let set = FaultSet::new(vec!["500:rate=0.25"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"))]);
        let hits: Vec<bool> = (0..8)
            .map(|_| set.plan("/v1/calls").action.is_some())
            .collect();
        assert_eq!(hits, [false, false, false, true, false, false, false, true]);
    }

    #[test]
    fn count_clears_the_fault() {
        let set = FaultSet::new(vec!["503:count=2"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"))]);
        assert!(set.plan("/v1/calls").action.is_some());
        assert!(set.plan("/v1/calls").action.is_some());
        assert!(set.plan("/v1/calls").action.is_none());
        assert!(set.list().is_empty());
    }

    #[test]
    fn path_prefix_and_slow_combine() {
        let set = FaultSet::new(vec![
            "slow:delay_ms=5".parse().unwrap_or_else(|e| panic!("{e}")),
            "500:path=/v1/trunks"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
        ]);
        let p = set.plan("/v1/calls");
        assert_eq!((p.delay, p.action), (Some(Duration::from_millis(5)), None));
        assert!(set.plan("/v1/trunks").action.is_some());
    }
}
