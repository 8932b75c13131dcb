//! How numbers, durations and instants read on screen.
//!
//! One place for every user-visible format, so the table, the cards and the charts
//! agree: `1,523`, `5m 42s`, `215 ms`, `85.1%`, `2024-03-05 10:30:00`.

use chrono::{DateTime, Local, Utc};

use crate::api::TimeZoneMode;

/// How every unknown value reads: a missing latency, a share of nothing, an absent
/// field. Never `0`: unknown is not zero.
pub const UNKNOWN: &str = "–";

/// `1523` → `1,523`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number of calls in a sentence: `1 call`, `0 calls`, `1,523 calls`.
pub fn calls(n: u64) -> String {
    match n {
        1 => "1 call".to_owned(),
        n => format!("{} calls", thousands(n)),
    }
}

/// A call's talk time: `0s`, `42s`, `5m 42s`, `1h 02m`.
pub fn duration_s(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// A latency: `215 ms` below ten seconds, `12.3 s` above.
pub fn millis(ms: f64) -> String {
    if !ms.is_finite() {
        return UNKNOWN.to_owned();
    }
    if ms.abs() >= 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{} ms", ms.round() as i64)
    }
}

/// A latency that may be unknown: `215 ms`, or [`UNKNOWN`].
pub fn millis_or_unknown(ms: Option<f64>) -> String {
    ms.map_or_else(|| UNKNOWN.to_owned(), millis)
}

/// A call's latency part as the API sent it: `215 ms`, or [`UNKNOWN`] when it did not.
pub fn latency_ms(ms: Option<u32>) -> String {
    millis_or_unknown(ms.map(f64::from))
}

/// A length of speech in seconds with one decimal, halves rounded up, so a column of
/// them lines up: `6439` → `6.4 s`, `18_650` → `18.7 s`, `400` → `0.4 s`.
pub fn seconds_tenths(ms: u64) -> String {
    let tenths = ms.saturating_add(50) / 100;
    format!("{}.{} s", tenths / 10, tenths % 10)
}

/// A share in `0.0..=1.0` as a percentage with one decimal: `0.851` → `85.1%`.
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        return UNKNOWN.to_owned();
    }
    format!("{:.1}%", share * 100.0)
}

/// A share that may be unknown: `85.1%`, or [`UNKNOWN`].
pub fn percent_or_unknown(share: Option<f64>) -> String {
    share.map_or_else(|| UNKNOWN.to_owned(), percent)
}

/// A percentage the API gives as a number of percent (packet loss): `0.25` → `0.25%`.
pub fn percent_value(p: f64) -> String {
    if !p.is_finite() {
        return UNKNOWN.to_owned();
    }
    format!("{p:.2}%")
}

/// A text the API may leave out, shown as given or as [`UNKNOWN`].
pub fn text_or_unknown(text: Option<&str>) -> String {
    text.map_or_else(|| UNKNOWN.to_owned(), str::to_owned)
}

/// `x` rounded to one decimal, with `-0.0` made `0.0`.
pub fn round_tenths(x: f64) -> f64 {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// A change with its sign and one decimal: `+2.3 pp`, `-1.5%`, and `0.0%` for zero
/// (never `+0.0` or `−0.0`, which read as a change).
pub fn signed_tenths(x: f64, unit: &str) -> String {
    let r = round_tenths(x);
    if r == 0.0 {
        format!("0.0{unit}")
    } else {
        format!("{r:+.1}{unit}")
    }
}

/// A fraction in `0.0..=1.0` as a CSS width: `0.25` → `25.0%`.
pub fn percent_width(fraction: f64) -> String {
    format!("{:.1}%", fraction.clamp(0.0, 1.0) * 100.0)
}

/// Hours with one decimal, as the vendor's daily report prints talk time: `12.3 h`.
pub fn hours(seconds: u64) -> String {
    format!("{:.1} h", seconds as f64 / 3600.0)
}

/// The pager's range text: `21–40 of 1,523`, or `0 of 0` for an empty set.
pub fn range_text(offset: u64, shown: u64, total: u64) -> String {
    if shown == 0 {
        return format!("0 of {}", thousands(total));
    }
    format!(
        "{}–{} of {}",
        thousands(offset + 1),
        thousands(offset + shown),
        thousands(total)
    )
}

/// An instant in the chosen zone with the given `strftime` pattern.
pub fn instant_with(t: DateTime<Utc>, tz: TimeZoneMode, pattern: &str) -> String {
    match tz {
        TimeZoneMode::Utc => t.format(pattern).to_string(),
        TimeZoneMode::Local => t.with_timezone(&Local).format(pattern).to_string(),
    }
}

/// An instant for the table: `2024-03-05 10:30:00`.
///
/// Written field by field: it runs for every row of every page, and chrono's pattern
/// formatting costs several times more. Years outside 0–9999 take chrono's path, so
/// the output is the same as `instant_with(t, tz, "%Y-%m-%d %H:%M:%S")`.
pub fn instant(t: DateTime<Utc>, tz: TimeZoneMode) -> String {
    use chrono::{Datelike, Timelike};
    let n = match tz {
        TimeZoneMode::Utc => t.naive_utc(),
        TimeZoneMode::Local => t.with_timezone(&Local).naive_local(),
    };
    if !(0..=9999).contains(&n.year()) {
        return instant_with(t, tz, "%Y-%m-%d %H:%M:%S");
    }
    let mut out = String::with_capacity(19);
    let mut push = |v: u32, width: u32, sep: char| {
        for place in (0..width).rev() {
            out.push(char::from(b'0' + (v / 10u32.pow(place) % 10) as u8));
        }
        if sep != '\0' {
            out.push(sep);
        }
    };
    push(n.year().unsigned_abs(), 4, '-');
    push(n.month(), 2, '-');
    push(n.day(), 2, ' ');
    push(n.hour(), 2, ':');
    push(n.minute(), 2, ':');
    push(n.second(), 2, '\0');
    out
}

/// The suffix naming the zone, for column headers: `UTC` or `local`.
pub fn zone_label(tz: TimeZoneMode) -> &'static str {
    match tz {
        TimeZoneMode::Utc => "UTC",
        TimeZoneMode::Local => "local",
    }
}

