//! Serving the built dashboard (`dist/`): MIME types, precompressed files, caching
//! rules, the SPA fallback, `/config.json`, and the security headers every answer gets.
//!
//! Caching: Trunk names build outputs `name-<16 hex>[_bg].ext`; those never change and
//! are `public, max-age=31536000, immutable`. Everything else (`index.html`,
//! `config.json`, unhashed files) is `no-cache`: the browser revalidates with
//! `Last-Modified`, so a new deploy shows at once.
//!
//! Fallback: an unknown path whose last segment has no extension, requested by
//! something that accepts HTML (a browser navigating to a client-side route), gets
//! `index.html` with 200. A missing file with an extension is a plain 404.
//!
//! Compression: the release build writes `.br` and `.gz` beside each text asset
//! (`tools/precompress.mjs`); a client that accepts one gets it as is, with
//! `Content-Encoding` set, so the server-wide `CompressionLayer` passes it through instead
//! of compressing again. Every file answer says `Vary: Accept-Encoding`, so a shared
//! cache never hands a brotli body to a client that did not ask for one.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Cache-Control of hashed build outputs.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache-Control of everything that may change between deploys.
pub const NO_CACHE: &str = "no-cache";

/// Where the site finds the API, as `/config.json` tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteConfig {
    /// `/v1` (same origin) or an absolute URL.
    pub api_base: String,
    /// `server`: the server adds the key; `direct`: the user supplies one.
    pub key_mode: KeyMode,
    /// `serve` only: how users sign in, `password`, `header` or `none` (absent in `demo`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<&'static str>,
    /// `demo` only: the largest `limit` its own API accepts (`--max-limit`), so the
    /// site need not ask for a larger page and be refused (absent where the server
    /// does not know the API's, as in front of the vendor's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_page: Option<u32>,
}

/// Who holds the API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyMode {
    /// The server adds it (demo, proxy).
    Server,
    /// The browser sends the user's key.
    Direct,
}

/// The origin (`scheme://host[:port]`) of an absolute URL, if it is one.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

/// The Content-Security-Policy: nothing beyond `'self'` except `'wasm-unsafe-eval'`
/// for the WebAssembly module and the extra `connect-src` sources given.
pub fn csp(connect_src: &[String]) -> String {
    let mut connect = String::from("'self'");
    for src in connect_src {
        connect.push(' ');
        connect.push_str(src);
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src {connect}; frame-ancestors 'none'; \
         base-uri 'self'; form-action 'self'; object-src 'none'"
    )
}

/// `X-Robots-Tag` of every answer: a private dashboard of personal data is never indexed
/// (`index.html` says the same in its `robots` meta tag, for hosts that cannot send it).
pub const ROBOTS: &str = "noindex, nofollow";

/// Layers adding the security headers (and `X-Robots-Tag`) to every answer.
pub fn security_headers(
    router: Router,
    connect_src: &[String],
) -> Result<Router, crate::error::ServerError> {
    let policy = HeaderValue::from_str(&csp(connect_src)).map_err(|_| {
        crate::error::ServerError::Config(
            "--connect-src values must be plain ASCII sources such as https://api.example.com"
                .into(),
        )
    })?;
    Ok(router
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            policy,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static(ROBOTS),
        )))
}

/// `name-0123456789abcdef.js`, `name-0123456789abcdef_bg.wasm`: a Trunk-hashed file.
/// Trunk writes the 64-bit hash in hex without leading zeros, so one build in 16 has
/// a 15-digit hash (`call-dashboard-6b0f813f856e640.js`); 12 to 16 digits count.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let Some((stem, _ext)) = file.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let Some((_, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Does the request accept HTML (a browser navigating)?
pub fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// Is `path` one of the dashboard's own routes, answered with `index.html` when no file
/// has that name? (Its last segment has no extension, it is not under `/v1`, and the
/// request accepts HTML.)
pub fn is_app_route(path: &str, accepts_html: bool) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    accepts_html && !last.contains('.') && path != "/v1" && !path.starts_with("/v1/")
}

