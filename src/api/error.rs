//! Typed errors of talking to the API, each one a sentence a user can act on.

use serde::Deserialize;
use thiserror::Error;

/// The error body the API sends: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ErrorBody {
    /// The error itself.
    pub error: ErrorDetail,
}

/// Code and message of an API error.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `INVALID_PARAMETER`.
    #[serde(default)]
    pub code: String,
    /// Human text from the server.
    #[serde(default)]
    pub message: String,
}

/// Everything that can go wrong between the dashboard and the API.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ApiError {
    /// The request never got an answer (offline, DNS, CORS, server down).
    #[error(
        "Could not reach the API at {base}. Check the connection and that the server is running."
    )]
    Network {
        /// The API base the request went to.
        base: String,
    },
    /// 401: the key is missing or wrong.
    #[error("The API rejected the key: {message}")]
    Unauthorized {
        /// The server's message.
        message: String,
    },
    /// 401 with the dashboard server's own `SIGN_IN_REQUIRED`: the user's session is
    /// missing or has expired; the page goes to the sign-in page.
    #[error("Your session has ended: sign in again to see the calls.")]
    SignInRequired,
    /// 401 in server mode: the API rejected the key the dashboard server adds. There is
    /// no key for the user to enter; an administrator must fix the server's.
    #[error(
        "The API rejected the key the dashboard server uses ({message}). Ask your administrator to check the server's TELEPATH_API_KEY."
    )]
    ServerKeyRejected {
        /// The API's message.
        message: String,
    },
    /// 429: too many requests; `retry_after_s` says how long to wait.
    #[error(
        "The API is still limiting requests after several waits (it last asked for {retry_after_s} s). Try again in a moment."
    )]
    RateLimited {
        /// Seconds to wait before the next request.
        retry_after_s: u64,
    },
    /// 404 on a resource.
    #[error("Not found: {message}")]
    NotFound {
        /// The server's message.
        message: String,
    },
    /// Another 4xx: the request itself is wrong and retrying will not help.
    #[error("The API refused the request ({status} {code}): {message}")]
    BadRequest {
        /// HTTP status.
        status: u16,
        /// Error code from the body, if any.
        code: String,
        /// The server's message.
        message: String,
    },
    /// 5xx: the server failed.
    #[error("The API failed ({status}): {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The server's message, or a generic one.
        message: String,
    },
    /// A 200 whose body could not be read.
    #[error("The API sent {what} in a form the dashboard cannot read ({detail}).")]
    Decode {
        /// What was being read, e.g. "the call list".
        what: String,
        /// The parser's explanation.
        detail: String,
    },
    /// The request was superseded and aborted; never shown to the user.
    #[error("The request was cancelled.")]
    Aborted,
}

/// The code `dashboard-server serve` answers a request without a valid session with.
pub const SIGN_IN_REQUIRED: &str = "SIGN_IN_REQUIRED";

impl ApiError {
    /// Turns a non-2xx answer into a typed error, reading the error JSON when present.
    pub fn from_status(status: u16, body: &str, retry_after_s: Option<u64>) -> ApiError {
        let detail = serde_json::from_str::<ErrorBody>(body)
            .map(|b| b.error)
            .unwrap_or(ErrorDetail {
                code: String::new(),
                message: String::new(),
            });
        let message = if detail.message.is_empty() {
            format!("HTTP {status}")
        } else {
            detail.message
        };
        match status {
            401 if detail.code == SIGN_IN_REQUIRED => ApiError::SignInRequired,
            401 | 403 => ApiError::Unauthorized { message },
            404 => ApiError::NotFound { message },
            429 => ApiError::RateLimited {
                retry_after_s: retry_after_s.unwrap_or(1),
            },
            500..=599 => ApiError::Server { status, message },
            _ => ApiError::BadRequest {
                status,
                code: detail.code,
                message,
            },
        }
    }

    /// The same error as seen in server mode, where the key is the server's: a 401 is
    /// the administrator's to fix, not the user's.
    pub fn in_server_mode(self) -> ApiError {
        match self {
            ApiError::Unauthorized { message } => ApiError::ServerKeyRejected { message },
            other => other,
        }
    }

    /// A short title for the banner that shows this error.
    pub fn title(&self) -> &'static str {
        match self {
            ApiError::Network { .. } => "Cannot reach the API",
            ApiError::Unauthorized { .. } | ApiError::SignInRequired => "Not authorised",
            ApiError::ServerKeyRejected { .. } => "The server's API key was rejected",
            ApiError::RateLimited { .. } => "Rate limit reached",
            ApiError::Server { .. } => "The API failed",
            ApiError::Decode { .. } => "Unreadable answer",
            ApiError::BadRequest { .. } | ApiError::NotFound { .. } => "Request refused",
            ApiError::Aborted => "Cancelled",
        }
    }

    /// Whether retrying the same request may succeed (5xx, network, 429).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ApiError::Network { .. } | ApiError::Server { .. } | ApiError::RateLimited { .. }
        )
    }
}
