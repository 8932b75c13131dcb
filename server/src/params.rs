//! Query-string validation: the raw query of `GET /v1/calls` and `GET /v1/trunks` is
//! parsed once into `CallQuery` / `PageQuery`; nothing after this module sees raw strings.
//!
//! Every known parameter is checked and a bad one is a 400 whose message names the
//! parameter, the accepted form and the value received. Unknown parameters are ignored
//! (the contract lists only the known ones); a known parameter given twice is a 400,
//! because silently picking one of them would hide a client bug.

use crate::error::ApiError;
use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Default page size when `limit` is absent.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page size the contract accepts (the default of `--max-limit`).
pub const MAX_LIMIT: u32 = 100;
/// Largest `--max-limit` the local API can be given.
pub const MAX_MAX_LIMIT: u32 = 10_000;
/// Longest accepted `trunk_id`.
pub const MAX_TRUNK_ID_LEN: usize = 128;
/// The query parameters `GET /v1/calls` documents (the `serve` allow-list takes its
/// names from here too).
pub const CALLS_PARAMS: [&str; 6] = [
    "limit",
    "offset",
    "status",
    "trunk_id",
    "start_date",
    "end_date",
];
/// The query parameters `GET /v1/trunks` documents.
pub const TRUNKS_PARAMS: [&str; 2] = ["limit", "offset"];
/// How much of a bad value is quoted back in an error message.
const QUOTE_LEN: usize = 64;

/// The call statuses the API knows (serialized, and stored, as `as_str` spells them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The call was answered and ended normally (or is still running).
    Connected,
    /// The call never connected.
    Failed,
    /// The call connected and then dropped.
    Disconnected,
}

impl Status {
    /// All statuses, in the contract's order.
    pub const ALL: [Status; 3] = [Status::Connected, Status::Failed, Status::Disconnected];

    /// The wire (and database) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Connected => "connected",
            Status::Failed => "failed",
            Status::Disconnected => "disconnected",
        }
    }

    /// Parses the exact lower-case spelling.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// Validated `limit` and `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageQuery {
    /// Page size, 1..=the server's maximum (100 unless `--max-limit` says otherwise).
    pub limit: u32,
    /// Items to skip.
    pub offset: u64,
}

impl Default for PageQuery {
    fn default() -> Self {
        PageQuery {
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

/// The filters of `GET /v1/calls`, validated; the date bounds are whole Unix seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CallFilter {
    /// Only calls with this status.
    pub status: Option<Status>,
    /// Only calls of this trunk.
    pub trunk_id: Option<String>,
    /// Only calls with `start_time >= start` (seconds, rounded up from the instant given).
    pub start: Option<i64>,
    /// Only calls with `start_time <= end` (seconds, rounded down from the instant given).
    pub end: Option<i64>,
}

/// A validated `GET /v1/calls` request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallQuery {
    /// Page size and offset.
    pub page: PageQuery,
    /// The filters, combined with AND.
    pub filter: CallFilter,
}

/// Splits a raw query string into pairs, rejecting a known name given twice.
fn pairs(raw: Option<&str>, known: &[&str]) -> Result<Vec<(String, String)>, ApiError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if !known.contains(&k.as_ref()) {
            continue;
        }
        if out.iter().any(|(seen, _)| seen == k.as_ref()) {
            return Err(ApiError::invalid(format!("{k} must be given at most once")));
        }
        out.push((k.into_owned(), v.into_owned()));
    }
    Ok(out)
}

/// Quotes a client value for an error message, shortened.
fn quote(value: &str) -> String {
    if value.chars().count() > QUOTE_LEN {
        let cut: String = value.chars().take(QUOTE_LEN).collect();
        format!("'{cut}…'")
    } else {
        format!("'{value}'")
    }
}

/// Parses `limit`: an integer from 1 to `max` (the contract's is [`MAX_LIMIT`]).
pub fn parse_limit(value: &str, max: u32) -> Result<u32, ApiError> {
    let err = || {
        ApiError::invalid(format!(
            "limit must be an integer from 1 to {max}, got {}",
            if value.parse::<i64>().is_ok() {
                value.to_string()
            } else {
                quote(value)
            }
        ))
    };
    match value.parse::<i64>() {
        Ok(n) if (1..=i64::from(max)).contains(&n) => u32::try_from(n).map_err(|_| err()),
        _ => Err(err()),
    }
}

/// Parses `offset`: an integer of 0 or more.
pub fn parse_offset(value: &str) -> Result<u64, ApiError> {
    match value.parse::<i64>() {
        Ok(n) if n >= 0 => u64::try_from(n).map_err(|_| ApiError::internal()),
        Ok(n) => Err(ApiError::invalid(format!(
            "offset must be an integer of 0 or more, got {n}"
        ))),
        Err(_) => Err(ApiError::invalid(format!(
            "offset must be an integer of 0 or more, got {}",
            quote(value)
        ))),
    }
}