/// The static site.
#[derive(Debug, Clone)]
pub struct Site {
    /// The built dashboard.
    pub dist: PathBuf,
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

fn not_built(site: &Site) -> Response {
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Dashboard not built</title>\
         </head><body><h1>The dashboard is not built</h1><p>No index.html in <code>{}</code>. \
         Build it (for example <code>trunk build --release</code>) and reload; the API is \
         already answering at <code>/v1</code>.</p></body></html>",
        site.dist.display()
    );
    (
        StatusCode::NOT_FOUND,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

async fn serve(State(site): State<Arc<Site>>, req: Request) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed\n");
    }
    let path = req.uri().path().to_owned();
    let accepts_html = accepts_html(req.headers());
    let (method, headers) = (req.method().clone(), req.headers().clone());

    let served = ServeDir::new(&site.dist)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(req)
        .await;
    let Ok(mut resp) = served.map(|r| r.map(Body::new));
    if resp.status() == StatusCode::NOT_FOUND {
        resp = if is_app_route(&path, accepts_html) {
            let mut index_req = Request::new(Body::empty());
            *index_req.method_mut() = method;
            *index_req.headers_mut() = headers;
            let index = ServeFile::new(site.dist.join("index.html"))
                .precompressed_br()
                .precompressed_gzip()
                .oneshot(index_req)
                .await;
            let Ok(index) = index.map(|r| r.map(Body::new));
            if index.status() == StatusCode::NOT_FOUND {
                not_built(&site)
            } else {
                index
            }
        } else {
            plain(StatusCode::NOT_FOUND, "Not found\n")
        };
    }
    let cache = if resp.status().is_success() && is_hashed_asset(&path) {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    let headers = resp.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    resp
}

/// The site as a router: `/config.json` plus a fallback serving `dist/`.
pub fn router(site: Site, config: SiteConfig) -> Router {
    let config = Arc::new(config);
    Router::new()
        .route(
            "/config.json",
            get(move || {
                let config = config.clone();
                async move {
                    let body = serde_json::to_vec(&*config).unwrap_or_default();
                    (
                        [
                            (
                                header::CONTENT_TYPE,
                                HeaderValue::from_static("application/json"),
                            ),
                            (header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE)),
                        ],
                        body,
                    )
                }
            }),
        )
        .fallback(serve)
        .with_state(Arc::new(site))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets() {
        let cases = [
            ("/call-dashboard-1a2b3c4d5e6f7a8b_bg.wasm", true),
            ("/call-dashboard-1a2b3c4d5e6f7a8b.js", true),
            ("/assets/style-0123456789abcdef.css", true),
            ("/call-dashboard-6b0f813f856e640.js", true),
            ("/favicon-44c840bda018e53b.svg", true),
            ("/app-0123456789a.js", false),
            ("/index.html", false),
            ("/favicon.ico", false),
            ("/app-123.js", false),
            ("/app-0123456789abcdeg.js", false),
            ("/0123456789abcdef", false),
        ];
        for (path, expected) in cases {
            assert_eq!(is_hashed_asset(path), expected, "{path}");
        }
    }

    #[test]
    fn spa_fallback_rules() {
        assert!(is_app_route("/calls/call_abc", true));
        assert!(is_app_route("/", true));
        assert!(!is_app_route("/calls/call_abc", false));
        assert!(!is_app_route("/missing.js", true));
        assert!(!is_app_route("/config.json", true));
        assert!(!is_app_route("/v1/whatever", true));
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://api.telepathvoice.com/v1").as_deref(),
            Some("https://api.telepathvoice.com")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8081/v1").as_deref(),
            Some("http://127.0.0.1:8081")
        );
        assert_eq!(origin_of("/v1"), None);
    }

    #[test]
    fn csp_has_no_unsafe_inline() {
        let p = csp(&["https://api.example.com".into()]);
        assert!(p.contains("'wasm-unsafe-eval'"));
        assert!(!p.contains("'unsafe-inline'") && !p.contains("'unsafe-eval'"));
        assert!(p.contains("connect-src 'self' https://api.example.com;"));
    }
}
