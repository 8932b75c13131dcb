//! The `serve` proxy: `/v1/*` is forwarded to the upstream API with the server's key.
//!
//! The browser's own `Authorization` (and cookies) never go upstream; the server's key
//! is added as `Authorization: Bearer`, marked sensitive, and never logged. Method,
//! path below `/v1`, query string, status, body and the `X-RateLimit-*` /
//! `Retry-After` headers pass through. An upstream that cannot be reached gives 502
//! `UPSTREAM_UNREACHABLE`. Redirects are passed to the browser, not followed, so the
//! key is never sent to another host.

use crate::auth::ApiKey;
use crate::error::{ApiError, ErrorCode, ServerError};
use crate::ratelimit;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;

/// Largest request body forwarded (the API is read-only; this is generous).
const MAX_REQUEST_BODY: usize = 1 << 20;

/// Request headers forwarded upstream (everything else is dropped).
const FORWARD_REQUEST: [HeaderName; 5] = [
    header::ACCEPT,
    header::ACCEPT_LANGUAGE,
    header::CONTENT_TYPE,
    header::IF_NONE_MATCH,
    header::IF_MODIFIED_SINCE,
];

/// Response headers passed back to the browser.
const FORWARD_RESPONSE: [HeaderName; 8] = [
    header::CONTENT_TYPE,
    header::CACHE_CONTROL,
    header::ETAG,
    header::LAST_MODIFIED,
    header::RETRY_AFTER,
    ratelimit::LIMIT,
    ratelimit::REMAINING,
    ratelimit::RESET,
];

/// The proxy's settings and HTTP client.
pub struct Proxy {
    client: reqwest::Client,
    /// Upstream base, without a trailing slash, e.g. `https://api.telepathvoice.com/v1`.
    upstream: String,
    authorization: HeaderValue,
}

impl Proxy {
    /// A proxy to `upstream` (the URL that `/v1` maps to) using `key`.
    pub fn new(upstream: &str, key: &ApiKey, timeout: Duration) -> Result<Proxy, ServerError> {
        let upstream = upstream.trim_end_matches('/').to_string();
        if crate::static_files::origin_of(&upstream).is_none() {
            return Err(ServerError::Config(format!(
                "--upstream must be an absolute http(s) URL such as \
                 https://api.telepathvoice.com/v1, got '{upstream}'"
            )));
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(timeout)
            .build()
            .map_err(|e| ServerError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Proxy {
            client,
            upstream,
            authorization: key.bearer()?,
        })
    }

    /// The upstream base URL.
    pub fn upstream(&self) -> &str {
        &self.upstream
    }
}

async fn forward(State(proxy): State<Arc<Proxy>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let below = parts.uri.path().strip_prefix("/v1").unwrap_or("");
    let mut url = format!("{}{}", proxy.upstream, below);
    if let Some(q) = parts.uri.query() {
        url.push('?');
        url.push_str(q);
    }
    let Ok(body) = axum::body::to_bytes(body, MAX_REQUEST_BODY).await else {
        return ApiError::invalid("the request body is too large").into_response();
    };
    let mut upstream_req = proxy.client.request(parts.method.clone(), &url);
    for name in FORWARD_REQUEST {
        for value in parts.headers.get_all(&name) {
            upstream_req = upstream_req.header(&name, value);
        }
    }
    upstream_req = upstream_req.header(header::AUTHORIZATION, proxy.authorization.clone());
    if !body.is_empty() {
        upstream_req = upstream_req.body(body);
    }

    let upstream_resp = match upstream_req.send().await {
        Ok(r) => r,
        Err(e) => return unreachable_error(&proxy, &e),
    };
    let status = upstream_resp.status();
    let headers = upstream_resp.headers().clone();
    let bytes = match upstream_resp.bytes().await {
        Ok(b) => b,
        Err(e) => return unreachable_error(&proxy, &e),
    };
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = status;
    for name in FORWARD_RESPONSE {
        for value in headers.get_all(&name) {
            resp.headers_mut().append(&name, value.clone());
        }
    }
    if status.is_redirection() {
        if let Some(location) = headers.get(header::LOCATION) {
            resp.headers_mut()
                .insert(header::LOCATION, location.clone());
        }
    }
    resp
}

/// 502 with a sentence naming the upstream origin (never the key).
fn unreachable_error(proxy: &Proxy, e: &reqwest::Error) -> Response {
    let origin =
        crate::static_files::origin_of(&proxy.upstream).unwrap_or_else(|| "the upstream".into());
    let why = if e.is_timeout() {
        "did not answer in time"
    } else if e.is_connect() {
        "refused or could not be reached"
    } else {
        "broke off the answer"
    };
    tracing::warn!(upstream = %origin, "upstream request failed: {why}");
    ApiError::new(
        ErrorCode::UpstreamUnreachable,
        format!("The API server {origin} {why}; try again later."),
    )
    .into_response()
}

/// `/v1` and everything below it, forwarded.
pub fn router(proxy: Proxy) -> Router {
    Router::new()
        .route("/v1", any(forward))
        .route("/v1/", any(forward))
        .route("/v1/{*rest}", any(forward))
        .with_state(Arc::new(proxy))
}
