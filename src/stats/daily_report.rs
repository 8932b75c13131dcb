//! [`DailyReport`]: the daily report a manager prints — the vendor's six figures for a
//! day beside the previous day and the same weekday a week earlier, per-trunk rows,
//! calls by hour by outcome, the latency distribution and the day's failed calls.
//!
//! The six figures keep the vendor's definitions ([`Report`]); everything else uses the
//! dashboard's (latency figures over the latency calls, see the module doc of `stats`).

use chrono::{DateTime, Utc};

use super::{Analysis, AnalysisOptions, Report, StatusKind, TrunkRow};
use crate::api::{Call, CallStatus};
use crate::format;

/// Failed calls the report lists (the rest are a link away).
pub const FAILED_LISTED: usize = 50;

/// A day's report and what it is compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyReport {
    /// The day's statistics: hourly buckets, trunks, latency distribution.
    pub analysis: Analysis,
    /// The previous day's six figures.
    pub previous_day: Report,
    /// The same weekday a week earlier.
    pub week_earlier: Report,
    /// The day's first [`FAILED_LISTED`] failed calls, newest first.
    pub failed: Vec<Call>,
}

impl DailyReport {
    /// The report of `day` (its calls, bounds `range`), against the previous day and the
    /// same weekday a week earlier; `slo_ms` is the total-latency SLO.
    pub fn compute(
        day: &[Call],
        previous_day: &[Call],
        week_earlier: &[Call],
        range: (DateTime<Utc>, DateTime<Utc>),
        slo_ms: u32,
    ) -> Self {
        let opts = AnalysisOptions {
            slo_ms: super::PerSegment {
                total: Some(slo_ms),
                ..super::PerSegment::default()
            },
            range: (Some(range.0), Some(range.1)),
            // 24 hourly buckets over a day (25 or 23 on a DST change in local time).
            max_buckets: 25,
            ..AnalysisOptions::default()
        };
        DailyReport {
            analysis: Analysis::compute(day, &opts),
            previous_day: Report::from_calls(previous_day),
            week_earlier: Report::from_calls(week_earlier),
            failed: day
                .iter()
                .filter(|c| c.status == CallStatus::Failed)
                .take(FAILED_LISTED)
                .cloned()
                .collect(),
        }
    }

    /// The day's six figures.
    pub fn report(&self) -> &Report {
        &self.analysis.report
    }

    /// Failed calls of the day in all.
    pub fn failed_total(&self) -> u64 {
        self.report().counts.failed
    }

    /// The six figures as rows: label, the day, the previous day, the same weekday a
    /// week earlier (each formatted as the vendor's report prints it).
    pub fn comparison_rows(&self) -> Vec<[String; 4]> {
        let reports = [self.report(), &self.previous_day, &self.week_earlier];
        let row = |label: &str, f: &dyn Fn(&Report) -> String| {
            [
                label.to_owned(),
                f(reports[0]),
                f(reports[1]),
                f(reports[2]),
            ]
        };
        let count = |kind: StatusKind| {
            move |r: &Report| {
                format!(
                    "{} ({})",
                    format::thousands(r.counts.get(kind)),
                    format::percent_or_unknown(r.share(kind))
                )
            }
        };
        vec![
            row("Total calls", &|r| format::thousands(r.total_calls())),
            row("Connected", &count(StatusKind::Connected)),
            row("Failed", &count(StatusKind::Failed)),
            row("Disconnected", &count(StatusKind::Disconnected)),
            row("Total duration", &|r| {
                format::hours(r.total_duration_seconds)
            }),
            row("Avg AI latency", &|r| {
                format::millis_or_unknown(r.avg_ai_latency_ms())
            }),
        ]
    }

    /// Per trunk: name, calls, connected and failed share, mean AI latency and p95
    /// total latency (both over the trunk's latency calls), worst p95 first.
    pub fn trunk_rows(&self) -> Vec<[String; 6]> {
        self.analysis
            .trunks
            .iter()
            .map(|r: &TrunkRow| {
                [
                    r.label().to_owned(),
                    format::thousands(r.calls),
                    format::percent_or_unknown(r.connected_share()),
                    format::percent_or_unknown(r.failure_share()),
                    format::millis_or_unknown(r.mean.ai),
                    format::millis_or_unknown(r.p95.total),
                ]
            })
            .collect()
    }

    /// The latency distribution in a line: p50, p95, p99 and the share over the SLO.
    pub fn latency_line(&self) -> String {
        let t = &self.analysis.latency.total;
        let ms = format::millis_or_unknown;
        format!(
            "Total latency over {}: p50 {}, p95 {}, p99 {}; {} over the {} SLO.",
            format::calls(t.count as u64),
            ms(t.p50),
            ms(t.p95),
            ms(t.p99),
            format::percent_or_unknown(t.over_slo_share()),
            t.slo_ms.map_or_else(
                || format::UNKNOWN.to_owned(),
                |s| format::millis(f64::from(s))
            ),
        )
    }
}
