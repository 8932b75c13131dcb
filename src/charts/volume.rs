//! Call volume over time: one bar per bucket, stacked by outcome.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame::{
    draw_key, draw_message, geometry, prepare, time_frame, y_ticks, KeyEntry, Swatch, NO_CALLS,
};
use super::latency::bucket_regions;
use super::{ChartError, ChartGeometry, ChartStyle, Table};
use crate::api::TimeZoneMode;
use crate::format;
use crate::stats::{StatusCounts, StatusKind, TimeBuckets};

/// What the volume chart shows.
#[derive(Debug, Clone, Copy)]
pub struct VolumeData<'a> {
    /// The time buckets (`Analysis::buckets`).
    pub buckets: &'a TimeBuckets,
    /// The zone time labels are in.
    pub tz: TimeZoneMode,
}

/// The outcomes drawn: the contract's three always, "other" only when present.
fn kinds(buckets: &TimeBuckets) -> Vec<StatusKind> {
    let any_other = buckets.buckets.iter().any(|b| b.counts.other > 0);
    StatusKind::ALL
        .into_iter()
        .filter(|&k| k != StatusKind::Other || any_other)
        .collect()
}

/// Draws the volume chart: bars stacked connected, disconnected, failed, other (bottom up).
pub fn draw_volume<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &VolumeData<'_>,
    style: &ChartStyle,
) -> Result<ChartGeometry, ChartError> {
    prepare(root, style)?;
    let buckets = data.buckets;
    let Some((start, end)) = buckets.span().filter(|_| !buckets.is_empty()) else {
        return draw_message(root, style, NO_CALLS);
    };
    let (x0, x1) = (start.timestamp() as f64, end.timestamp() as f64);
    let most = buckets
        .buckets
        .iter()
        .map(|b| b.counts.total())
        .max()
        .unwrap_or(0);
    let shown = kinds(buckets);
    let key: Vec<KeyEntry> = shown
        .iter()
        .map(|&k| KeyEntry::new(k.label(), Swatch::Fill(style.status(k))))
        .collect();
    let plot = draw_key(root, &key, style)?;
    let y1 = (most as f64 * 1.05).max(1.0);
    // Calls are whole: only whole-number marks on y.
    let mut y_ticks = y_ticks(y1, plot.dim_in_pixel().1);
    y_ticks.retain(|v| v.fract() == 0.0);
    let desc = format!("Calls per {}", buckets.width.nouns().0);
    let mut chart = time_frame(&plot, (x0, x1), data.tz, (y1, y_ticks), desc, style)?;

    let w = buckets.width.seconds() as f64;
    let gap = w * 0.08;
    let below = |c: &StatusCounts, kind: StatusKind| -> u64 {
        StatusKind::ALL
            .iter()
            .take_while(|&&k| k != kind)
            .map(|&k| c.get(k))
            .sum()
    };
    for kind in shown {
        let color = style.status(kind);
        let bars = buckets
            .buckets
            .iter()
            .filter(|b| b.counts.get(kind) > 0)
            .map(|b| {
                let t = b.start.timestamp() as f64;
                let base = below(&b.counts, kind) as f64;
                let top = base + b.counts.get(kind) as f64;
                Rectangle::new([(t + gap, base), (t + w - gap, top)], color.filled())
            });
        chart.draw_series(bars)?;
    }

    let mut geo = geometry(&chart);
    geo.regions = bucket_regions(buckets, |t| chart.backend_coord(&(t, 0.0)).0);
    Ok(geo)
}

/// "1,523 calls: 1,200 connected (78.8%), 100 disconnected (6.6%), 223 failed (14.6%); busiest hour 14:00 on Nov 22 with 120 calls."
pub fn summary_volume(data: &VolumeData<'_>) -> String {
    let b = data.buckets;
    let mut total = StatusCounts::default();
    for x in &b.buckets {
        total.merge(&x.counts);
    }
    if total.total() == 0 {
        return format!("{NO_CALLS}.");
    }
    let parts: Vec<String> = kinds(b)
        .into_iter()
        .map(|k| {
            format!(
                "{} {} ({})",
                format::thousands(total.get(k)),
                k.label().to_lowercase(),
                format::percent_or_unknown(total.share(k))
            )
        })
        .collect();
    // The earliest of equally busy buckets.
    let busiest = b.buckets.iter().rev().max_by_key(|x| x.counts.total());
    let mut s = format!("{}: {}", format::calls(total.total()), parts.join(", "));
    if let Some(x) = busiest {
        s += &format!(
            "; busiest {} {} with {}",
            b.width.nouns().0,
            format::bucket_start(x.start, data.tz, b.width.seconds()),
            format::calls(x.counts.total())
        );
    }
    s + "."
}

/// One row per bucket: time, then calls per outcome, then the total.
pub fn table_volume(data: &VolumeData<'_>) -> Table {
    let kinds = kinds(data.buckets);
    let mut headers = vec![format!("Time ({})", format::zone_label(data.tz))];
    headers.extend(kinds.iter().map(|k| k.label().to_owned()));
    headers.push("Total".to_owned());
    let rows = data
        .buckets
        .buckets
        .iter()
        .map(|b| {
            let mut row = vec![format::bucket_start(
                b.start,
                data.tz,
                data.buckets.width.seconds(),
            )];
            row.extend(kinds.iter().map(|&k| format::thousands(b.counts.get(k))));
            row.push(format::thousands(b.counts.total()));
            row
        })
        .collect();
    Table { headers, rows }
}
