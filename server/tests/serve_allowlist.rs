//! `serve` lends the key only to allow-listed reads: every method × every allowed and
//! refused path, sent as raw bytes (reqwest would normalise dot segments) to a `serve`
//! in front of a recording upstream. What is refused never arrives upstream; what is
//! allowed arrives exactly once, with the key, rebuilt from the checked parts.

mod common;
use common::serve::*;

const METHODS: [&str; 8] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
];
const JSON_BODY: &[u8] = br#"{"status":"failed","note":"written by an attacker"}"#;

/// (target, path upstream, query upstream).
const ALLOWED: [(&str, &str, Option<&str>); 5] = [
    ("/v1/calls", "/v1/calls", None),
    (
        "/v1/calls?limit=1000&status=failed",
        "/v1/calls",
        Some("limit=1000&status=failed"),
    ),
    (
        "/v1/calls?start_date=2024-03-01T00:00:00Z&trunk_id=conn_abc&offset=20&end_date=2024-03-02",
        "/v1/calls",
        Some("start_date=2024-03-01T00%3A00%3A00Z&trunk_id=conn_abc&offset=20&end_date=2024-03-02"),
    ),
    ("/v1/calls/call_abc123xyz", "/v1/calls/call_abc123xyz", None),
    (
        "/v1/trunks?limit=2&offset=0",
        "/v1/trunks",
        Some("limit=2&offset=0"),
    ),
];

/// (target, status, code). Path, endpoint and id are judged before the method, query
/// names after it (a POST with an unknown name is 405: see `expected`).
fn refused() -> Vec<(String, u16, &'static str)> {
    let mut cases: Vec<(String, u16, &'static str)> = [
        ("/v1/../etc/passwd", 400, "INVALID_PATH"),
        ("/v1/..", 400, "INVALID_PATH"),
        ("/v1/%2e%2e/admin", 400, "INVALID_PATH"),
        ("/v1/%2E%2e/admin", 400, "INVALID_PATH"),
        ("/v1/.%2e/admin", 400, "INVALID_PATH"),
        ("/v1/.", 400, "INVALID_PATH"),
        ("/v1/./calls", 400, "INVALID_PATH"),
        ("/v1/%2e/calls", 400, "INVALID_PATH"),
        ("/v1/calls/..", 400, "INVALID_PATH"),
        ("/v1/calls/../../admin", 400, "INVALID_PATH"),
        ("/v1/calls%2f..%2f..%2fadmin", 400, "INVALID_PATH"),
        ("/v1/calls/a%2fb", 400, "INVALID_PATH"),
        ("/v1/calls/a%2Fb", 400, "INVALID_PATH"),
        ("/v1/calls/a%5cb", 400, "INVALID_PATH"),
        ("/v1/calls/%5c..%5cadmin", 400, "INVALID_PATH"),
        ("/v1//calls", 400, "INVALID_PATH"),
        ("/v1//evil.example/calls", 400, "INVALID_PATH"),
        ("/v1/calls/", 400, "INVALID_PATH"),
        ("/v1/", 400, "INVALID_PATH"),
        ("/v1/calls/%00", 400, "INVALID_PATH"),
        ("/v1/calls/%0d%0aX-Injected:%201", 400, "INVALID_PATH"),
        ("/v1/calls/%zz", 400, "INVALID_PATH"),
        ("/v1/calls/%c3%28", 400, "INVALID_PATH"),
        ("/v1", 404, "NOT_FOUND"),
        ("/v1/admin", 404, "NOT_FOUND"),
        ("/v1/calls/call_abc/turns", 404, "NOT_FOUND"),
        ("/v1/calls?api_key=sk_live_x", 400, "INVALID_PARAMETER"),
        ("/v1/calls?limit=5&callback=x", 400, "INVALID_PARAMETER"),
        ("/v1/trunks?status=failed", 400, "INVALID_PARAMETER"),
        ("/v1/calls/call_abc?limit=1", 400, "INVALID_PARAMETER"),
        ("/v1/calls/call%20abc", 400, "INVALID_PARAMETER"),
    ]
    .into_iter()
    .map(|(t, s, c)| (t.to_string(), s, c))
    .collect();
    // Over our own limit of 2048 bytes, under hyper's.
    cases.push((
        format!("/v1/calls/{}", "a".repeat(3000)),
        400,
        "INVALID_PATH",
    ));
    cases
}

