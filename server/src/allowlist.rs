//! What `serve` lends the key to: `GET`/`HEAD` of `/v1/calls`, `/v1/calls/{id}` and
//! `/v1/trunks`, with only the query parameter names the API documents. Everything else
//! is refused here, before a request could leave.
//!
//! The path is checked as it came (hyper does not normalise it): it is split on `/`,
//! each segment percent-decoded exactly once, and refused with 400 `INVALID_PATH` if a
//! segment is empty (`//`, a trailing `/`), is `.` or `..` after decoding, decodes to
//! something holding `/`, `\` or a control character, has a `\` as it stands, or is not
//! valid percent-encoding or UTF-8. Nothing is normalised: a path that would need it is
//! refused. Then the decoded segments must name an endpoint (else 404 `NOT_FOUND`) and
//! the method must be `GET` or `HEAD` (else 405 `METHOD_NOT_ALLOWED`, with `Allow`).
//! Query parameter names are checked per endpoint (an unknown one is 400
//! `INVALID_PARAMETER`); their values are the upstream's to judge. What goes upstream
//! is rebuilt from the decoded, checked parts, so it is exactly what was checked.

use crate::error::{ApiError, ErrorCode};
use crate::params::{CALLS_PARAMS, TRUNKS_PARAMS};
use axum::http::Method;

/// Longest path or query accepted, in bytes (ids are short; filters are a few
/// parameters).
pub const MAX_PART_BYTES: usize = 2048;
/// Longest call id, in characters.
pub const MAX_ID_CHARS: usize = 128;

/// Is `path` the proxy's (`/v1` or below, as it came)? Those requests are answered by
/// the proxy alone: forwarded if allowed, refused if not, never served as files.
pub fn is_proxied(path: &str) -> bool {
    path == "/v1" || path.starts_with("/v1/")
}

/// An endpoint the proxy forwards to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `/v1/calls`.
    Calls,
    /// `/v1/calls/{id}`.
    Call(String),
    /// `/v1/trunks`.
    Trunks,
}

impl Endpoint {
    /// The query names this endpoint takes.
    fn params(&self) -> &'static [&'static str] {
        match self {
            Endpoint::Calls => &CALLS_PARAMS,
            Endpoint::Call(_) => &[],
            Endpoint::Trunks => &TRUNKS_PARAMS,
        }
    }

    /// How error messages name it.
    fn label(&self) -> &'static str {
        match self {
            Endpoint::Calls => "/v1/calls",
            Endpoint::Call(_) => "/v1/calls/{id}",
            Endpoint::Trunks => "/v1/trunks",
        }
    }

    /// The path below `/v1`, encoded again from the checked parts.
    fn path(&self) -> String {
        match self {
            Endpoint::Calls => "/calls".into(),
            Endpoint::Call(id) => format!("/calls/{id}"),
            Endpoint::Trunks => "/trunks".into(),
        }
    }
}

/// A request that may go upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    /// Which endpoint.
    pub endpoint: Endpoint,
    /// Path below `/v1` plus `?query` if any, rebuilt from the checked parts.
    pub path_and_query: String,
}

fn bad_path(why: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidPath,
        format!("The path is refused: {why}. This server forwards only /v1/calls, /v1/calls/{{id}} and /v1/trunks."),
    )
}

/// Decodes `%XX` once; refuses bad escapes and non-UTF-8.
fn percent_decode(segment: &str) -> Result<String, ApiError> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad_path("it has a '%' that is not followed by two hex digits"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad_path("it does not decode to UTF-8"))
}

/// Decoded segments of the path below `/v1`, or why it is refused.
fn segments(below_v1: &str) -> Result<Vec<String>, ApiError> {
    if below_v1.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = below_v1.strip_prefix('/') else {
        return Err(bad_path("it does not continue /v1 with a '/'"));
    };
    rest.split('/')
        .map(|raw| {
            if raw.is_empty() {
                return Err(bad_path("it has an empty segment ('//' or a trailing '/')"));
            }
            if raw.contains('\\') {
                return Err(bad_path("it has a backslash"));
            }
            let decoded = percent_decode(raw)?;
            if decoded == "." || decoded == ".." {
                return Err(bad_path("it has a '.' or '..' segment"));
            }
            if decoded.contains(['/', '\\']) {
                return Err(bad_path("it has an encoded '/' or '\\'"));
            }
            if decoded.chars().any(char::is_control) {
                return Err(bad_path("it has a control character"));
            }
            Ok(decoded)
        })
        .collect()
}

