//! [`Kpi`] cards and their change against the previous period ([`compare`]).

use super::{Analysis, Estimate, StatusKind};
use crate::format;

/// What an estimate's interval says when the sample was too thin to bound it.
pub const UNBOUNDED: &str = "95 %: too few pages sampled to say";

/// Which way a KPI should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Better {
    /// Higher is better (connected share).
    Higher,
    /// Lower is better (failures, latency).
    Lower,
    /// Neither (call volume, talk time): a change is shown without a verdict.
    Neither,
}

/// A KPI card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kpi {
    /// All calls.
    TotalCalls,
    /// Connected share of all calls.
    ConnectedShare,
    /// Failed share of all calls.
    FailedShare,
    /// Disconnected share of all calls.
    DisconnectedShare,
    /// Talk time in hours.
    TalkTimeHours,
    /// Mean total latency over the latency calls, ms.
    MeanTotalLatency,
    /// p95 total latency over the latency calls, ms.
    P95TotalLatency,
    /// Average AI latency as the daily report defines it (over all calls), ms.
    MeanAiLatency,
    /// Share of latency calls over the total-latency SLO.
    OverSloShare,
}

impl Kpi {
    /// The cards in display order.
    pub const ALL: [Kpi; 9] = [
        Kpi::TotalCalls,
        Kpi::ConnectedShare,
        Kpi::FailedShare,
        Kpi::DisconnectedShare,
        Kpi::TalkTimeHours,
        Kpi::MeanTotalLatency,
        Kpi::P95TotalLatency,
        Kpi::MeanAiLatency,
        Kpi::OverSloShare,
    ];

    /// The card's title.
    pub fn label(self) -> &'static str {
        match self {
            Kpi::TotalCalls => "Total calls",
            Kpi::ConnectedShare => "Connected",
            Kpi::FailedShare => "Failed",
            Kpi::DisconnectedShare => "Disconnected",
            Kpi::TalkTimeHours => "Talk time",
            Kpi::MeanTotalLatency => "Mean total latency",
            Kpi::P95TotalLatency => "p95 total latency",
            Kpi::MeanAiLatency => "Avg AI latency",
            Kpi::OverSloShare => "Over SLO",
        }
    }

    /// Which way is better.
    pub fn better(self) -> Better {
        match self {
            Kpi::TotalCalls | Kpi::TalkTimeHours => Better::Neither,
            Kpi::ConnectedShare => Better::Higher,
            _ => Better::Lower,
        }
    }

    /// Whether the value is a share in `0..=1` (its change is in percentage points).
    pub fn is_share(self) -> bool {
        matches!(
            self,
            Kpi::ConnectedShare | Kpi::FailedShare | Kpi::DisconnectedShare | Kpi::OverSloShare
        )
    }

    /// The KPI's estimate with its 95 % interval when `a` is of a sample
    /// ([`Analysis::compute_sampled`]) and this KPI is estimated; `None` when it is exact
    /// (the counts and shares of outcomes always are).
    pub fn estimate(self, a: &Analysis) -> Option<Estimate> {
        let e = a.estimates.as_ref()?;
        match self {
            Kpi::TalkTimeHours => e.talk_time_hours,
            Kpi::MeanTotalLatency => e.mean_total,
            Kpi::P95TotalLatency => e.p95_total,
            Kpi::MeanAiLatency => e.mean_ai,
            Kpi::OverSloShare => e.over_slo,
            _ => None,
        }
    }

    /// Whether the KPI is a count or a share of outcomes: exact past the gather cap too
    /// (the API counts them).
    fn is_count(self) -> bool {
        matches!(
            self,
            Kpi::TotalCalls | Kpi::ConnectedShare | Kpi::FailedShare | Kpi::DisconnectedShare
        )
    }

    /// An estimate's 95 % interval as its card shows it: `95 %: 776 ms–789 ms`.
    pub fn interval_text(self, e: Estimate) -> String {
        e.interval_text(|v| self.format(Some(v)))
    }

    /// Whether the KPI is an estimate in `a` (shown with "≈" and its interval).
    pub fn is_estimated(self, a: &Analysis) -> bool {
        a.estimates.is_some() && !self.is_count()
    }

    /// The KPI's value (an estimate's point value when [`Kpi::is_estimated`]); `None`
    /// when the set has nothing to measure.
    pub fn value(self, a: &Analysis) -> Option<f64> {
        if self.is_estimated(a) {
            return self.estimate(a).map(|e| e.value);
        }
        match self {
            Kpi::TotalCalls => Some(a.report.total_calls() as f64),
            Kpi::ConnectedShare => a.report.share(StatusKind::Connected),
            Kpi::FailedShare => a.report.share(StatusKind::Failed),
            Kpi::DisconnectedShare => a.report.share(StatusKind::Disconnected),
            Kpi::TalkTimeHours => Some(a.report.total_duration_hours()),
            Kpi::MeanTotalLatency => a.latency.total.mean,
            Kpi::P95TotalLatency => a.latency.total.p95,
            Kpi::MeanAiLatency => a.report.avg_ai_latency_ms(),
            Kpi::OverSloShare => a.latency.total.over_slo_share(),
        }
    }

    /// A value as the card shows it: `1,523`, `85.1%`, `12.3 h` (`54,819 h` from 10,000 h
    /// on), `215 ms`, or `–`.
    pub fn format(self, value: Option<f64>) -> String {
        let Some(v) = value else {
            return format::UNKNOWN.to_owned();
        };
        match self {
            Kpi::TotalCalls => format::thousands(v.max(0.0).round() as u64),
            // Tenths of an hour while they matter; whole hours with separators past 10,000.
            Kpi::TalkTimeHours if v >= 10_000.0 => {
                format!("{} h", format::thousands(v.round() as u64))
            }
            Kpi::TalkTimeHours => format!("{v:.1} h"),
            k if k.is_share() => format::percent(v),
            _ => format::millis(v),
        }
    }
}