/// What a refused case answers to `method`: query names are checked after the method.
fn expected(method: &str, target: &str, status: u16, code: &'static str) -> (u16, &'static str) {
    let query_case = code == "INVALID_PARAMETER" && target.contains('?');
    if query_case && !matches!(method, "GET" | "HEAD") {
        (405, "METHOD_NOT_ALLOWED")
    } else {
        (status, code)
    }
}

/// Sends `method target` with `headers` and the body that method gets.
async fn send(s: &Serve, method: &str, target: &str, headers: &[(&str, &str)]) -> Raw {
    raw_bytes(
        s.addr(),
        method,
        target.as_bytes(),
        headers,
        body_for(method),
    )
    .await
}

fn body_for(method: &str) -> &'static [u8] {
    if matches!(method, "POST" | "PUT" | "PATCH" | "DELETE") {
        JSON_BODY
    } else {
        b""
    }
}

#[tokio::test]
async fn every_method_on_every_path() {
    let s = serve(Auth::Password(&["alice"]), &[]).await;
    let cookie = s.cookie("alice").await;
    let headers = [
        ("Cookie", cookie.as_str()),
        ("Content-Type", "application/json"),
        ("Authorization", "Bearer sk_live_from_the_browser"),
    ];
    let mut checked = 0;
    for method in METHODS {
        for (target, path, query) in ALLOWED {
            let before = s.upstream.count();
            let r = send(&s, method, target, &headers).await;
            let what = format!("{method} {target}");
            if matches!(method, "GET" | "HEAD") {
                assert_eq!(r.status, 200, "{what}: {}", r.text());
                let records = s.upstream.records();
                assert_eq!(records.len(), before + 1, "{what} arrives exactly once");
                let got = &records[before];
                assert_eq!(got.method, method, "{what}");
                assert_eq!(got.path, path, "{what}");
                assert_eq!(got.query.as_deref(), query, "{what}");
                assert_eq!(
                    got.header("authorization"),
                    Some(format!("Bearer {UPSTREAM_KEY}").as_str()),
                    "{what}: the server's key replaces the browser's"
                );
                assert_eq!(got.header("cookie"), None, "{what}: no cookie upstream");
                assert!(got.body.is_empty(), "{what}: no body upstream");
                assert!(
                    r.header("set-cookie").is_none(),
                    "{what}: upstream Set-Cookie dropped"
                );
            } else {
                assert_eq!(r.status, 405, "{what}: {}", r.text());
                assert_eq!(r.code(), "METHOD_NOT_ALLOWED", "{what}");
                assert_eq!(r.header("allow"), Some("GET, HEAD"), "{what}");
                assert_eq!(s.upstream.count(), before, "{what} never arrives upstream");
            }
            checked += 1;
        }
        for (target, status, code) in refused() {
            let (status, code) = expected(method, &target, status, code);
            let before = s.upstream.count();
            let r = send(&s, method, &target, &headers).await;
            let what = format!("{method} {target}");
            assert_eq!(r.status, status, "{what}: {}", r.text());
            if method != "HEAD" {
                assert_eq!(r.code(), code, "{what}");
            }
            assert_eq!(s.upstream.count(), before, "{what} never arrives upstream");
            checked += 1;
        }
    }
    assert_eq!(
        s.upstream.count(),
        ALLOWED.len() * 2,
        "only GET and HEAD of allowed paths"
    );
    assert!(checked > 250, "{checked} cases");
}

