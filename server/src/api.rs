//! The local Telepath-compatible API: `/v1/calls`, `/v1/calls/{id}`, `/v1/trunks`, the
//! guard (Bearer auth + rate limit + headers) around them, and the `/__faults` control
//! endpoint.
//!
//! Layering, outermost first: guard (401/429, `X-RateLimit-*` on every answer) →
//! fault injection → handler. Handlers parse the query into a validated type
//! (`params`), run the query, and answer JSON.

use crate::auth::Auth;
use crate::clock::Clock;
use crate::db::{CallDetail, CallRow, Db, Page, Trunk};
use crate::error::{ApiError, ErrorCode, ServerError};
use crate::faults::{self, Fault, FaultSet};
use crate::params::{self, PageQuery};
use crate::ratelimit::{self, Bucket, RateLimiter};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{Any, CorsLayer};

/// Everything the API handlers share.
pub struct ApiState {
    /// The database.
    pub db: Arc<Db>,
    /// Who may call.
    pub auth: Auth,
    /// How often.
    pub limiter: RateLimiter,
    /// Injected faults.
    pub faults: Arc<FaultSet>,
    /// The data's clock: which generated calls have started, and which have ended.
    pub clock: Arc<dyn Clock>,
    /// Largest `limit` accepted (`--max-limit`; the contract's 100 by default).
    pub max_limit: u32,
}

/// `{"limit":..,"offset":..,"total":..}`.
#[derive(Debug, Serialize)]
struct Pagination {
    limit: u32,
    offset: u64,
    total: u64,
}

impl Pagination {
    fn new(page: PageQuery, total: u64) -> Self {
        Pagination {
            limit: page.limit,
            offset: page.offset,
            total,
        }
    }
}

#[derive(Debug, Serialize)]
struct CallsBody {
    calls: Vec<CallRow>,
    pagination: Pagination,
}

#[derive(Debug, Serialize)]
struct TrunksBody {
    trunks: Vec<Trunk>,
    pagination: Pagination,
}

/// A 200 JSON answer.
fn json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("cannot serialize an answer: {e}");
            ApiError::internal().into_response()
        }
    }
}

/// Runs a database call right here on the async worker: pages are index range reads
/// of well under a millisecond, and the rare long scan (the first request for a
/// filter) steps aside (`db::filter_index`). Handing every query to another thread
/// cost more than the query and, on two cores, lengthened the latency tail.
/// Failures become a logged 500.
fn query<T>(f: impl FnOnce() -> Result<T, ServerError>) -> Result<T, ApiError> {
    f().map_err(|e| {
        tracing::error!("query failed: {e}");
        ApiError::internal()
    })
}

async fn list_calls(
    State(s): State<Arc<ApiState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = params::parse_call_query(raw.as_deref(), s.max_limit)?;
    let page = q.page;
    let at = s.clock.now();
    let Page { items, total } = query(|| s.db.list_calls(&q, at))?;
    Ok(json(&CallsBody {
        calls: items,
        pagination: Pagination::new(page, total),
    }))
}

async fn call_detail(
    State(s): State<Arc<ApiState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let at = s.clock.now();
    match query(|| s.db.call_detail(&id, at))? {
        Some(stored) => {
            let turns = crate::generate::turns_of(&stored.row);
            Ok(json(&CallDetail::new(stored, turns)))
        }
        None => {
            let shown: String = id.chars().take(64).collect();
            Err(ApiError::new(
                ErrorCode::CallNotFound,
                format!("No call with id '{shown}'."),
            ))
        }
    }
}

async fn list_trunks(
    State(s): State<Arc<ApiState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let page = params::parse_page_query(raw.as_deref(), s.max_limit)?;
    let Page { items, total } = query(|| s.db.trunks(page))?;
    Ok(json(&TrunksBody {
        trunks: items,
        pagination: Pagination::new(page, total),
    }))
}

async fn not_found(req: Request) -> ApiError {
    let shown: String = req.uri().path().chars().take(100).collect();
    ApiError::new(
        ErrorCode::NotFound,
        format!(
            "There is no endpoint {shown}; see GET /v1/calls, /v1/calls/{{id}} and /v1/trunks."
        ),
    )
}

