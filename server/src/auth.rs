//! API keys: the secret type that never prints itself, Bearer checking for the local
//! API, and loading the proxy's key from the environment or a file.

use crate::error::{ApiError, ErrorCode, ServerError};
use axum::http::{header, HeaderMap, HeaderValue};
use std::path::Path;

/// The key the local API accepts unless `--key` says otherwise (documented, not secret).
pub const DEMO_KEY: &str = "sk_test_demo_telepath_dashboard";

/// Environment variable the `serve` proxy reads its key from.
pub const KEY_ENV: &str = "TELEPATH_API_KEY";

/// An API key. `Debug` and `Display` are redacted so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl ApiKey {
    /// Validates a key: non-empty, visible ASCII without spaces (it goes into a header).
    pub fn new(raw: &str) -> Result<ApiKey, ServerError> {
        let key = raw.trim();
        if key.is_empty() {
            return Err(ServerError::Config("the API key is empty".into()));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ServerError::Config(
                "the API key contains spaces or characters that cannot go into an HTTP header"
                    .into(),
            ));
        }
        Ok(ApiKey(key.to_string()))
    }

    /// Reads the key from `--key-file` if given, else from `TELEPATH_API_KEY`.
    pub fn from_file_or_env(file: Option<&Path>) -> Result<ApiKey, ServerError> {
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ServerError::Io {
                what: "cannot read the key file",
                path: path.to_path_buf(),
                source,
            })?;
            return ApiKey::new(&text);
        }
        match std::env::var(KEY_ENV) {
            Ok(v) => ApiKey::new(&v),
            Err(_) => Err(ServerError::Config(format!(
                "no API key for the proxy: set {KEY_ENV} or pass --key-file PATH \
                 (or use --direct to let the browser send its own key)"
            ))),
        }
    }

    /// Constant-time comparison with a presented key (`subtle`; only the length, which
    /// is not secret, may end it early).
    pub fn matches(&self, presented: &str) -> bool {
        use subtle::ConstantTimeEq;
        self.0.as_bytes().ct_eq(presented.as_bytes()).into()
    }

    /// `Bearer <key>`, marked sensitive so hyper and tracing never print it.
    pub fn bearer(&self) -> Result<HeaderValue, ServerError> {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.0))
            .map_err(|_| ServerError::Config("the API key cannot go into a header".into()))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// How the local API authenticates requests.
#[derive(Debug, Clone)]
pub struct Auth {
    /// The one valid key.
    pub key: ApiKey,
    /// `demo` mode: a request without `Authorization` counts as sent with the key
    /// (the server holds the key, like the `serve` proxy does).
    pub missing_is_key: bool,
}

impl Auth {
    /// `Ok` if the request may proceed, else the 401 to send.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return if self.missing_is_key {
                Ok(())
            } else {
                Err(ApiError::new(
                    ErrorCode::Unauthorized,
                    "Missing API key: send the header Authorization: Bearer <your API key>.",
                ))
            };
        };
        let presented = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Unauthorized,
                    "The Authorization header must have the form: Bearer <your API key>.",
                )
            })?;
        if self.key.matches(presented) {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::Unauthorized,
                "The API key is not valid.",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(missing_is_key: bool, header: Option<&str>) -> bool {
        let auth = Auth {
            key: ApiKey::new(DEMO_KEY).unwrap_or_else(|_| unreachable!()),
            missing_is_key,
        };
        let mut headers = HeaderMap::new();
        if let Some(h) = header {
            headers.insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(h).unwrap_or_else(|_| unreachable!()),
            );
        }
        auth.check(&headers).is_ok()
    }

    #[test]
    fn bearer_cases() {
        let good = format!("Bearer {DEMO_KEY}");
        let lower = format!("bearer {DEMO_KEY}");
        assert!(check(false, Some(&good)));
        assert!(check(false, Some(&lower)));
        assert!(!check(false, None));
        assert!(check(true, None));
        assert!(!check(true, Some("Bearer sk_live_wrong")));
        assert!(!check(false, Some(DEMO_KEY)));
        assert!(!check(false, Some("Basic abc")));
        assert!(!check(false, Some(&format!("Bearer {DEMO_KEY}x"))));
    }

    #[test]
    fn debug_is_redacted() {
        let key = ApiKey::new("sk_live_secret").unwrap_or_else(|_| unreachable!());
        assert!(!format!("{key:?}").contains("secret"));
    }
}