/// A call id as the API uses them (`call_abc123xyz`): letters, digits, `_`, `-`.
fn valid_id(id: &str) -> bool {
    id.chars().count() <= MAX_ID_CHARS
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Checks a request for `/v1...`: `path` as it came (`/v1` or starting with `/v1/`),
/// `query` without the `?`.
pub fn check(method: &Method, path: &str, query: Option<&str>) -> Result<Allowed, ApiError> {
    if path.len() > MAX_PART_BYTES || query.is_some_and(|q| q.len() > MAX_PART_BYTES) {
        return Err(bad_path("it is too long"));
    }
    let below = path
        .strip_prefix("/v1")
        .ok_or_else(|| bad_path("it is not under /v1"))?;
    let segs = segments(below)?;
    let parts: Vec<&str> = segs.iter().map(String::as_str).collect();
    let endpoint = match parts.as_slice() {
        ["calls"] => Endpoint::Calls,
        ["trunks"] => Endpoint::Trunks,
        ["calls", id] if valid_id(id) => Endpoint::Call((*id).to_string()),
        ["calls", _] => {
            return Err(ApiError::invalid(format!(
                "A call id is 1 to {MAX_ID_CHARS} letters, digits, '_' or '-'."
            )))
        }
        _ => {
            let shown: String = path.chars().take(100).collect();
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!(
                    "There is no endpoint {shown}; see GET /v1/calls, /v1/calls/{{id}} and \
                     /v1/trunks."
                ),
            ));
        }
    };
    if method != Method::GET && method != Method::HEAD {
        return Err(ApiError::new(
            ErrorCode::MethodNotAllowed,
            format!("{method} is not allowed: the dashboard only reads (GET, HEAD)."),
        ));
    }
    let mut path_and_query = endpoint.path();
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (name, value) in form_urlencoded::parse(q.as_bytes()) {
            if !endpoint.params().contains(&name.as_ref()) {
                let shown: String = name.chars().take(40).collect();
                let accepted = if endpoint.params().is_empty() {
                    "none".to_string()
                } else {
                    endpoint.params().join(", ")
                };
                return Err(ApiError::invalid(format!(
                    "Unknown query parameter '{shown}'; {} accepts: {accepted}.",
                    endpoint.label()
                )));
            }
            out.append_pair(&name, &value);
        }
        let rebuilt = out.finish();
        if !rebuilt.is_empty() {
            path_and_query.push('?');
            path_and_query.push_str(&rebuilt);
        }
    }
    Ok(Allowed {
        endpoint,
        path_and_query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Ok(what goes upstream)` or `Err((status, code))`.
    fn check_case(method: &str, target: &str) -> Result<String, (u16, &'static str)> {
        let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (target, None),
        };
        check(&method, path, query)
            .map(|a| a.path_and_query)
            .map_err(|e| (e.code.status().as_u16(), e.code.as_str()))
    }

    #[test]
    fn allowed_requests_are_rebuilt_from_checked_parts() {
        let cases = [
            ("GET", "/v1/calls", "/calls"),
            ("HEAD", "/v1/calls", "/calls"),
            (
                "GET",
                "/v1/calls?limit=1000&status=failed",
                "/calls?limit=1000&status=failed",
            ),
            ("GET", "/v1/calls?", "/calls"),
            (
                "GET",
                "/v1/calls?start_date=2024-03-01T00:00:00%2B02:00&trunk_id=conn_x",
                "/calls?start_date=2024-03-01T00%3A00%3A00%2B02%3A00&trunk_id=conn_x",
            ),
            ("GET", "/v1/calls/call_abc123", "/calls/call_abc123"),
            ("GET", "/v1/calls/call%5Fabc", "/calls/call_abc"),
            (
                "GET",
                "/v1/trunks?limit=2&offset=4",
                "/trunks?limit=2&offset=4",
            ),
            ("GET", "/v1/calls?li%6dit=5", "/calls?limit=5"),
        ];
        for (method, target, upstream) in cases {
            assert_eq!(
                check_case(method, target),
                Ok(upstream.to_string()),
                "{method} {target}"
            );
        }
    }

    #[test]
    fn refused_requests() {
        let long = format!("/v1/calls/{}", "a".repeat(3000));
        let long_id = format!("/v1/calls/{}", "a".repeat(129));
        let cases: [(&str, &str, u16, &str); 31] = [
            ("GET", "/v1/../etc/passwd", 400, "INVALID_PATH"),
            ("GET", "/v1/%2e%2e/admin", 400, "INVALID_PATH"),
            ("GET", "/v1/%2E%2e/admin", 400, "INVALID_PATH"),
            ("GET", "/v1/calls/..", 400, "INVALID_PATH"),
            ("GET", "/v1/./calls", 400, "INVALID_PATH"),
            ("GET", "/v1/%2e/calls", 400, "INVALID_PATH"),
            ("GET", "/v1/calls/%2e%2e%2fadmin", 400, "INVALID_PATH"),
            ("GET", "/v1/calls%2f..%2fadmin", 400, "INVALID_PATH"),
            ("GET", "/v1/calls/a%2fb", 400, "INVALID_PATH"),
            ("GET", "/v1/calls/a%5cb", 400, "INVALID_PATH"),
            ("GET", "/v1/calls/a%5Cb", 400, "INVALID_PATH"),
            ("GET", r"/v1/calls\..\admin", 400, "INVALID_PATH"),
            ("GET", "/v1//calls", 400, "INVALID_PATH"),
            ("GET", "/v1//host/calls", 400, "INVALID_PATH"),
            ("GET", "/v1/calls/", 400, "INVALID_PATH"),
            ("GET", "/v1/", 400, "INVALID_PATH"),
            ("GET", "/v1/calls/%00", 400, "INVALID_PATH"),
            ("GET", "/v1/calls/%0d%0aX:1", 400, "INVALID_PATH"),
            ("GET", "/v1/calls/%zz", 400, "INVALID_PATH"),
            ("GET", "/v1/calls/%ff", 400, "INVALID_PATH"),
            ("GET", "/v1/calls/%", 400, "INVALID_PATH"),
            ("GET", &long, 400, "INVALID_PATH"),
            ("GET", &long_id, 400, "INVALID_PARAMETER"),
            ("GET", "/v1/calls/call%20x", 400, "INVALID_PARAMETER"),
            ("GET", "/v1", 404, "NOT_FOUND"),
            ("GET", "/v1/admin", 404, "NOT_FOUND"),
            ("GET", "/v1/calls/x/turns", 404, "NOT_FOUND"),
            ("POST", "/v1/calls", 405, "METHOD_NOT_ALLOWED"),
            ("DELETE", "/v1/calls/call_abc", 405, "METHOD_NOT_ALLOWED"),
            ("GET", "/v1/calls?api_key=x", 400, "INVALID_PARAMETER"),
            (
                "GET",
                "/v1/calls/call_abc?limit=1",
                400,
                "INVALID_PARAMETER",
            ),
        ];
        for (method, target, status, code) in cases {
            assert_eq!(
                check_case(method, target),
                Err((status, code)),
                "{method} {target}"
            );
        }
        for target in [
            "/v1/trunks?status=failed",
            "/v1/calls?=x",
            "/v1/calls?limit=1&&x",
        ] {
            assert_eq!(
                check_case("GET", target),
                Err((400, "INVALID_PARAMETER")),
                "{target}"
            );
        }
        // A refused path is refused whatever the method: 400 and 404 come before 405.
        assert_eq!(check_case("PUT", "/v1/../x"), Err((400, "INVALID_PATH")));
        assert_eq!(check_case("PUT", "/v1/admin"), Err((404, "NOT_FOUND")));
    }
}