/// Paths hyper itself refuses (a raw backslash, bytes that are not UTF-8, a huge
/// target) may get its bare 400/414; they never arrive upstream either.
#[tokio::test]
async fn paths_hyper_refuses_never_arrive() {
    let s = serve(Auth::Password(&["alice"]), &[]).await;
    let cookie = s.cookie("alice").await;
    let headers = [("Cookie", cookie.as_str())];
    let mut huge = b"/v1/calls/".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 70_000));
    let cases: Vec<Vec<u8>> = vec![
        br"/v1/calls\..\admin".to_vec(),
        b"/v1/calls/\xff\xfe".to_vec(),
        b"/v1/calls/caf\xc3\xa9\x80".to_vec(),
        huge,
    ];
    for target in cases {
        let what = String::from_utf8_lossy(&target[..target.len().min(40)]).into_owned();
        let r = raw_bytes(s.addr(), "GET", &target, &headers, b"").await;
        assert!(
            [400, 414, 431].contains(&r.status),
            "{what}: {} {}",
            r.status,
            r.text()
        );
        if r.status == 400 && !r.body.is_empty() {
            assert_eq!(r.code(), "INVALID_PATH", "{what}");
        }
    }
    assert_eq!(s.upstream.count(), 0);
}

/// A target outside /v1 never goes upstream, whatever it looks like.
#[tokio::test]
async fn other_paths_are_the_site_never_the_upstream() {
    let s = serve(Auth::Password(&["alice"]), &[]).await;
    let cookie = s.cookie("alice").await;
    for target in [
        "//evil.example/v1/calls",
        "/v1%2fcalls",
        "/V1/calls",
        "/./v1/calls",
        "/x/../v1/calls",
        "/etc/passwd",
    ] {
        for method in ["GET", "POST"] {
            let r = raw(s.addr(), method, target, &[("Cookie", cookie.as_str())]).await;
            assert!(r.status >= 400, "{method} {target}: {}", r.status);
        }
    }
    assert_eq!(s.upstream.count(), 0);
}

/// Without a session every /v1 request is 401 SIGN_IN_REQUIRED, before the allow-list is
/// asked, and nothing arrives upstream.
#[tokio::test]
async fn no_session_no_upstream() {
    let s = serve(Auth::Password(&["alice"]), &[]).await;
    for method in METHODS {
        for target in ALLOWED
            .iter()
            .map(|a| a.0.to_string())
            .chain(refused().into_iter().map(|r| r.0))
        {
            let r = send(&s, method, &target, &[]).await;
            let what = format!("{method} {target}");
            assert_eq!(r.status, 401, "{what}");
            if method != "HEAD" {
                assert_eq!(r.code(), "SIGN_IN_REQUIRED", "{what}");
                assert_eq!(
                    r.json()["error"]["message"],
                    "Sign in to see the calls.",
                    "{what}"
                );
            }
            assert!(r.header("www-authenticate").is_none(), "{what}");
        }
    }
    assert_eq!(s.upstream.count(), 0);
}

/// Redirects from upstream are passed back, never followed (the key would go along).
#[tokio::test]
async fn upstream_redirect_is_not_followed() {
    let s = serve(Auth::Password(&["alice"]), &[]).await;
    let elsewhere = Upstream::start().await;
    s.upstream.set_reply(Reply {
        status: 302,
        location: Some(format!("{}/calls", elsewhere.base)),
        body: String::new(),
        ..Reply::default()
    });
    let cookie = s.cookie("alice").await;
    let r = s.get_with("/v1/calls", &cookie).await;
    assert_eq!(r.status(), 302);
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some(format!("{}/calls", elsewhere.base).as_str())
    );
    assert_eq!(s.upstream.count(), 1);
    assert_eq!(
        elsewhere.count(),
        0,
        "the redirect target never saw the key"
    );
}

/// An upstream 401 (the server's key refused) keeps its own code and loses the
/// upstream's WWW-Authenticate: it is an administrator's problem, not a sign-in.
#[tokio::test]
async fn upstream_401_keeps_its_code() {
    let s = serve(Auth::Password(&["alice"]), &[]).await;
    s.upstream.set_reply(Reply {
        status: 401,
        body: r#"{"error":{"code":"UNAUTHORIZED","message":"The API key is not valid."}}"#.into(),
        ..Reply::default()
    });
    let cookie = s.cookie("alice").await;
    let r = raw(s.addr(), "GET", "/v1/calls", &[("Cookie", cookie.as_str())]).await;
    assert_eq!((r.status, r.code().as_str()), (401, "UNAUTHORIZED"));
    assert!(r.header("www-authenticate").is_none());
    assert!(r.header("set-cookie").is_none());
}