/// Reads an `<input type="datetime-local">` value (`2024-03-05T10:30`, seconds
/// optional) as an instant in the chosen zone. In local time a moment skipped by a
/// DST change reads as `None`; a repeated one as its first occurrence.
pub fn parse_datetime_input(value: &str, tz: TimeZoneMode) -> Option<DateTime<Utc>> {
    let value = value.trim();
    let naive = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    match tz {
        TimeZoneMode::Utc => Some(naive.and_utc()),
        TimeZoneMode::Local => naive
            .and_local_timezone(Local)
            .earliest()
            .map(|t| t.with_timezone(&Utc)),
    }
}

/// The date range a user entered in the "from" and "to" inputs (either may be empty),
/// in the chosen zone; the error is a sentence saying what to fix.
pub fn range_from_inputs(
    start: &str,
    end: &str,
    tz: TimeZoneMode,
) -> Result<crate::api::DateRange, &'static str> {
    use crate::api::DateRange;
    let parse = |s: &str| {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            parse_datetime_input(s, tz).map(Some).ok_or(())
        }
    };
    match (parse(start), parse(end)) {
        (Ok(None), Ok(None)) => Ok(DateRange::All),
        (Ok(start), Ok(end)) if start.zip(end).is_none_or(|(s, e)| s <= e) => {
            Ok(DateRange::Custom { start, end })
        }
        (Ok(_), Ok(_)) => Err("The start must be before the end."),
        _ => Err("Enter dates as shown, e.g. 2024-03-05 10:30."),
    }
}

/// The value an `<input type="datetime-local">` shows for an instant in the chosen zone.
pub fn datetime_input_value(t: DateTime<Utc>, tz: TimeZoneMode) -> String {
    instant_with(t, tz, "%Y-%m-%dT%H:%M")
}

/// A chart's time-axis tick: `14:00` within a day, `Mon 14:00` for sub-day steps over
/// longer spans, `Mon 25` for day steps up to two weeks, `11-25` beyond.
pub fn time_tick(
    t: DateTime<Utc>,
    tz: TimeZoneMode,
    step_seconds: i64,
    span_seconds: i64,
) -> String {
    const DAY: i64 = 86_400;
    let pattern = match (
        step_seconds < DAY,
        span_seconds <= DAY,
        span_seconds <= 14 * DAY,
    ) {
        (true, true, _) => "%H:%M",
        (true, false, _) => "%a %H:%M",
        (false, _, true) => "%a %d",
        (false, _, false) => "%m-%d",
    };
    instant_with(t, tz, pattern)
}

/// A time bucket's start in sentences and tables: `14:00 on Nov 22`, or `Nov 22` for day buckets.
pub fn bucket_start(t: DateTime<Utc>, tz: TimeZoneMode, width_seconds: i64) -> String {
    if width_seconds >= 86_400 {
        instant_with(t, tz, "%b %d")
    } else {
        instant_with(t, tz, "%H:%M on %b %d")
    }
}

/// The first and last second of a calendar day in the chosen zone, as UTC instants:
/// the daily report's range. `None` for a local day that cannot be resolved.
pub fn day_bounds(
    day: chrono::NaiveDate,
    tz: TimeZoneMode,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = day.and_hms_opt(0, 0, 0)?;
    let last = day.and_hms_opt(23, 59, 59)?;
    match tz {
        TimeZoneMode::Utc => Some((first.and_utc(), last.and_utc())),
        TimeZoneMode::Local => Some((
            first
                .and_local_timezone(Local)
                .earliest()?
                .with_timezone(&Utc),
            last.and_local_timezone(Local).latest()?.with_timezone(&Utc),
        )),
    }
}