async fn method_not_allowed(req: Request) -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "{} is not supported here; this API is read-only (GET).",
            req.method()
        ),
    )
}

/// Seconds since the Unix epoch.
fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Auth + rate limit; adds the `X-RateLimit-*` headers to every answer.
async fn guard(State(s): State<Arc<ApiState>>, req: Request, next: Next) -> Response {
    let auth = s.auth.check(req.headers());
    let bucket = if auth.is_ok() {
        Bucket::Key
    } else {
        Bucket::Anonymous
    };
    let decision = s.limiter.check(bucket, unix_now());
    let mut resp = if !decision.allowed {
        ApiError::new(
            ErrorCode::RateLimited,
            format!(
                "Rate limit of {} requests per {} reached; retry in {} s.",
                decision.limit,
                match s.limiter.window_s() {
                    60 => "minute".to_owned(),
                    w => format!("{w} s"),
                },
                decision.retry_after
            ),
        )
        .with_retry_after(decision.retry_after)
        .into_response()
    } else if let Err(e) = auth {
        let mut resp = e.into_response();
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"telepath\""),
        );
        resp
    } else {
        next.run(req).await
    };
    decision.apply(resp.headers_mut());
    resp
}

/// The `/v1` routes with their guard and fault injection.
pub fn router(state: Arc<ApiState>) -> Router {
    Router::new()
        .route("/v1/calls", get(list_calls))
        .route("/v1/calls/{id}", get(call_detail))
        .route("/v1/trunks", get(list_trunks))
        .route("/v1", any(not_found))
        .route("/v1/", any(not_found))
        .route("/v1/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.faults.clone(),
            faults::inject,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// CORS for browser clients on any origin: `Authorization` allowed, rate-limit headers
/// readable from JavaScript.
pub fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::POST,
            Method::DELETE,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([
            ratelimit::LIMIT,
            ratelimit::REMAINING,
            ratelimit::RESET,
            header::RETRY_AFTER,
        ])
        .max_age(Duration::from_secs(600))
}

#[derive(Debug, Serialize)]
struct FaultList {
    faults: Vec<Fault>,
}

/// What `PUT /__faults` accepts: a list, `{"faults": [...]}`, or a single fault.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FaultInput {
    List(Vec<Fault>),
    Wrapped { faults: Vec<Fault> },
    One(Fault),
}

async fn faults_get(State(set): State<Arc<FaultSet>>) -> Response {
    json(&FaultList { faults: set.list() })
}

async fn faults_put(State(set): State<Arc<FaultSet>>, body: Bytes) -> Result<Response, ApiError> {
    let input: FaultInput = serde_json::from_slice(&body).map_err(|e| {
        ApiError::invalid(format!(
            "the body must be a fault list such as [{{\"kind\":\"500\",\"rate\":0.5}}] \
             (kinds: 500, 503, 429, slow, truncated, malformed, drift): {e}"
        ))
    })?;
    let faults = match input {
        FaultInput::List(v) | FaultInput::Wrapped { faults: v } => v,
        FaultInput::One(f) => vec![f],
    };
    for f in &faults {
        f.validate().map_err(ApiError::invalid)?;
    }
    tracing::info!("faults replaced: {} in force", faults.len());
    set.replace(faults);
    Ok(json(&FaultList { faults: set.list() }))
}

async fn faults_delete(State(set): State<Arc<FaultSet>>) -> Response {
    set.replace(Vec::new());
    tracing::info!("faults cleared");
    json(&FaultList { faults: Vec::new() })
}

/// `/__faults`: GET lists, PUT/POST replaces, DELETE clears. Mounted only with
/// `--fault-control`; CORS-enabled so a test page on another origin can drive it.
pub fn fault_control(set: Arc<FaultSet>) -> Router {
    Router::new()
        .route(
            "/__faults",
            get(faults_get)
                .put(faults_put)
                .post(faults_put)
                .delete(faults_delete),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .layer(cors())
        .with_state(set)
}
