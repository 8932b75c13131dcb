//! [`Report`]: the vendor's daily report, with the vendor's definitions.

use super::{StatusCounts, StatusKind};
use crate::api::Call;
use crate::format;

/// Outcome counts, talk time and average AI latency, defined as the vendor's
/// `generate_daily_report` defines them.
///
/// Every figure is over *all* calls given, whatever their status: shares are of the
/// total, talk time sums `duration_seconds` of every call, and the average AI latency is
/// `sum(ai_latency_ms) / total_calls` (failed calls included, as the vendor does; a call
/// whose AI latency is unknown is left out of both sums). Where
/// the vendor's script prints `0` or divides by zero for an empty day, these return `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Report {
    /// Calls by outcome; `other` holds statuses this version does not know.
    pub counts: StatusCounts,
    /// Sum of `duration_seconds` over all calls.
    pub total_duration_seconds: u64,
    /// Sum of `ai_latency_ms` over the calls where it is known.
    pub ai_latency_sum_ms: u64,
    /// Calls whose `ai_latency_ms` is known (all of them, with the vendor's data).
    pub ai_latency_known: u64,
}

impl Report {
    /// The report of a set of calls.
    pub fn from_calls(calls: &[Call]) -> Self {
        let mut report = Report::default();
        for call in calls {
            report.add(call);
        }
        report
    }

    /// Adds one call.
    pub fn add(&mut self, call: &Call) {
        self.counts.add(StatusKind::of(&call.status));
        self.total_duration_seconds = self
            .total_duration_seconds
            .saturating_add(call.duration_seconds);
        if let Some(ai) = call.ai_latency_ms {
            self.ai_latency_sum_ms += u64::from(ai);
            self.ai_latency_known += 1;
        }
    }

    /// All calls (the vendor's `total_calls`).
    pub fn total_calls(&self) -> u64 {
        self.counts.total()
    }

    /// The share of one outcome in all calls; `None` for an empty set.
    pub fn share(&self, kind: StatusKind) -> Option<f64> {
        self.counts.share(kind)
    }

    /// Talk time in hours (the vendor's `total_duration / 3600`).
    pub fn total_duration_hours(&self) -> f64 {
        self.total_duration_seconds as f64 / 3600.0
    }

    /// `sum(ai_latency_ms) / total_calls` in ms, over the calls whose AI latency is
    /// known (with the vendor's data, every call, so this is the vendor's figure); a
    /// call that does not say is left out of both sums, never counted as 0 ms. `None`
    /// when no call says.
    pub fn avg_ai_latency_ms(&self) -> Option<f64> {
        let n = self.ai_latency_known;
        (n > 0).then(|| self.ai_latency_sum_ms as f64 / n as f64)
    }

    /// The report as label/value rows, in the vendor's order, for the printable view.
    ///
    /// `Other` appears only when some status was unknown.
    pub fn rows(&self) -> Vec<[String; 2]> {
        let count_row = |kind: StatusKind| {
            let share = format::percent_or_unknown(self.share(kind));
            [
                kind.label().to_owned(),
                format!("{} ({share})", format::thousands(self.counts.get(kind))),
            ]
        };
        let mut rows = vec![
            [
                "Total calls".to_owned(),
                format::thousands(self.total_calls()),
            ],
            count_row(StatusKind::Connected),
            count_row(StatusKind::Failed),
            count_row(StatusKind::Disconnected),
        ];
        if self.counts.other > 0 {
            rows.push(count_row(StatusKind::Other));
        }
        rows.push([
            "Total duration".to_owned(),
            format::hours(self.total_duration_seconds),
        ]);
        rows.push([
            "Avg AI latency".to_owned(),
            format::millis_or_unknown(self.avg_ai_latency_ms()),
        ]);
        rows
    }
}
