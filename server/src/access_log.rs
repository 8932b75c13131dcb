//! `serve`'s access log: one line per request with the time, user, client address,
//! method, path (query parameter *names* only, never their values), status, total time
//! and time spent waiting for the upstream. Never a key, a cookie, a password or a
//! query value: the line is built from those fields alone, not from headers.
//!
//! `--log-format text` (default): `time=… user="alice" client=… method=GET
//! path="/v1/calls?limit&status" status=200 duration_ms=12 upstream_ms=10`;
//! `--log-format json`: the same fields as one JSON object per line, for log shippers.
//! Lines go to stderr (tests give their own sink).

use crate::identity::{ClientAddr, Identity};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest path written, in characters.
const MAX_PATH_CHARS: usize = 256;

/// Time the proxy waited for the upstream (a response extension).
#[derive(Debug, Clone, Copy)]
pub struct UpstreamTime(pub Duration);

/// How lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// `key=value` pairs.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Where finished lines go.
pub type Sink = Arc<dyn Fn(&str) + Send + Sync>;

/// The access log of one server.
#[derive(Clone)]
pub struct AccessLog {
    format: LogFormat,
    sink: Sink,
}

/// Writes each line to stderr in one call, so lines never interleave.
pub fn stderr_sink() -> Sink {
    Arc::new(|line: &str| {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    })
}

/// One line's fields.
#[derive(Debug, Serialize)]
struct Line<'a> {
    time: String,
    user: &'a str,
    client: String,
    method: &'a str,
    path: String,
    status: u16,
    duration_ms: u64,
    upstream_ms: Option<u64>,
}

/// The path as it came (cut to a bounded length) plus `?` and the query's parameter
/// names joined by `&`; names that are not plain words are shown as `_`.
pub fn loggable_path(path: &str, query: Option<&str>) -> String {
    let mut out: String = path.chars().take(MAX_PATH_CHARS).collect();
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        let names: Vec<String> = form_urlencoded::parse(q.as_bytes())
            .take(20)
            .map(|(name, _)| {
                let plain = !name.is_empty()
                    && name.len() <= 40
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
                if plain {
                    name.into_owned()
                } else {
                    "_".into()
                }
            })
            .collect();
        out.push('?');
        out.push_str(&names.join("&"));
    }
    out
}

impl AccessLog {
    /// A log in `format` writing to `sink`.
    pub fn new(format: LogFormat, sink: Sink) -> Self {
        AccessLog { format, sink }
    }

    fn render(&self, line: &Line<'_>) -> String {
        let quoted = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"?\"".into());
        match self.format {
            LogFormat::Json => serde_json::to_string(line).unwrap_or_default(),
            LogFormat::Text => format!(
                "time={} user={} client={} method={} path={} status={} duration_ms={} upstream_ms={}",
                line.time,
                quoted(line.user),
                line.client,
                line.method,
                quoted(&line.path),
                line.status,
                line.duration_ms,
                line.upstream_ms
                    .map_or_else(|| "-".to_string(), |ms| ms.to_string()),
            ),
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The middleware: times the request and writes its line when the answer is ready.
pub async fn log_request(State(log): State<AccessLog>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = loggable_path(req.uri().path(), req.uri().query());
    let resp = next.run(req).await;
    let user = resp
        .extensions()
        .get::<Identity>()
        .map_or("-".to_string(), |i| i.user.clone());
    let client = resp
        .extensions()
        .get::<ClientAddr>()
        .map_or("-".to_string(), |c| c.0.to_string());
    let line = Line {
        time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        user: &user,
        client,
        method: method.as_str(),
        path,
        status: resp.status().as_u16(),
        duration_ms: millis(start.elapsed()),
        upstream_ms: resp.extensions().get::<UpstreamTime>().map(|u| millis(u.0)),
    };
    (log.sink)(&log.render(&line));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_keep_names_not_values() {
        let cases = [
            ("/v1/calls", None, "/v1/calls"),
            ("/v1/calls", Some(""), "/v1/calls"),
            (
                "/v1/calls",
                Some("limit=5&status=failed&start_date=2024-01-01"),
                "/v1/calls?limit&status&start_date",
            ),
            (
                "/signin",
                Some("next=%2Fanalytics%3Frange%3D24h"),
                "/signin?next",
            ),
            (
                "/v1/calls",
                Some("x%20y=1&a%0Ab=2&ok=3"),
                "/v1/calls?_&_&ok",
            ),
        ];
        for (path, query, expected) in cases {
            assert_eq!(loggable_path(path, query), expected, "{path} {query:?}");
        }
    }

    #[test]
    fn text_and_json_lines() {
        let line = Line {
            time: "2026-12-02T17:00:00.000Z".into(),
            user: "alice \"x\"",
            client: "127.0.0.1".into(),
            method: "GET",
            path: "/v1/calls?limit".into(),
            status: 200,
            duration_ms: 12,
            upstream_ms: Some(10),
        };
        let sink: Sink = Arc::new(|_| {});
        let text = AccessLog::new(LogFormat::Text, sink.clone()).render(&line);
        assert_eq!(
            text,
            "time=2026-12-02T17:00:00.000Z user=\"alice \\\"x\\\"\" client=127.0.0.1 method=GET \
             path=\"/v1/calls?limit\" status=200 duration_ms=12 upstream_ms=10"
        );
        let json: serde_json::Value =
            serde_json::from_str(&AccessLog::new(LogFormat::Json, sink).render(&line))
                .unwrap_or_default();
        assert_eq!(json["user"], "alice \"x\"");
        assert_eq!(json["upstream_ms"], 10);
        assert_eq!(json["path"], "/v1/calls?limit");
    }
}
