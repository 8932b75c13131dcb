//! Exports: calls as CSV (for spreadsheets) and JSON (for scripts), a chart's table as
//! CSV, and a file name that says what is in the file.
//!
//! CSV is written by BurntSushi's `csv` crate (RFC 4180 quoting, a header row), UTF-8,
//! numbers without thousands separators, instants in ISO 8601 UTC, plus a local-time
//! column when the view is in local time. Text from the API is never trusted: a cell
//! that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
//! (OWASP's rule against CSV/formula injection), so no spreadsheet evaluates it. That
//! includes phone numbers written `+1-555-…`, which a spreadsheet would otherwise read
//! as a sum; the JSON export keeps every value exactly as the API sent it.
//!
//! This module is the export code of the pure layer, kept apart from everything else so
//! the browser can load it only when a user exports.

use chrono::{DateTime, Local, SecondsFormat, Utc};
use serde::Serialize;

use crate::api::{Call, CallQuery, DateRange, TimeZoneMode};
use crate::charts::Table;
use crate::trunks::TrunkDirectory;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// Comma-separated values for spreadsheets.
    Csv,
    /// A JSON array for scripts.
    Json,
}

impl ExportFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }

    /// The MIME type of the file.
    pub fn mime(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv;charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }
}

/// Which calls an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportScope {
    /// The page on screen.
    Page,
    /// Every call of the current filter.
    All,
}

/// Why an export could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The CSV writer failed (it writes to memory, so this is a bug, not bad input).
    #[error("the export could not be written: {0}")]
    Write(String),
    /// The code that writes export files could not be fetched (split builds load it on
    /// first use; see `parts`).
    #[error("the export code could not be loaded (the connection may have dropped); try again")]
    Unavailable,
}

/// The cell as written: a leading `'` where a spreadsheet would read a formula.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// An instant as ISO 8601 in UTC: `2024-03-05T10:30:00Z`.
fn iso_utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An instant as ISO 8601 in the browser's zone, with its offset: `2024-03-05T05:30:00-05:00`.
fn iso_local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn number(v: Option<u32>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The calls as CSV: one row per call, the header first. In local-time views the
/// start and end also come in local time (the UTC columns stay, for sorting).
pub fn calls_csv(
    calls: &[Call],
    tz: TimeZoneMode,
    trunks: &TrunkDirectory,
) -> Result<String, ExportError> {
    let local = tz == TimeZoneMode::Local;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "id",
        "trunk_id",
        "trunk_name",
        "from",
        "to",
        "status",
        "start_time",
        "end_time",
    ];
    if local {
        header.extend(["start_time_local", "end_time_local"]);
    }
    header.extend([
        "duration_seconds",
        "carrier_lag_ms",
        "ai_latency_ms",
        "gateway_processing_ms",
        "total_latency_ms",
    ]);
    let err = |e: csv::Error| ExportError::Write(e.to_string());
    w.write_record(&header).map_err(err)?;
    for c in calls {
        let mut row = vec![
            neutralise(&c.id),
            neutralise(&c.trunk_id),
            neutralise(trunks.name(&c.trunk_id).unwrap_or_default()),
            neutralise(&c.from),
            neutralise(&c.to),
            neutralise(c.status.as_str()),
            iso_utc(c.start_time),
            c.end_time.map(iso_utc).unwrap_or_default(),
        ];
        if local {
            row.push(iso_local(c.start_time));
            row.push(c.end_time.map(iso_local).unwrap_or_default());
        }
        row.extend([
            c.duration_seconds.to_string(),
            number(c.carrier_lag_ms),
            number(c.ai_latency_ms),
            number(c.gateway_processing_ms),
            number(c.total_latency_ms()),
        ]);
        w.write_record(&row).map_err(err)?;
    }
    into_text(w)
}

/// One call in the JSON export: every documented field as the API sent it, plus the
/// trunk's name (`null` where the API lists none).
#[derive(Serialize)]
struct JsonCall<'a> {
    #[serde(flatten)]
    call: &'a Call,
    trunk_name: Option<&'a str>,
}

/// The calls as a JSON array (pretty-printed: people read these too).
pub fn calls_json(calls: &[Call], trunks: &TrunkDirectory) -> Result<String, ExportError> {
    let rows: Vec<JsonCall<'_>> = calls
        .iter()
        .map(|call| JsonCall {
            call,
            trunk_name: trunks.name(&call.trunk_id),
        })
        .collect();
    serde_json::to_string_pretty(&rows).map_err(|e| ExportError::Write(e.to_string()))
}

/// The calls in `format`.
pub fn calls_file(
    calls: &[Call],
    format: ExportFormat,
    tz: TimeZoneMode,
    trunks: &TrunkDirectory,
) -> Result<String, ExportError> {
    match format {
        ExportFormat::Csv => calls_csv(calls, tz, trunks),
        ExportFormat::Json => calls_json(calls, trunks),
    }
}

/// A chart's "Show as table" data (or any [`Table`]) as CSV, every cell neutralised.
pub fn table_csv(table: &Table) -> Result<String, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| ExportError::Write(e.to_string());
    w.write_record(table.headers.iter().map(|h| neutralise(h)))
        .map_err(err)?;
    for row in &table.rows {
        w.write_record(row.iter().map(|c| neutralise(c)))
            .map_err(err)?;
    }
    into_text(w)
}

fn into_text(w: csv::Writer<Vec<u8>>) -> Result<String, ExportError> {
    let bytes = w
        .into_inner()
        .map_err(|e| ExportError::Write(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ExportError::Write(e.to_string()))
}

/// Keeps letters, digits, `-` and `_` of a file-name part; the rest becomes `-`.
fn file_part(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    cleaned.trim_matches('-').chars().take(48).collect()
}

/// A file name that says what is in the file: what, the filter, the range (absolute,
/// resolved against `now`), the zone, and the page where only one is exported, e.g.
/// `telepath-calls_failed_conn_abc_2026-11-19T1200Z_to_2026-11-20T1200Z_utc.csv`.
pub fn file_name(
    what: &str,
    query: &CallQuery,
    scope: ExportScope,
    format: ExportFormat,
    now: DateTime<Utc>,
) -> String {
    let mut parts = vec![format!("telepath-{}", file_part(what))];
    if let Some(s) = query.status() {
        parts.push(s.as_str().to_owned());
    }
    if let Some(t) = query.trunk_id() {
        parts.push(file_part(t));
    }
    let stamp = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H%MZ").to_string();
    match query.range().bounds(now) {
        (None, None) => parts.push("all-time".to_owned()),
        (start, end) => {
            let from = start.map_or("start".to_owned(), stamp);
            let to = end.map_or_else(|| stamp(now), stamp);
            parts.push(format!("{from}_to_{to}"));
        }
    }
    if let DateRange::Preset(p) = query.range() {
        parts.push(format!("last-{}", p.as_str()));
    }
    parts.push(match query.tz() {
        TimeZoneMode::Utc => "utc".to_owned(),
        TimeZoneMode::Local => "local-time".to_owned(),
    });
    if scope == ExportScope::Page {
        parts.push(format!("page-{}", query.page()));
    }
    format!("{}.{}", parts.join("_"), format.extension())
}