/// How a change reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Moved the better way.
    Better,
    /// Moved the worse way.
    Worse,
    /// Did not move.
    Unchanged,
    /// Moved, but the KPI has no better way.
    Neutral,
    /// One of the periods has no value.
    Unknown,
}

/// A KPI's value now, in the previous period, and the change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KpiDelta {
    /// The KPI.
    pub kpi: Kpi,
    /// Value in the current period.
    pub current: Option<f64>,
    /// Value in the previous period of the same length.
    pub previous: Option<f64>,
    /// `current − previous` (for shares, a difference of shares: 0.01 is one percentage point).
    pub absolute: Option<f64>,
    /// `(current − previous) / previous`; `None` when previous is 0 or missing.
    pub relative: Option<f64>,
    /// Better, worse, unchanged, neutral or unknown.
    pub verdict: Verdict,
}

impl KpiDelta {
    /// The change of one KPI between two values. The verdict follows the change as the
    /// card shows it (to a tenth of a percent or point): a change that rounds to zero
    /// is `Unchanged`, never coloured better or worse.
    pub fn between(kpi: Kpi, current: Option<f64>, previous: Option<f64>) -> Self {
        let absolute = current.zip(previous).map(|(c, p)| c - p);
        let relative = current
            .zip(previous)
            .and_then(|(c, p)| (p != 0.0).then(|| (c - p) / p.abs()));
        let mut delta = KpiDelta {
            kpi,
            current,
            previous,
            absolute,
            relative,
            verdict: Verdict::Unknown,
        };
        delta.verdict = match (absolute, delta.shown_change()) {
            (None, _) => Verdict::Unknown,
            (Some(_), Some(0.0)) | (Some(0.0), _) => Verdict::Unchanged,
            (Some(d), _) => match kpi.better() {
                Better::Neither => Verdict::Neutral,
                Better::Higher if d > 0.0 => Verdict::Better,
                Better::Lower if d < 0.0 => Verdict::Better,
                _ => Verdict::Worse,
            },
        };
        delta
    }

    /// The change in the unit the card shows (percentage points for shares, percent
    /// otherwise), rounded to the tenth it shows; `None` when unknown.
    fn shown_change(&self) -> Option<f64> {
        let change = if self.kpi.is_share() {
            self.absolute
        } else {
            self.relative
        }?;
        Some(format::round_tenths(change * 100.0))
    }

    /// The change as a card shows it: `+2.3 pp` for shares, `+12.0%` otherwise, `0.0%`
    /// for a change that rounds to zero, `–` if unknown.
    pub fn change_text(&self) -> String {
        let unit = if self.kpi.is_share() { " pp" } else { "%" };
        self.shown_change().map_or_else(
            || format::UNKNOWN.to_owned(),
            |c| format::signed_tenths(c, unit),
        )
    }
}

/// Every KPI's change, looked up by [`Kpi`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KpiDeltas(Vec<KpiDelta>);

impl KpiDeltas {
    /// The change of `kpi`, if compared.
    pub fn get(&self, kpi: Kpi) -> Option<&KpiDelta> {
        self.0.iter().find(|d| d.kpi == kpi)
    }

    /// All changes, in [`Kpi::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = &KpiDelta> {
        self.0.iter()
    }
}

/// Every KPI of `current` against `previous`.
pub fn compare(current: &Analysis, previous: &Analysis) -> KpiDeltas {
    KpiDeltas(
        Kpi::ALL
            .into_iter()
            .map(|k| KpiDelta::between(k, k.value(current), k.value(previous)))
            .collect(),
    )
}
