//! `serve`: the key-injecting proxy against a local `api` upstream, and direct mode.

mod common;
use common::*;
use std::io::Write;

const UPSTREAM_KEY: &str = "sk_live_upstream_secret_0123456789";

/// An upstream `api` requiring UPSTREAM_KEY, and a `serve` in front of it whose key
/// comes from a file.
async fn pair(upstream_extra: &[&str]) -> (TestServer, TestServer) {
    let mut args = vec!["--key", UPSTREAM_KEY];
    args.extend(upstream_extra);
    let upstream = start("api", &args).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = dir.path().join("key");
    let mut f = std::fs::File::create(&key_file).expect("key file");
    writeln!(f, "{UPSTREAM_KEY}").expect("write key");
    let dist = fake_dist(dir.path()).to_string_lossy().into_owned();
    let base = format!("{}/v1", upstream.running.url());
    let key_path = key_file.to_string_lossy().into_owned();
    let proxy = start_in(
        dir,
        "serve",
        &[
            "--dist",
            &dist,
            "--upstream",
            &base,
            "--key-file",
            &key_path,
            "--no-auth",
        ],
    )
    .await;
    (upstream, proxy)
}

fn assert_no_key(headers: &reqwest::header::HeaderMap, body: &[u8]) {
    assert!(!String::from_utf8_lossy(body).contains(UPSTREAM_KEY));
    for (name, value) in headers {
        assert!(
            !value.to_str().unwrap_or("").contains(UPSTREAM_KEY),
            "key leaked in {name}"
        );
    }
}

#[tokio::test]
async fn key_is_injected_and_never_shown() {
    let (upstream, proxy) = pair(&[]).await;
    let path = "/v1/calls?limit=5&status=failed";
    // The browser sends no key, or a wrong one: the proxy's key replaces it.
    for auth in [None, Some("Bearer sk_live_browser_wrong")] {
        let mut req = proxy.client.get(proxy.url(path));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        let resp = req.send().await.expect("get");
        assert_eq!(resp.status(), 200, "{auth:?}");
        let headers = resp.headers().clone();
        let body = resp.bytes().await.expect("body");
        assert_no_key(&headers, &body);
        for name in [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        ] {
            assert!(!header(&headers, name).is_empty(), "{name}");
        }
        let direct = upstream
            .client
            .get(upstream.url(path))
            .bearer_auth(UPSTREAM_KEY)
            .send()
            .await
            .expect("direct")
            .bytes()
            .await
            .expect("body");
        assert_eq!(body, direct, "the proxy passes the body through unchanged");
    }
}

#[tokio::test]
async fn errors_and_paths_pass_through() {
    let (_upstream, proxy) = pair(&["--rate-limit", "4"]).await;
    let (status, headers, body) = json(
        proxy
            .client
            .get(proxy.url("/v1/calls?limit=101"))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!((status.as_u16(), code(&body)), (400, "INVALID_PARAMETER"));
    assert_no_key(&headers, body.to_string().as_bytes());
    let (status, _, body) = json(
        proxy
            .client
            .get(proxy.url("/v1/calls/call_nope"))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!((status.as_u16(), code(&body)), (404, "CALL_NOT_FOUND"));
    let (status, _, body) = json(
        proxy
            .client
            .get(proxy.url("/v1/trunks?limit=2"))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["trunks"].as_array().map(Vec::len), Some(2));
    // The upstream's limit of 4 per minute is exhausted by now (or soon): 429 passes
    // through with Retry-After.
    let mut limited = None;
    for _ in 0..10 {
        let resp = proxy
            .client
            .get(proxy.url("/v1/calls?limit=1"))
            .send()
            .await
            .expect("get");
        if resp.status() == 429 {
            limited = Some(resp);
            break;
        }
    }
    let resp = limited.expect("a 429 from upstream");
    assert!(!header(resp.headers(), "retry-after").is_empty());
    assert_eq!(header(resp.headers(), "x-ratelimit-remaining"), "0");
}

#[tokio::test]
async fn unreachable_upstream_is_502() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, UPSTREAM_KEY).expect("key");
    let upstream = format!("http://127.0.0.1:{port}/v1");
    let key_path = key_file.to_string_lossy().into_owned();
    let s = start_in(
        dir,
        "serve",
        &[
            "--upstream",
            &upstream,
            "--key-file",
            &key_path,
            "--no-auth",
        ],
    )
    .await;
    let resp = s.client.get(s.url("/v1/calls")).send().await.expect("get");
    let (status, headers, body) = json(resp).await;
    assert_eq!(
        (status.as_u16(), code(&body)),
        (502, "UPSTREAM_UNREACHABLE")
    );
    assert_no_key(&headers, body.to_string().as_bytes());
}

#[tokio::test]
async fn config_and_site_in_proxy_mode() {
    let (_upstream, proxy) = pair(&[]).await;
    let (status, headers, body) = json(
        proxy
            .client
            .get(proxy.url("/config.json"))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        serde_json::json!({"api_base": "/v1", "key_mode": "server", "auth": "none"})
    );
    assert_eq!(header(&headers, "cache-control"), "no-cache");
    let resp = proxy.client.get(proxy.url("/")).send().await.expect("get");
    assert_eq!(resp.status(), 200);
    assert!(header(resp.headers(), "content-security-policy").contains("connect-src 'self';"));
}

#[tokio::test]
async fn key_from_environment() {
    let upstream = start("api", &["--key", UPSTREAM_KEY]).await;
    // The only test in this binary that touches the environment.
    std::env::set_var(dashboard_server::auth::KEY_ENV, UPSTREAM_KEY);
    let base = format!("{}/v1", upstream.running.url());
    let s = start("serve", &["--upstream", &base, "--no-auth"]).await;
    let resp = s
        .client
        .get(s.url("/v1/calls?limit=1"))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn empty_key_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, "\n").expect("key");
    let err = launch(&[
        "serve",
        "--port",
        "0",
        "--key-file",
        &key_file.to_string_lossy(),
        "--no-auth",
    ])
    .await
    .err()
    .expect("refused");
    assert!(err.to_string().contains("empty"), "{err}");
}

#[tokio::test]
async fn direct_mode_serves_config_without_proxy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dist = fake_dist(dir.path()).to_string_lossy().into_owned();
    let s = start_in(
        dir,
        "serve",
        &[
            "--direct",
            "--dist",
            &dist,
            "--api-base",
            "https://api.example.com/v1",
        ],
    )
    .await;
    let (_, headers, body) = get_json(&s.client, s.url("/config.json")).await;
    assert_eq!(
        body,
        serde_json::json!({"api_base": "https://api.example.com/v1", "key_mode": "direct", "auth": "none"})
    );
    assert!(header(&headers, "content-security-policy")
        .contains("connect-src 'self' https://api.example.com;"));
    let resp = s.client.get(s.url("/v1/calls")).send().await.expect("get");
    assert_eq!(resp.status(), 404);
}