/// Which end of a date range a value bounds (decides the rounding of fractions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `start_date`: round a fractional instant up to the next whole second.
    Start,
    /// `end_date`: round down.
    End,
}

/// Parses an ISO 8601 instant as the contract accepts it, into whole Unix seconds.
///
/// Accepted: RFC 3339 with `Z` or an offset (`2024-03-01T00:00:00Z`,
/// `2024-03-01T02:00:00+02:00`, fractions allowed); a naive date-time
/// `YYYY-MM-DDTHH:MM:SS[.fff]`, taken as UTC (what Python's `datetime.now().isoformat()`
/// sends); a bare `YYYY-MM-DD`, taken as UTC midnight. An offset whose `+` arrived as a
/// space (an unencoded `+` in a query string) is read as `+`.
pub fn parse_instant(name: &str, value: &str, bound: Bound) -> Result<i64, ApiError> {
    let (secs, nanos) = exact_instant(name, value)?;
    Ok(match bound {
        Bound::Start if nanos > 0 => secs + 1,
        _ => secs,
    })
}

/// The exact instant (seconds, nanoseconds) of a date parameter, or the 400.
fn exact_instant(name: &str, value: &str) -> Result<(i64, u32), ApiError> {
    instant_parts(value).ok_or_else(|| {
        ApiError::invalid(format!(
            "{name} must be an ISO 8601 date-time such as 2024-03-05T10:30:00Z (RFC 3339 with Z \
             or an offset, a date-time without zone taken as UTC, or a bare YYYY-MM-DD), got {}",
            quote(value)
        ))
    })
}

/// Seconds and sub-second nanoseconds of an accepted instant, or `None`.
fn instant_parts(value: &str) -> Option<(i64, u32)> {
    if value.len() == 10 {
        let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
        return Some((date.and_hms_opt(0, 0, 0)?.and_utc().timestamp(), 0));
    }
    // RFC 3339 requires the `T` (chrono would also take a space; the contract does not).
    if value.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(value) {
        return Some((dt.timestamp(), dt.timestamp_subsec_nanos()));
    }
    if let Some(fixed) = plus_lost_as_space(value) {
        if let Ok(dt) = DateTime::parse_from_rfc3339(&fixed) {
            return Some((dt.timestamp(), dt.timestamp_subsec_nanos()));
        }
    }
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    // `%.f` is optional in chrono; require exactly `HH:MM:SS` plus an optional `.digits`.
    let rest = &value[19.min(value.len())..];
    if value.len() < 19 || !(rest.is_empty() || rest.starts_with('.')) {
        return None;
    }
    let utc = naive.and_utc();
    Some((utc.timestamp(), utc.timestamp_subsec_nanos()))
}

/// `2024-03-01T00:00:00 02:00` → `2024-03-01T00:00:00+02:00`, when that is the shape.
fn plus_lost_as_space(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let n = bytes.len();
    if n < 6 || bytes[n - 6] != b' ' || bytes[n - 3] != b':' {
        return None;
    }
    let mut fixed = value.to_string();
    fixed.replace_range(n - 6..n - 5, "+");
    Some(fixed)
}

/// Validates `limit` (up to `max_limit`) and `offset` from a list of pairs.
fn page_from(pairs: &[(String, String)], max_limit: u32) -> Result<PageQuery, ApiError> {
    let mut page = PageQuery::default();
    for (k, v) in pairs {
        match k.as_str() {
            "limit" => page.limit = parse_limit(v, max_limit)?,
            "offset" => page.offset = parse_offset(v)?,
            _ => {}
        }
    }
    Ok(page)
}

/// Parses the query string of `GET /v1/trunks`, accepting `limit` up to `max_limit`.
pub fn parse_page_query(raw: Option<&str>, max_limit: u32) -> Result<PageQuery, ApiError> {
    page_from(&pairs(raw, &TRUNKS_PARAMS)?, max_limit)
}

