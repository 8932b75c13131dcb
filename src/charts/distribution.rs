//! Distribution of total latency: histogram, tail bin, p50 / p95 / p99 markers.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{
    draw_key, draw_mesh, draw_message, font, geometry, prepare, value_ticks, whole_label, Axes,
    KeyEntry, Swatch, Ticked, NO_ANSWERED_CALLS,
};
use super::{Axis, ChartError, ChartGeometry, ChartStyle, HitRegion, HitTarget, Table};
use crate::format;
use crate::stats::{Distribution, LatencySummary};

/// What the distribution chart shows.
#[derive(Debug, Clone, Copy)]
pub struct DistributionData<'a> {
    /// Histogram and CDF (`Analysis::distribution`).
    pub distribution: &'a Distribution,
    /// The whole-set summary of total latency (`Analysis::latency.total`), for the markers.
    pub total: &'a LatencySummary,
}

/// The markers drawn: label and value.
fn markers(total: &LatencySummary) -> Vec<(&'static str, f64)> {
    [("p50", total.p50), ("p95", total.p95), ("p99", total.p99)]
        .into_iter()
        .filter_map(|(l, v)| v.map(|v| (l, v)))
        .collect()
}

/// Draws the histogram of total latency with p50, p95 and p99 markers.
pub fn draw_distribution<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &DistributionData<'_>,
    style: &ChartStyle,
) -> Result<ChartGeometry, ChartError> {
    let h = &data.distribution.histogram;
    prepare(root, style)?;
    if h.total == 0 {
        return draw_message(root, style, NO_ANSWERED_CALLS);
    }
    let x0 = h.start_ms;
    let tail = h.overflow > 0;
    let x1 = h.overflow_from() + if tail { h.bin_width_ms } else { 0.0 };
    let most = h
        .counts
        .iter()
        .copied()
        .chain([h.overflow])
        .max()
        .unwrap_or(0);
    let marks: Vec<(&str, f64, RGBColor)> = markers(data.total)
        .into_iter()
        .map(|(label, v)| {
            let color = match label {
                "p50" => style.p50,
                "p95" => style.p95,
                _ => style.p99,
            };
            (label, v, color)
        })
        .collect();
    let mark_text = |label: &str, v: f64| format!("{label} {}", format::millis(v));
    let mut key = vec![KeyEntry::new("Calls", Swatch::Fill(style.bars))];
    if tail {
        let label = format!("Tail ≥ {}", format::millis(h.overflow_from()));
        key.push(KeyEntry::new(label, Swatch::Fill(style.overflow)));
    }
    key.extend(
        marks
            .iter()
            .map(|&(label, v, color)| KeyEntry::new(mark_text(label, v), Swatch::Line(color, 2))),
    );
    let plot = draw_key(root, &key, style)?;
    // Headroom for the markers' labels, staggered down from the top.
    let y1 = (most as f64 * 1.2).max(1.0);
    let (w_px, h_px) = plot.dim_in_pixel();
    let y_ticks: Vec<f64> = value_ticks(0.0, y1, (h_px / 50).max(2) as usize)
        .into_iter()
        .filter(|v| v.fract() == 0.0)
        .collect();
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .margin_top(4)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(
            Ticked::new(x0, x1, value_ticks(x0, x1, (w_px / 90).max(2) as usize)),
            Ticked::new(0.0, y1, y_ticks),
        )?;
    draw_mesh(
        &mut chart,
        style,
        Axes {
            x_desc: "Total latency (ms)".to_owned(),
            y_desc: format!("Calls per {} ms", format::thousands(h.bin_width_ms as u64)),
            x_fmt: &whole_label,
            y_fmt: &whole_label,
            y_grid: true,
        },
    )?;

    let bars_color = style.bars;
    let bars = h
        .counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c > 0)
        .map(|(i, &c)| {
            let (a, b) = h.bin_range(i);
            Rectangle::new([(a, 0.0), (b, c as f64)], bars_color.filled())
        });
    chart.draw_series(bars)?;
    if tail {
        let from = h.overflow_from();
        chart.draw_series([Rectangle::new(
            [(from, 0.0), (x1, h.overflow as f64)],
            style.overflow.filled(),
        )])?;
    }
    let marker_font = font(style, style.font_px).pos(Pos::new(HPos::Left, VPos::Top));
    for (i, &(label, v, color)) in marks.iter().enumerate() {
        let x = v.clamp(x0, x1);
        chart.draw_series(LineSeries::new([(x, 0.0), (x, y1)], color.stroke_width(2)))?;
        // Staggered so close markers do not print over each other.
        let y = y1 * (0.98 - 0.07 * i as f64);
        chart.draw_series([Text::new(mark_text(label, v), (x, y), marker_font.clone())])?;
    }

    let mut geo = geometry(&chart);
    let px = |x: f64| chart.backend_coord(&(x, 0.0)).0;
    let bins = h.counts.len() + usize::from(tail);
    geo.regions = (0..bins)
        .map(|i| {
            let (a, b) = h.bin_range(i);
            HitRegion {
                axis: Axis::X,
                from: px(a),
                to: px(b).max(px(a) + 1),
                target: HitTarget::Bin(i),
            }
        })
        .collect();
    Ok(geo)
}

/// "Total latency of 1,400 calls: median 375 ms, p95 585 ms, p99 605 ms; 12 calls (0.9%) at or above 2,000 ms are in the tail bin."
pub fn summary_distribution(data: &DistributionData<'_>) -> String {
    let h = &data.distribution.histogram;
    if h.total == 0 {
        return format!("{NO_ANSWERED_CALLS}.");
    }
    let ms = format::millis_or_unknown;
    let mut s = format!(
        "Total latency of {}: median {}, p95 {}, p99 {}",
        format::calls(h.total),
        ms(data.total.p50),
        ms(data.total.p95),
        ms(data.total.p99)
    );
    if h.overflow > 0 {
        s += &format!(
            "; {} ({}) at or above {} {} in the tail bin",
            format::calls(h.overflow),
            format::percent(h.overflow as f64 / h.total as f64),
            format::millis(h.overflow_from()),
            if h.overflow == 1 { "is" } else { "are" }
        );
    }
    s + "."
}

/// One row per bin: range in ms, calls, cumulative share; the tail bin last.
pub fn table_distribution(data: &DistributionData<'_>) -> Table {
    let h = &data.distribution.histogram;
    let total = h.total.max(1) as f64;
    let mut cumulative = 0;
    let mut rows: Vec<Vec<String>> = h
        .counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            cumulative += c;
            let (a, b) = h.bin_range(i);
            vec![
                format!(
                    "{}–{}",
                    format::thousands(a as u64),
                    format::thousands(b as u64)
                ),
                format::thousands(c),
                format::percent(cumulative as f64 / total),
            ]
        })
        .collect();
    if h.overflow > 0 {
        rows.push(vec![
            format!("≥ {}", format::thousands(h.overflow_from() as u64)),
            format::thousands(h.overflow),
            format::percent(1.0),
        ]);
    }
    Table {
        headers: vec![
            "Total latency (ms)".to_owned(),
            "Calls".to_owned(),
            "Cumulative".to_owned(),
        ],
        rows,
    }
}
