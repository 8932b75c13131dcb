//! `serve`'s fair use of the upstream (per-user rate limit, in-flight caps, the nearer
//! limit's headers) and its access log.

mod common;
use common::serve::*;
use std::time::Duration;

#[tokio::test]
async fn per_user_rate_limit_answers_429_with_retry_after() {
    let s = serve(
        Auth::Password(&["alice", "bob"]),
        &["--user-rate-limit", "3"],
    )
    .await;
    let alice = s.cookie("alice").await;
    let bob = s.cookie("bob").await;
    s.clock.advance(15); // 45 s left in the minute
    for i in 0..3 {
        let r = s.get_with("/v1/calls", &alice).await;
        assert_eq!(r.status(), 200, "request {i}");
        // Ours (3 per minute) is nearer than the upstream's 999 remaining.
        assert_eq!(h(&r, "x-ratelimit-limit"), "3");
        assert_eq!(h(&r, "x-ratelimit-remaining"), (2 - i).to_string());
        assert_eq!(h(&r, "x-ratelimit-reset"), (T0 + 60).to_string());
    }
    let r = s.get_with("/v1/calls", &alice).await;
    assert_eq!(r.status(), 429);
    assert_eq!(h(&r, "retry-after"), "45");
    assert_eq!(h(&r, "x-ratelimit-remaining"), "0");
    let body: serde_json::Value =
        serde_json::from_slice(&r.bytes().await.expect("body")).expect("json");
    assert_eq!(common::code(&body), "RATE_LIMITED");
    assert_eq!(s.upstream.count(), 3, "the refused request never left");
    // Another user has their own budget; the next minute starts afresh.
    assert_eq!(s.get_with("/v1/calls", &bob).await.status(), 200);
    s.clock.advance(45);
    assert_eq!(s.get_with("/v1/calls", &alice).await.status(), 200);
}

#[tokio::test]
async fn the_upstreams_limit_shows_when_it_is_nearer() {
    let s = serve(Auth::Password(&["alice"]), &[]).await;
    s.upstream.set_reply(Reply {
        rate: Some((100, 7, T0 + 42)),
        ..Reply::default()
    });
    let alice = s.cookie("alice").await;
    let r = s.get_with("/v1/calls", &alice).await;
    assert_eq!(
        (
            h(&r, "x-ratelimit-limit"),
            h(&r, "x-ratelimit-remaining"),
            h(&r, "x-ratelimit-reset")
        ),
        ("100", "7", "1800000042")
    );
    // An upstream 429 passes through with its own Retry-After.
    s.upstream.set_reply(Reply {
        status: 429,
        rate: Some((100, 0, T0 + 42)),
        body: r#"{"error":{"code":"RATE_LIMITED","message":"slow down"}}"#.into(),
        ..Reply::default()
    });
    let r = s.get_with("/v1/calls", &alice).await;
    assert_eq!(r.status(), 429);
    assert_eq!(h(&r, "x-ratelimit-remaining"), "0");
}

#[tokio::test]
async fn requests_in_flight_are_capped_per_user_and_per_instance() {
    let s = serve(
        Auth::Password(&["alice", "bob", "carol"]),
        &["--user-in-flight", "2", "--max-in-flight", "3"],
    )
    .await;
    let cookies = [
        s.cookie("alice").await,
        s.cookie("bob").await,
        s.cookie("carol").await,
    ];
    let hold = s.upstream.hold();
    let spawn =
        |cookie: String| tokio::spawn(status_with_cookie(&s.client, s.url("/v1/calls"), cookie));
    let a1 = spawn(cookies[0].clone());
    let a2 = spawn(cookies[0].clone());
    wait_for(|| s.upstream.count() == 2).await;
    // alice's third is over her cap of 2; it is refused at once, never sent.
    let r = s.get_with("/v1/calls", &cookies[0]).await;
    assert_eq!(r.status(), 429);
    assert_eq!(h(&r, "retry-after"), "1");
    let b1 = spawn(cookies[1].clone());
    wait_for(|| s.upstream.count() == 3).await;
    // The instance's cap of 3 is reached: carol waits too.
    let r = s.get_with("/v1/calls", &cookies[2]).await;
    assert_eq!(r.status(), 429);
    assert_eq!(s.upstream.count(), 3);
    hold.add_permits(3);
    for t in [a1, a2, b1] {
        assert_eq!(t.await.expect("join"), 200);
    }
    hold.add_permits(100);
    assert_eq!(
        s.get_with("/v1/calls", &cookies[2]).await.status(),
        200,
        "slots came back"
    );
}

async fn wait_for(cond: impl Fn() -> bool) {
    for _ in 0..200 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached in 2 s");
}

#[tokio::test]
async fn access_log_has_one_line_per_request_and_no_secrets() {
    let s = serve(Auth::Password(&["alice"]), &["--log-format", "json"]).await;
    let resp = s.sign_in("alice", PASSWORD, "/analytics?range=24h").await;
    let cookie = cookie_of(&resp);
    let token = cookie
        .split_once('=')
        .map(|(_, t)| t.to_string())
        .unwrap_or_default();
    let r = s
        .get_with(
            "/v1/calls?limit=5&status=failed&trunk_id=conn_secretive123",
            &cookie,
        )
        .await;
    assert_eq!(r.status(), 200);
    let _ = s.client.get(s.url("/v1/calls")).send().await; // 401
    let _ = s
        .client
        .get(s.url("/v1/calls"))
        .header("authorization", "Bearer sk_live_browser_secret")
        .send()
        .await;
    let lines = s.log_lines();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    for line in &lines {
        for secret in [
            UPSTREAM_KEY,
            PASSWORD,
            token.as_str(),
            "sk_live_browser_secret",
            "conn_secretive123",
            "failed",
            "range=24h",
            "analytics",
        ] {
            assert!(!line.contains(secret), "{secret} in {line}");
        }
    }
    let parsed: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(parsed[0]["method"], "POST");
    assert_eq!(parsed[0]["path"], "/signin");
    assert_eq!(parsed[0]["status"], 303);
    assert_eq!(parsed[1]["user"], "alice");
    assert_eq!(parsed[1]["path"], "/v1/calls?limit&status&trunk_id");
    assert_eq!(parsed[1]["status"], 200);
    assert!(parsed[1]["upstream_ms"].is_u64());
    assert!(parsed[1]["time"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(parsed[2]["user"], "-");
    assert_eq!(parsed[2]["status"], 401);
    assert!(parsed[2]["upstream_ms"].is_null());
}

#[tokio::test]
async fn access_log_text_format() {
    let s = serve(Auth::None, &[]).await;
    let _ = s.client.get(s.url("/v1/calls?offset=20")).send().await;
    let lines = s.log_lines();
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert!(line.starts_with("time="), "{line}");
    for part in [
        "user=\"-\"",
        "client=127.0.0.1",
        "method=GET",
        "path=\"/v1/calls?offset\"",
        "status=200",
        "upstream_ms=",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
}
