//! The `serve` proxy: `/v1/...` requests the allow-list admits (`allowlist`) are sent to
//! the upstream API with the server's key, within the fair-use limits (`fair_use`).
//!
//! Only what the allow-list rebuilt goes upstream (path and query from the checked
//! parts, no body), with a few harmless request headers; the browser's own
//! `Authorization` and cookies never go. The key is added as `Authorization: Bearer`,
//! marked sensitive, and never logged. Status, body and the `Content-Type`, caching,
//! `X-RateLimit-*` and `Retry-After` headers come back; upstream `Set-Cookie` and
//! `WWW-Authenticate` do not. An upstream 401 keeps its code (`UNAUTHORIZED`: the
//! server's key was refused, a problem for the administrator). An upstream that cannot
//! be reached gives 502 `UPSTREAM_UNREACHABLE`. Redirects are passed to the browser,
//! never followed, so the key is never sent to another host.

use crate::access_log::UpstreamTime;
use crate::allowlist;
use crate::auth::ApiKey;
use crate::clock::Clock;
use crate::error::{ApiError, ErrorCode, ServerError};
use crate::fair_use::{self, FairUse};
use crate::identity::{ClientAddr, Identity};
use crate::ratelimit;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Request headers forwarded upstream (everything else is dropped).
const FORWARD_REQUEST: [HeaderName; 4] = [
    header::ACCEPT,
    header::ACCEPT_LANGUAGE,
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

/// The proxy's settings, limits and HTTP client.
pub struct Proxy {
    client: reqwest::Client,
    /// Upstream base, without a trailing slash, e.g. `https://api.telepathvoice.com/v1`.
    upstream: String,
    authorization: HeaderValue,
    fair_use: FairUse,
    clock: Arc<dyn Clock>,
}

impl Proxy {
    /// A proxy to `upstream` (the URL that `/v1` maps to) using `key`, within
    /// `fair_use`, timing windows by `clock`.
    pub fn new(
        upstream: &str,
        key: &ApiKey,
        timeout: Duration,
        fair_use: FairUse,
        clock: Arc<dyn Clock>,
    ) -> Result<Proxy, ServerError> {
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
            fair_use,
            clock,
        })
    }

    /// The upstream base URL.
    pub fn upstream(&self) -> &str {
        &self.upstream
    }
}

/// A refusal as JSON; a 405 names the methods that are allowed.
fn refusal(e: ApiError) -> Response {
    let allow = e.code == ErrorCode::MethodNotAllowed;
    let mut resp = e.into_response();
    if allow {
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    resp
}

/// The middleware: every `/v1` request ends here (checked, limited, forwarded or
/// refused); everything else goes on to the site.
pub async fn intercept(State(proxy): State<Arc<Proxy>>, req: Request, next: Next) -> Response {
    if !allowlist::is_proxied(req.uri().path()) {
        return next.run(req).await;
    }
    forward(&proxy, req).await
}

async fn forward(proxy: &Proxy, req: Request) -> Response {
    let (parts, _body) = req.into_parts();
    let allowed = match allowlist::check(&parts.method, parts.uri.path(), parts.uri.query()) {
        Ok(a) => a,
        Err(e) => return refusal(e),
    };
    // Fair use is counted per user, or per client address when nobody signs in.
    let who = match (
        parts.extensions.get::<Identity>(),
        parts.extensions.get::<ClientAddr>(),
    ) {
        (Some(id), _) => format!("user:{}", id.user),
        (None, Some(addr)) => format!("addr:{}", addr.0),
        (None, None) => "anonymous".into(),
    };
    let (slot, decision) = match proxy.fair_use.admit(&who, proxy.clock.now()) {
        Ok(admitted) => admitted,
        Err(resp) => return *resp,
    };
    let url = format!("{}{}", proxy.upstream, allowed.path_and_query);
    let mut upstream_req = proxy.client.request(parts.method.clone(), &url);
    for name in FORWARD_REQUEST {
        for value in parts.headers.get_all(&name) {
            upstream_req = upstream_req.header(&name, value);
        }
    }
    upstream_req = upstream_req.header(header::AUTHORIZATION, proxy.authorization.clone());

    let started = Instant::now();
    let upstream_resp = match upstream_req.send().await {
        Ok(r) => r,
        Err(e) => return unreachable_error(proxy, &e, started),
    };
    let status = upstream_resp.status();
    let headers = upstream_resp.headers().clone();
    let bytes = match upstream_resp.bytes().await {
        Ok(b) => b,
        Err(e) => return unreachable_error(proxy, &e, started),
    };
    let waited = started.elapsed();
    drop(slot);
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
    fair_use::nearer_limit(resp.headers_mut(), &decision);
    resp.extensions_mut().insert(UpstreamTime(waited));
    resp
}

/// 502 with a sentence naming the upstream origin (never the key).
fn unreachable_error(proxy: &Proxy, e: &reqwest::Error, started: Instant) -> Response {
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
    let mut resp = ApiError::new(
        ErrorCode::UpstreamUnreachable,
        format!("The API server {origin} {why}; try again later."),
    )
    .into_response();
    resp.extensions_mut()
        .insert(UpstreamTime(started.elapsed()));
    resp
}
