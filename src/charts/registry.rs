//! [`ChartKind`]: every chart of the analytics view, each with its four faces (draw,
//! summary, table, tooltip) over one [`Analysis`], so the view lists charts instead of
//! wiring each one by hand.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    draw_distribution, draw_latency, draw_trunks, draw_volume, summary_distribution,
    summary_latency, summary_trunks, summary_volume, table_distribution, table_latency,
    table_trunks, table_volume, ChartError, ChartGeometry, ChartStyle, DistributionData, Hit,
    HitTarget, LatencyData, Table, TrunkData, VolumeData,
};
use crate::api::{CallQuery, DateRange, TimeZoneMode, TrunkId};
use crate::format;
use crate::stats::{Analysis, Segment};

/// Trunks the trunk chart shows (the per-trunk table has them all).
pub const TRUNK_CHART_ROWS: usize = 8;

/// What every chart is drawn with besides the analysis: the view's display settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartOptions {
    /// The zone time labels are in.
    pub tz: TimeZoneMode,
    /// The SLO on total latency, ms.
    pub slo_ms: u32,
}

/// A chart of the analytics view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// Latency over time: the segment budget, total p50/p95, the SLO.
    Latency,
    /// Calls per time bucket, stacked by outcome.
    Volume,
    /// The distribution of total latency.
    Distribution,
    /// Per-trunk latency, worst first.
    Trunks,
}

impl ChartKind {
    /// The charts in the order the view shows them.
    pub const ALL: [ChartKind; 4] = [
        ChartKind::Latency,
        ChartKind::Volume,
        ChartKind::Distribution,
        ChartKind::Trunks,
    ];

    /// The heading above the chart.
    pub fn title(self) -> &'static str {
        match self {
            ChartKind::Latency => "Latency over time",
            ChartKind::Volume => "Call volume by outcome",
            ChartKind::Distribution => "Total latency distribution",
            ChartKind::Trunks => "Latency by trunk (p50 solid, p95 light)",
        }
    }

    /// A short name for ids, `data-chart` and the `dashboard:chart:<name>` measure.
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Latency => "latency",
            ChartKind::Volume => "volume",
            ChartKind::Distribution => "distribution",
            ChartKind::Trunks => "trunks",
        }
    }

    /// Draws the chart of `a` into `root`.
    pub fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        a: &Analysis,
        ctx: ChartOptions,
        style: &ChartStyle,
    ) -> Result<ChartGeometry, ChartError> {
        match self {
            ChartKind::Latency => draw_latency(root, &latency(a, ctx), style),
            ChartKind::Volume => draw_volume(root, &volume(a, ctx), style),
            ChartKind::Distribution => draw_distribution(root, &distribution(a), style),
            ChartKind::Trunks => draw_trunks(root, &trunks(a), style),
        }
    }

    /// The chart in a sentence or two, for screen readers.
    pub fn summary(self, a: &Analysis, ctx: ChartOptions) -> String {
        match self {
            ChartKind::Latency => summary_latency(&latency(a, ctx)),
            ChartKind::Volume => summary_volume(&volume(a, ctx)),
            ChartKind::Distribution => summary_distribution(&distribution(a)),
            ChartKind::Trunks => summary_trunks(&trunks(a)),
        }
    }

    /// The chart's data as a table ("Show as table").
    pub fn table(self, a: &Analysis, ctx: ChartOptions) -> Table {
        match self {
            ChartKind::Latency => table_latency(&latency(a, ctx)),
            ChartKind::Volume => table_volume(&volume(a, ctx)),
            ChartKind::Distribution => table_distribution(&distribution(a)),
            ChartKind::Trunks => table_trunks(&trunks(a)),
        }
    }

    /// The tooltip for what the pointer is over, if anything.
    pub fn tooltip(self, a: &Analysis, ctx: ChartOptions, hit: &Hit) -> Option<String> {
        match (self, hit.target.as_ref()?) {
            (ChartKind::Latency | ChartKind::Volume, HitTarget::Bucket(i)) => {
                let b = a.buckets.buckets.get(*i)?;
                Some(format!(
                    "{} · {} ({} failed) · mean total {} · p95 total {}",
                    format::bucket_start(b.start, ctx.tz, a.buckets.width.seconds()),
                    format::calls(b.counts.total()),
                    format::thousands(b.counts.failed),
                    format::millis_or_unknown(b.mean.total),
                    format::millis_or_unknown(b.p95.total),
                ))
            }
            (ChartKind::Distribution, HitTarget::Bin(i)) => {
                let h = &a.distribution.histogram;
                match h.counts.get(*i) {
                    Some(&count) => {
                        let (lo, hi) = h.bin_range(*i);
                        Some(format!(
                            "{}–{}: {}",
                            format::millis(lo),
                            format::millis(hi),
                            format::calls(count)
                        ))
                    }
                    None => Some(format!(
                        "≥ {}: {}",
                        format::millis(h.overflow_from()),
                        format::calls(h.overflow)
                    )),
                }
            }
            (ChartKind::Trunks, HitTarget::Trunk(id)) => {
                let r = a.trunks.iter().find(|r| &r.trunk_id == id)?;
                let pair = |s: Segment| {
                    format!(
                        "{}/{}",
                        format::millis_or_unknown(*r.p50.get(s)),
                        format::millis_or_unknown(*r.p95.get(s))
                    )
                };
                let who = match &r.name {
                    Some(name) => format!("{name} · {id}"),
                    None => id.clone(),
                };
                Some(format!(
                    "{who} · p50/p95 carrier {} · AI {} · gateway {} — click to filter",
                    pair(Segment::Carrier),
                    pair(Segment::Ai),
                    pair(Segment::Gateway),
                ))
            }
            _ => None,
        }
    }
}

/// The view a click on `target` leads to: a time bucket narrows the date range to
/// that bucket, a trunk sets the trunk filter; a histogram bin leads nowhere.
pub fn pick(query: &CallQuery, a: &Analysis, target: &HitTarget) -> Option<CallQuery> {
    match target {
        HitTarget::Bucket(i) => {
            let (start, end) = a.buckets.bounds(*i)?;
            Some(query.with_range(DateRange::Custom {
                start: Some(start),
                end: Some(end),
            }))
        }
        HitTarget::Trunk(id) => Some(query.with_trunk(TrunkId::new(id))),
        // A weekday-hour cell spans many dates: no single range to narrow to.
        HitTarget::Bin(_) | HitTarget::Cell { .. } => None,
    }
}

fn latency(a: &Analysis, ctx: ChartOptions) -> LatencyData<'_> {
    LatencyData {
        buckets: &a.buckets,
        slo_ms: Some(ctx.slo_ms),
        tz: ctx.tz,
    }
}

fn volume(a: &Analysis, ctx: ChartOptions) -> VolumeData<'_> {
    VolumeData {
        buckets: &a.buckets,
        tz: ctx.tz,
    }
}

fn distribution(a: &Analysis) -> DistributionData<'_> {
    DistributionData {
        distribution: &a.distribution,
        total: &a.latency.total,
    }
}

fn trunks(a: &Analysis) -> TrunkData<'_> {
    TrunkData {
        rows: &a.trunks,
        max_rows: TRUNK_CHART_ROWS,
    }
}
