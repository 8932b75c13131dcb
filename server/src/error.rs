//! Error types: the API's error JSON (`ApiError`) and the process's own failures
//! (`ServerError`).
//!
//! Every error a client sees is `{"error":{"code":"SOME_CODE","message":"human sentence"}}`
//! with the status its code implies, so the dashboard can show the sentence as is.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::path::PathBuf;

/// The machine-readable error codes of the API and the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// 400: a query parameter is malformed or out of range.
    InvalidParameter,
    /// 401: the Bearer key is missing or wrong.
    Unauthorized,
    /// 401: `serve` wants a signed-in user (no session, or it ended).
    SignInRequired,
    /// 400: the proxy refuses a path (dot segments, encoded slashes, empty segments).
    InvalidPath,
    /// 429: the per-key rate limit is exhausted.
    RateLimited,
    /// 404: `GET /v1/calls/{id}` for an unknown id.
    CallNotFound,
    /// 404: any other unknown `/v1` path.
    NotFound,
    /// 405: a method other than the ones the endpoint supports.
    MethodNotAllowed,
    /// 500: a bug or an injected fault.
    InternalError,
    /// 503: the service is temporarily unavailable (injected fault).
    ServiceUnavailable,
    /// 502: the proxy could not reach its upstream.
    UpstreamUnreachable,
}

impl ErrorCode {
    /// The code as it appears in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidParameter => "INVALID_PARAMETER",
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::SignInRequired => "SIGN_IN_REQUIRED",
            ErrorCode::InvalidPath => "INVALID_PATH",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::CallNotFound => "CALL_NOT_FOUND",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorCode::InternalError => "INTERNAL_ERROR",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ErrorCode::UpstreamUnreachable => "UPSTREAM_UNREACHABLE",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidParameter | ErrorCode::InvalidPath => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthorized | ErrorCode::SignInRequired => StatusCode::UNAUTHORIZED,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::CallNotFound | ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::UpstreamUnreachable => StatusCode::BAD_GATEWAY,
        }
    }
}

/// An error answer of the API: code, sentence and, for 429/503, a `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, for people.
    pub message: String,
    /// Seconds to send as `Retry-After`, if any.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with no `Retry-After`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400 `INVALID_PARAMETER`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message)
    }

    /// 500 `INTERNAL_ERROR` with a generic sentence (details go to the log only).
    pub fn internal() -> Self {
        Self::new(
            ErrorCode::InternalError,
            "The server failed to answer this request; try again later.",
        )
    }

    /// Adds a `Retry-After` header of `seconds`.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The JSON body, as bytes.
    pub fn body(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Inner<'a> {
            code: &'a str,
            message: &'a str,
        }
        #[derive(Serialize)]
        struct Outer<'a> {
            error: Inner<'a>,
        }
        let outer = Outer {
            error: Inner {
                code: self.code.as_str(),
                message: &self.message,
            },
        };
        // Serializing two borrowed strings cannot fail.
        serde_json::to_vec(&outer).unwrap_or_default()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.code.status(), self.body()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A failure of the process itself: start-up, database, files.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// SQLite failed.
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// A file or directory could not be read or written.
    #[error("{what} {path}: {source}")]
    Io {
        /// What the program was doing.
        what: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The database exists but was not made by this program (or by an older version).
    #[error("{path} is not a database made by this version of dashboard-server ({reason}); recreate it with --fresh")]
    IncompatibleDb {
        /// The database path.
        path: PathBuf,
        /// What did not match.
        reason: String,
    },
    /// A flag or setting is unusable.
    #[error("{0}")]
    Config(String),
    /// The HTTP server stopped with an error.
    #[error("server error: {0}")]
    Serve(std::io::Error),
    /// A blocking task panicked or was cancelled.
    #[error("background task failed: {0}")]
    Task(String),
    /// The users file or a user command failed.
    #[error(transparent)]
    Users(#[from] crate::users::UsersError),
}