/// Parses the query string of `GET /v1/calls`, accepting `limit` up to `max_limit`.
pub fn parse_call_query(raw: Option<&str>, max_limit: u32) -> Result<CallQuery, ApiError> {
    let pairs = pairs(raw, &CALLS_PARAMS)?;
    let page = page_from(&pairs, max_limit)?;
    let mut filter = CallFilter::default();
    let (mut start_exact, mut end_exact) = (None, None);
    for (k, v) in &pairs {
        match k.as_str() {
            "status" => {
                filter.status = Some(Status::parse(v).ok_or_else(|| {
                    ApiError::invalid(format!(
                        "status must be one of connected, failed, disconnected, got {}",
                        quote(v)
                    ))
                })?)
            }
            "trunk_id" => {
                if v.is_empty() || v.chars().count() > MAX_TRUNK_ID_LEN {
                    return Err(ApiError::invalid(format!(
                        "trunk_id must be a non-empty string of at most {MAX_TRUNK_ID_LEN} characters, got {}",
                        quote(v)
                    )));
                }
                filter.trunk_id = Some(v.clone());
            }
            "start_date" => {
                let exact = exact_instant("start_date", v)?;
                start_exact = Some(exact);
                filter.start = Some(if exact.1 > 0 { exact.0 + 1 } else { exact.0 });
            }
            "end_date" => {
                let exact = exact_instant("end_date", v)?;
                end_exact = Some(exact);
                filter.end = Some(exact.0);
            }
            _ => {}
        }
    }
    if let (Some(s), Some(e)) = (start_exact, end_exact) {
        if s > e {
            return Err(ApiError::invalid("start_date must not be after end_date"));
        }
    }
    Ok(CallQuery { page, filter })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_call_query_default(raw: Option<&str>) -> Result<CallQuery, ApiError> {
        parse_call_query(raw, MAX_LIMIT)
    }

    fn instant(value: &str) -> Option<i64> {
        parse_instant("start_date", value, Bound::End).ok()
    }

    #[test]
    fn instants() {
        let base = 1_709_251_200; // 2024-03-01T00:00:00Z
        let cases: &[(&str, Option<i64>)] = &[
            ("2024-03-01T00:00:00Z", Some(base)),
            ("2024-03-01T00:00:00z", Some(base)), // RFC 3339 allows lower-case z
            ("2024-03-01T02:00:00+02:00", Some(base)),
            ("2024-03-01T02:00:00 02:00", Some(base)),
            ("2024-02-29T19:00:00-05:00", Some(base)),
            ("2024-03-01T00:00:00.123456Z", Some(base)),
            ("2024-03-01T00:00:00", Some(base)),
            ("2024-03-01T00:00:00.123456", Some(base)),
            ("2024-03-01", Some(base)),
            ("2024-03-01 00:00:00Z", None),
            ("2024-03-01T00:00", None),
            ("2024-3-1", None),
            ("2024-13-01", None),
            ("2024-02-30T00:00:00Z", None),
            ("yesterday", None),
            ("", None),
            ("1709251200", None),
            ("2024-03-01T00:00:00Zjunk", None),
        ];
        for (input, expected) in cases {
            assert_eq!(instant(input), *expected, "input {input:?}");
        }
    }

    #[test]
    fn fractional_start_rounds_up() {
        assert_eq!(
            parse_instant("start_date", "2024-03-01T00:00:00.5Z", Bound::Start).ok(),
            Some(1_709_251_201)
        );
    }

    #[test]
    fn limits() {
        let cases: &[(&str, Option<u32>)] = &[
            ("1", Some(1)),
            ("20", Some(20)),
            ("100", Some(100)),
            ("0", None),
            ("101", None),
            ("-1", None),
            ("abc", None),
            ("", None),
            ("1.5", None),
            ("99999999999999999999999", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_limit(input, MAX_LIMIT).ok(),
                *expected,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn limit_message_names_parameter_and_value() {
        let err = parse_limit("101", MAX_LIMIT).unwrap_err();
        assert_eq!(
            err.message,
            "limit must be an integer from 1 to 100, got 101"
        );
    }

    #[test]
    fn a_larger_max_limit_is_honoured_and_still_bounded() {
        // (max, input, accepted)
        let cases = [
            (1000, "1000", Some(1000)),
            (1000, "101", Some(101)),
            (1000, "1001", None),
            (1, "1", Some(1)),
            (1, "2", None),
        ];
        for (max, input, expected) in cases {
            assert_eq!(parse_limit(input, max).ok(), expected, "max {max}, {input}");
        }
        let err = parse_limit("1001", 1000).unwrap_err();
        assert_eq!(
            err.message,
            "limit must be an integer from 1 to 1000, got 1001"
        );
    }

    #[test]
    fn duplicate_parameter_is_rejected() {
        assert!(parse_call_query_default(Some("limit=5&limit=6")).is_err());
        assert!(parse_call_query_default(Some("foo=1&foo=2")).is_ok());
    }

    #[test]
    fn start_after_end_is_rejected() {
        assert!(
            parse_call_query_default(Some("start_date=2024-03-02&end_date=2024-03-01")).is_err()
        );
        assert!(
            parse_call_query_default(Some("start_date=2024-03-01&end_date=2024-03-01")).is_ok()
        );
        assert!(parse_call_query_default(Some(
            "start_date=2024-03-01T00:00:00.2Z&end_date=2024-03-01T00:00:00.7Z"
        ))
        .is_ok());
        assert!(parse_call_query_default(Some(
            "start_date=2024-03-01T00:00:00.7Z&end_date=2024-03-01T00:00:00.2Z"
        ))
        .is_err());
    }
}
