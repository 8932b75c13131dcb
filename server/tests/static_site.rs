//! Serving dist/: MIME types, compression, caching, the SPA fallback, config.json and
//! the security headers.

mod common;
use common::*;
use dashboard_server::static_files::IMMUTABLE;
use reqwest::header::HeaderMap;

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; \
form-action 'self'; object-src 'none'";

async fn demo() -> TestServer {
    let dir = tempfile::tempdir().expect("tempdir");
    let dist = fake_dist(dir.path()).to_string_lossy().into_owned();
    start_in(dir, "demo", &["--dist", &dist]).await
}

async fn fetch(s: &TestServer, path: &str, headers: &[(&str, &str)]) -> (u16, HeaderMap, Vec<u8>) {
    let mut req = s.client.get(s.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.expect("get");
    let status = resp.status().as_u16();
    let h = resp.headers().clone();
    (status, h, resp.bytes().await.expect("body").to_vec())
}

fn assert_security_headers(h: &HeaderMap, what: &str) {
    assert_eq!(header(h, "content-security-policy"), CSP, "{what}");
    assert_eq!(header(h, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(h, "referrer-policy"), "no-referrer", "{what}");
    assert_eq!(header(h, "x-robots-tag"), "noindex, nofollow", "{what}");
}

#[tokio::test]
async fn index_and_assets() {
    let s = demo().await;
    // (path, status, content-type prefix, cache-control)
    let cases = [
        ("/", 200, "text/html", "no-cache"),
        ("/index.html", 200, "text/html", "no-cache"),
        (
            &format!("/{WASM}") as &str,
            200,
            "application/wasm",
            "public, max-age=31536000, immutable",
        ),
        (
            &format!("/{JS}"),
            200,
            "text/javascript",
            "public, max-age=31536000, immutable",
        ),
        (
            &format!("/{CSS}"),
            200,
            "text/css",
            "public, max-age=31536000, immutable",
        ),
        ("/robots.txt", 200, "text/plain", "no-cache"),
        ("/config.json", 200, "application/json", "no-cache"),
    ];
    for (path, status, mime, cache) in cases {
        let (got, h, _) = fetch(&s, path, &[]).await;
        assert_eq!(got, status, "{path}");
        assert!(
            header(&h, "content-type").starts_with(mime),
            "{path}: {}",
            header(&h, "content-type")
        );
        assert_eq!(header(&h, "cache-control"), cache, "{path}");
        assert_security_headers(&h, path);
    }
}

#[tokio::test]
async fn compression_follows_accept_encoding() {
    let s = demo().await;
    for (accept, expected) in [("br", "br"), ("gzip", "gzip"), ("identity", "")] {
        for path in [
            format!("/{JS}"),
            format!("/{WASM}"),
            "/".to_string(),
            "/v1/calls?limit=50".to_string(),
        ] {
            let (status, h, _) = fetch(&s, &path, &[("Accept-Encoding", accept)]).await;
            assert_eq!(status, 200, "{path}");
            assert_eq!(
                header(&h, "content-encoding"),
                expected,
                "{path} with {accept}"
            );
        }
    }
}

/// A dist/ whose index.html, JS and wasm have `.br` and `.gz` siblings with bodies no
/// compressor would write, so an answer equal to one was sent as is, not recompressed.
async fn demo_precompressed() -> TestServer {
    let dir = tempfile::tempdir().expect("tempdir");
    let dist = fake_dist(dir.path());
    for file in ["index.html", JS, WASM] {
        for ext in ["br", "gz"] {
            std::fs::write(dist.join(format!("{file}.{ext}")), sibling(file, ext)).expect("write");
        }
    }
    let dist = dist.to_string_lossy().into_owned();
    start_in(dir, "demo", &["--dist", &dist]).await
}

fn sibling(file: &str, ext: &str) -> Vec<u8> {
    format!("precompressed {ext} of {file}").into_bytes()
}

#[tokio::test]
async fn precompressed_files_are_sent_as_they_are() {
    let s = demo_precompressed().await;
    let html = [("Accept", "text/html")];
    // (request path, file it names, content-type prefix, cache-control)
    let cases = [
        (format!("/{JS}"), JS, "text/javascript", IMMUTABLE),
        (format!("/{WASM}"), WASM, "application/wasm", IMMUTABLE),
        ("/".into(), "index.html", "text/html", "no-cache"),
        ("/index.html".into(), "index.html", "text/html", "no-cache"),
        // A client-side route falls back to index.html, precompressed too.
        ("/analytics".into(), "index.html", "text/html", "no-cache"),
    ];
    let dist = s.dir.path().join("dist");
    for (path, file, mime, cache) in &cases {
        let raw = std::fs::read(dist.join(file)).expect("read");
        for (accept, encoding, body) in [
            ("br", "br", sibling(file, "br")),
            ("gzip", "gzip", sibling(file, "gz")),
            ("identity", "", raw.clone()),
        ] {
            let what = format!("{path} with Accept-Encoding: {accept}");
            let (status, h, got) = fetch(&s, path, &[html[0], ("Accept-Encoding", accept)]).await;
            assert_eq!(status, 200, "{what}");
            assert_eq!(header(&h, "content-encoding"), encoding, "{what}");
            assert_eq!(got, body, "{what}");
            assert!(header(&h, "content-type").starts_with(mime), "{what}");
            assert_eq!(header(&h, "cache-control"), *cache, "{what}");
            assert_eq!(
                header(&h, "vary").to_ascii_lowercase(),
                "accept-encoding",
                "{what}"
            );
            assert_security_headers(&h, &what);
        }
    }
}

#[tokio::test]
async fn files_without_siblings_are_still_compressed_on_the_fly() {
    let s = demo_precompressed().await;
    let dist = s.dir.path().join("dist");
    let raw = std::fs::read(dist.join(CSS)).expect("read");
    let (status, h, body) = fetch(&s, &format!("/{CSS}"), &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-encoding"), "gzip");
    assert!(body.len() < raw.len(), "{} of {}", body.len(), raw.len());
    assert_eq!(header(&h, "vary").to_ascii_lowercase(), "accept-encoding");
}

/// Request headers of a case.
type Headers = [(&'static str, &'static str)];

#[tokio::test]
async fn spa_fallback_and_404s() {
    let s = demo().await;
    let html = [("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")];
    let (_, _, index) = fetch(&s, "/", &[]).await;
    // (path, headers, status, serves index.html)
    let cases: [(&str, &Headers, u16, bool); 6] = [
        ("/calls/call_abc123", &html, 200, true),
        ("/trunks", &html, 200, true),
        ("/calls/call_abc123", &[], 404, false),
        ("/missing.js", &html, 404, false),
        ("/assets/missing-0123456789abcdef.wasm", &html, 404, false),
        ("/v1/unknown", &html, 404, false),
    ];
    for (path, headers, status, is_index) in cases {
        let (got, h, body) = fetch(&s, path, headers).await;
        assert_eq!(got, status, "{path}");
        assert_eq!(body == index, is_index, "{path}");
        assert_security_headers(&h, path);
        if is_index {
            assert_eq!(header(&h, "cache-control"), "no-cache", "{path}");
        }
    }
    let resp = s.client.post(s.url("/")).send().await.expect("post");
    assert_eq!(resp.status(), 405);
}

#[tokio::test]
async fn api_answers_carry_security_headers_too() {
    let s = demo().await;
    let (status, h, _) = fetch(&s, "/v1/calls?limit=1", &[]).await;
    assert_eq!(status, 200);
    assert_security_headers(&h, "/v1/calls");
}

#[tokio::test]
async fn missing_dist_explains_itself() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-dist").to_string_lossy().into_owned();
    let s = start_in(dir, "demo", &["--dist", &missing]).await;
    let (status, h, body) = fetch(&s, "/", &[("Accept", "text/html")]).await;
    assert_eq!(status, 404);
    assert!(header(&h, "content-type").starts_with("text/html"));
    assert!(String::from_utf8_lossy(&body).contains("not built"));
    assert_eq!(fetch(&s, "/v1/calls", &[]).await.0, 200);
}

#[tokio::test]
async fn connect_src_flag_extends_the_csp() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dist = fake_dist(dir.path()).to_string_lossy().into_owned();
    let s = start_in(
        dir,
        "demo",
        &["--dist", &dist, "--connect-src", "https://api.example.com"],
    )
    .await;
    let (_, h, _) = fetch(&s, "/", &[]).await;
    assert!(header(&h, "content-security-policy")
        .contains("connect-src 'self' https://api.example.com;"));
}
