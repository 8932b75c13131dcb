//! Latency over time: the mean segment budget stacked, total p50 and p95 lines, the SLO,
//! and for a sample the p95's 95 % interval as a band.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame::{
    draw_key, draw_message, geometry, prepare, time_frame, y_ticks, KeyEntry, Swatch,
    NO_ANSWERED_CALLS,
};
use super::{
    thin_min_max, Axis, ChartError, ChartGeometry, ChartStyle, HitRegion, HitTarget, Table,
};
use crate::api::TimeZoneMode;
use crate::format;
use crate::stats::{Estimate, PerSegment, Segment, TimeBucket, TimeBuckets};

/// What the latency chart shows.
#[derive(Debug, Clone, Copy)]
pub struct LatencyData<'a> {
    /// The time buckets (`Analysis::buckets`).
    pub buckets: &'a TimeBuckets,
    /// The SLO on total latency in ms, drawn as a dashed line.
    pub slo_ms: Option<u32>,
    /// The zone time labels are in.
    pub tz: TimeZoneMode,
}

/// Runs of consecutive buckets that have a value, as (bucket middle in Unix s, value).
fn runs(buckets: &TimeBuckets, value: impl Fn(&TimeBucket) -> Option<f64>) -> Vec<Vec<(f64, f64)>> {
    let half = buckets.width.seconds() as f64 / 2.0;
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = Vec::new();
    for b in &buckets.buckets {
        match value(b) {
            Some(v) => current.push((b.start.timestamp() as f64 + half, v)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The stack height after `upto` (carrier, carrier + AI, carrier + AI + gateway).
fn stacked(mean: &PerSegment<Option<f64>>, upto: usize) -> Option<f64> {
    Segment::PARTS[..=upto].iter().map(|&s| *mean.get(s)).sum()
}

/// Draws the latency chart; see the module doc of `charts`.
pub fn draw_latency<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &LatencyData<'_>,
    style: &ChartStyle,
) -> Result<ChartGeometry, ChartError> {
    let buckets = data.buckets;
    prepare(root, style)?;
    let span = buckets.span();
    let Some((start, end)) = span.filter(|_| buckets.buckets.iter().any(|b| b.latency_calls > 0))
    else {
        return draw_message(root, style, NO_ANSWERED_CALLS);
    };
    let (x0, x1) = (start.timestamp() as f64, end.timestamp() as f64);
    let top_value = buckets
        .buckets
        .iter()
        .flat_map(|b| {
            let high = b.p95_interval.filter(Estimate::is_bounded).map(|e| e.high);
            [b.p95.total, b.mean.total, high]
        })
        .flatten()
        .chain(data.slo_ms.map(f64::from))
        .fold(0.0, f64::max);
    let mut key: Vec<KeyEntry> = Segment::PARTS
        .iter()
        .map(|&s| {
            let fill = style.tint(style.segment(s), 0.45);
            KeyEntry::new(format!("{} mean", s.label()), Swatch::Fill(fill))
        })
        .collect();
    key.push(KeyEntry::new("Total p50", Swatch::Line(style.p50, 1)));
    key.push(KeyEntry::new("Total p95", Swatch::Line(style.p95, 2)));
    let bounded = |b: &TimeBucket| b.p95_interval.filter(Estimate::is_bounded);
    let sampled = buckets.buckets.iter().any(|b| bounded(b).is_some());
    if sampled {
        let band = style.tint(style.p95, 0.3);
        key.push(KeyEntry::new(
            "p95 95 % interval (sample)",
            Swatch::Fill(band),
        ));
    }
    if let Some(slo) = data.slo_ms {
        let label = format!("SLO {}", format::millis(f64::from(slo)));
        key.push(KeyEntry::new(label, Swatch::Dashed(style.slo, 2)));
    }
    let plot = draw_key(root, &key, style)?;
    let y1 = (top_value * 1.05).max(1.0);
    let y_ticks = y_ticks(y1, plot.dim_in_pixel().1);
    let desc = "Latency (ms)".to_owned();
    let mut chart = time_frame(&plot, (x0, x1), data.tz, (y1, y_ticks), desc, style)?;

    let plot_w = chart.plotting_area().dim_in_pixel().0;
    let thin = |run: &[(f64, f64)]| thin_min_max(run, (x0, x1), plot_w);
    // The stack, drawn top layer first so each lower layer covers the one above.
    for (i, s) in Segment::PARTS.iter().enumerate().rev() {
        let color = style.segment(*s);
        for run in &runs(buckets, |b| stacked(&b.mean, i)) {
            chart.draw_series(
                AreaSeries::new(thin(run), 0.0, style.tint(color, 0.45)).border_style(color),
            )?;
        }
    }
    // A sample's p95 is an estimate: its interval is a band behind the line.
    if sampled {
        let lows = runs(buckets, |b| bounded(b).map(|e| e.low));
        let highs = runs(buckets, |b| bounded(b).map(|e| e.high));
        for (low, high) in lows.iter().zip(&highs) {
            let outline: Vec<(f64, f64)> = high.iter().chain(low.iter().rev()).copied().collect();
            chart.draw_series(std::iter::once(Polygon::new(
                outline,
                style.tint(style.p95, 0.3).filled(),
            )))?;
        }
    }
    let lines = [
        (style.p50, 1, runs(buckets, |b| b.p50.total)),
        (style.p95, 2, runs(buckets, |b| b.p95.total)),
    ];
    for (color, width, series) in lines {
        for run in &series {
            chart.draw_series(LineSeries::new(thin(run), color.stroke_width(width)))?;
        }
    }
    if let Some(slo) = data.slo_ms {
        let y = f64::from(slo);
        chart.draw_series(DashedLineSeries::new(
            vec![(x0, y), (x1, y)],
            6,
            4,
            style.slo.stroke_width(2),
        ))?;
    }

    let mut geo = geometry(&chart);
    geo.regions = bucket_regions(buckets, |t| chart.backend_coord(&(t, 0.0)).0);
    Ok(geo)
}

/// One x band per bucket, from its start pixel to its end pixel.
pub(super) fn bucket_regions(buckets: &TimeBuckets, px: impl Fn(f64) -> i32) -> Vec<HitRegion> {
    let w = buckets.width.seconds() as f64;
    buckets
        .buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let t = b.start.timestamp() as f64;
            HitRegion {
                axis: Axis::X,
                from: px(t),
                to: px(t + w).max(px(t) + 1),
                target: HitTarget::Bucket(i),
            }
        })
        .collect()
}

/// "p95 total latency peaked at 1,240 ms at 14:00 on Nov 22; SLO 800 ms exceeded in 6 of 168 hours."
pub fn summary_latency(data: &LatencyData<'_>) -> String {
    let b = data.buckets;
    let peak = b
        .buckets
        .iter()
        .filter_map(|x| x.p95.total.map(|v| (v, x.start)))
        .max_by(|a, c| a.0.total_cmp(&c.0));
    let Some((peak, at)) = peak else {
        return format!("{NO_ANSWERED_CALLS}.");
    };
    let mut s = format!(
        "p95 total latency peaked at {} at {}",
        format::millis(peak),
        format::bucket_start(at, data.tz, b.width.seconds())
    );
    if let Some(slo) = data.slo_ms {
        let over = b
            .buckets
            .iter()
            .filter(|x| x.p95.total.is_some_and(|v| v > f64::from(slo)))
            .count();
        s += &format!(
            "; SLO {} exceeded in {} of {} {}",
            format::millis(f64::from(slo)),
            format::thousands(over as u64),
            format::thousands(b.buckets.len() as u64),
            if b.buckets.len() == 1 {
                b.width.nouns().0
            } else {
                b.width.nouns().1
            }
        );
    }
    if b.buckets.iter().any(|x| x.p95_interval.is_some()) {
        s += "; p95 per bucket estimated from a sample, with its 95 % interval shaded";
    }
    s + "."
}

/// One row per bucket: time, calls with latency, total p50/p95, mean of each part.
pub fn table_latency(data: &LatencyData<'_>) -> Table {
    let ms = format::millis_or_unknown;
    let mut headers = vec![
        format!("Time ({})", format::zone_label(data.tz)),
        "Calls".to_owned(),
        "Total p50".to_owned(),
        "Total p95".to_owned(),
    ];
    let sampled = data
        .buckets
        .buckets
        .iter()
        .any(|b| b.p95_interval.is_some());
    if sampled {
        headers.push("p95 95 % interval".to_owned());
    }
    headers.extend(Segment::PARTS.iter().map(|s| format!("{} mean", s.label())));
    let rows = data
        .buckets
        .buckets
        .iter()
        .map(|b| {
            let mut row = vec![
                format::bucket_start(b.start, data.tz, data.buckets.width.seconds()),
                format::thousands(b.latency_calls as u64),
                ms(b.p50.total),
                ms(b.p95.total),
            ];
            if sampled {
                row.push(b.p95_interval.filter(Estimate::is_bounded).map_or_else(
                    || format::UNKNOWN.to_owned(),
                    |e| format!("{}–{}", format::millis(e.low), format::millis(e.high)),
                ));
            }
            row.extend(Segment::PARTS.iter().map(|&s| ms(*b.mean.get(s))));
            row
        })
        .collect();
    Table { headers, rows }
}
