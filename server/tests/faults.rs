//! Fault injection: each kind from the command line and through `/__faults`.

mod common;
use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn put_faults(s: &TestServer, faults: Value) -> (u16, Value) {
    let resp = s
        .client
        .put(s.url("/__faults"))
        .header("Content-Type", "application/json")
        .body(faults.to_string())
        .send()
        .await
        .expect("put");
    let (status, _, body) = json(resp).await;
    (status.as_u16(), body)
}

async fn raw(s: &TestServer, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = s.get(path).await;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn error_kinds_from_the_command_line() {
    let cases: &[(&str, u16, &str, Option<&str>)] = &[
        ("500", 500, "INTERNAL_ERROR", None),
        ("503:retry_after=7", 503, "SERVICE_UNAVAILABLE", Some("7")),
        ("429", 429, "RATE_LIMITED", Some("1")),
        ("429:retry_after=5", 429, "RATE_LIMITED", Some("5")),
    ];
    for (spec, status, expected_code, retry) in cases {
        let s = start("api", &["--fault", spec]).await;
        let (got, headers, body) = s.get_json("/v1/calls").await;
        assert_eq!(
            (got.as_u16(), code(&body)),
            (*status, *expected_code),
            "{spec}"
        );
        assert_eq!(
            headers.get("retry-after").and_then(|v| v.to_str().ok()),
            *retry,
            "{spec}"
        );
        assert!(!header(&headers, "x-ratelimit-limit").is_empty(), "{spec}");
    }
}

#[tokio::test]
async fn faults_come_after_auth() {
    let s = start("api", &["--fault", "500"]).await;
    let resp = s.client.get(s.url("/v1/calls")).send().await.expect("get");
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn truncated_body_is_a_clean_prefix() {
    let s = start("api", &["--fault-control"]).await;
    let (_, _, whole) = raw(&s, "/v1/calls?limit=5").await;
    put_faults(&s, json!([{"kind": "truncated"}])).await;
    let (status, headers, cut) = raw(&s, "/v1/calls?limit=5").await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-length"), cut.len().to_string());
    assert!(cut.len() < whole.len() && whole.starts_with(&cut));
    assert!(serde_json::from_slice::<Value>(&cut).is_err());
}

#[tokio::test]
async fn malformed_is_json_typed_but_not_json() {
    let s = start("api", &["--fault", "malformed"]).await;
    let (status, headers, body) = raw(&s, "/v1/calls").await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "application/json");
    assert!(serde_json::from_slice::<Value>(&body).is_err());
}

#[tokio::test]
async fn drift_keeps_json_valid_but_surprising() {
    let s = start("api", &["--fault", "drift"]).await;
    let (status, _, body) = s.get_json("/v1/calls?limit=12").await;
    assert_eq!(status, 200);
    let calls = body["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 12);
    assert!(calls.iter().any(|c| c["status"] == "ringing"));
    assert!(calls.iter().any(|c| c["end_time"].is_null()));
    assert!(calls.iter().all(|c| c.get("tags").is_some()));
    assert!(body.get("api_version").is_some());
    assert_eq!(body["pagination"]["total"], CALLS);
    let id = calls[1]["id"].as_str().expect("id");
    let (_, _, detail) = s.get_json(&format!("/v1/calls/{id}")).await;
    assert_eq!(detail["status"], "ringing");
    assert!(detail["end_time"].is_null() && detail.get("turns").is_some());
}

#[tokio::test]
async fn slow_delays_the_answer() {
    let s = start("api", &["--fault", "slow:delay_ms=300"]).await;
    let t = Instant::now();
    let (status, _, _) = s.get_json("/v1/calls").await;
    assert_eq!(status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn path_prefix_limits_the_fault() {
    let s = start("api", &["--fault", "500:path=/v1/trunks"]).await;
    assert_eq!(s.get_json("/v1/calls").await.0, 200);
    assert_eq!(s.get_json("/v1/trunks").await.0, 500);
}

#[tokio::test]
async fn control_endpoint_lifecycle() {
    let s = start("api", &["--fault-control"]).await;
    let list = |s: &TestServer| {
        let req = s.client.get(s.url("/__faults"));
        async move { json(req.send().await.expect("get")).await.2 }
    };
    assert_eq!(list(&s).await, json!({"faults": []}));

    // count: two hits, then the fault clears itself.
    let (status, body) = put_faults(&s, json!({"faults": [{"kind": "503", "count": 2}]})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(s.get_json("/v1/calls").await.0, 503);
    assert_eq!(list(&s).await["faults"][0]["count"], 1);
    assert_eq!(s.get_json("/v1/calls").await.0, 503);
    assert_eq!(s.get_json("/v1/calls").await.0, 200);
    assert_eq!(list(&s).await, json!({"faults": []}));

    // rate 0.5: every second answer, deterministically.
    put_faults(&s, json!([{"kind": "500", "rate": 0.5}])).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(s.get_json("/v1/calls").await.0.as_u16());
    }
    assert_eq!(statuses, [200, 500, 200, 500]);

    // POST also replaces; a single object is accepted.
    let resp = s
        .client
        .post(s.url("/__faults"))
        .header("Content-Type", "application/json")
        .body(json!({"kind": "429", "retry_after": 3}).to_string())
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), 200);
    let (status, headers, _) = s.get_json("/v1/calls").await;
    assert_eq!(
        (status.as_u16(), header(&headers, "retry-after")),
        (429, "3")
    );

    // DELETE clears.
    let resp = s
        .client
        .delete(s.url("/__faults"))
        .send()
        .await
        .expect("delete");
    assert_eq!(resp.status(), 200);
    assert_eq!(s.get_json("/v1/calls").await.0, 200);

    // Bad bodies are 400 with the error JSON.
    for bad in [
        json!([{"kind": "404"}]),
        json!([{"kind": "500", "rate": 2}]),
        json!([{"kind": "500", "bogus": 1}]),
        json!("x"),
    ] {
        let (status, body) = put_faults(&s, bad.clone()).await;
        assert_eq!((status, code(&body)), (400, "INVALID_PARAMETER"), "{bad}");
    }

    // CORS preflight for PUT from another origin.
    let resp = s
        .client
        .request(reqwest::Method::OPTIONS, s.url("/__faults"))
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "PUT")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .expect("preflight");
    assert!(resp.status().is_success());
    assert_eq!(header(resp.headers(), "access-control-allow-origin"), "*");
}

#[tokio::test]
async fn control_endpoint_is_off_by_default() {
    let s = start("api", &[]).await;
    let resp = s.client.get(s.url("/__faults")).send().await.expect("get");
    assert_eq!(resp.status(), 404);
}
