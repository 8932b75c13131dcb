//! Per-trunk comparison: for each trunk, worst first, one bar per segment, p95 light and p50 solid.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame::{
    draw_key, draw_mesh, draw_message, geometry, prepare, value_ticks, whole_label, Axes, KeyEntry,
    Swatch, Ticked, NO_ANSWERED_CALLS,
};
use super::{Axis, ChartError, ChartGeometry, ChartStyle, HitRegion, HitTarget, Table};
use crate::format;
use crate::stats::{Segment, TrunkRow};
use crate::trunks::shorten;

/// What the trunk chart shows.
#[derive(Debug, Clone, Copy)]
pub struct TrunkData<'a> {
    /// Rows in the order to show, top first (`Analysis::trunks` is worst first).
    pub rows: &'a [TrunkRow],
    /// Most trunks drawn; the table lists all.
    pub max_rows: usize,
}

/// Longest trunk id printed on the axis; longer ones end in `…`.
const LABEL_CHARS: usize = 16;

fn shown<'a>(data: &TrunkData<'a>) -> Vec<&'a TrunkRow> {
    data.rows
        .iter()
        .filter(|r| r.latency_calls > 0)
        .take(data.max_rows.max(1))
        .collect()
}

/// Draws the trunk comparison: rows top to bottom in the given order.
pub fn draw_trunks<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &TrunkData<'_>,
    style: &ChartStyle,
) -> Result<ChartGeometry, ChartError> {
    let rows = shown(data);
    prepare(root, style)?;
    if rows.is_empty() {
        return draw_message(root, style, NO_ANSWERED_CALLS);
    }
    let n = rows.len() as f64;
    let most = rows
        .iter()
        .flat_map(|r| Segment::PARTS.map(|s| r.p95.get(s).unwrap_or(0.0)))
        .fold(0.0, f64::max);
    let x1 = (most * 1.1).max(1.0);
    let key: Vec<KeyEntry> = Segment::PARTS
        .iter()
        .map(|&s| KeyEntry::new(s.label(), Swatch::Fill(style.segment(s))))
        .collect();
    let plot = draw_key(root, &key, style)?;
    let (w_px, _) = plot.dim_in_pixel();
    // Row i (top first) occupies y from n − i − 1 to n − i; its label sits at the middle.
    let label_points: Vec<f64> = (0..rows.len()).map(|i| i as f64 + 0.5).collect();
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .margin_top(4)
        .x_label_area_size(36)
        .y_label_area_size(120)
        .build_cartesian_2d(
            Ticked::new(0.0, x1, value_ticks(0.0, x1, (w_px / 90).max(2) as usize)),
            Ticked::new(0.0, n, label_points),
        )?;
    let ids: Vec<String> = rows
        .iter()
        .map(|r| shorten(r.label(), LABEL_CHARS))
        .collect();
    let y_fmt = |y: &f64| {
        let slot = y.floor() as usize;
        ids.get(ids.len().wrapping_sub(slot + 1))
            .cloned()
            .unwrap_or_default()
    };
    draw_mesh(
        &mut chart,
        style,
        Axes {
            x_desc: "Latency (ms): light bar p95, solid bar p50".to_owned(),
            y_desc: "Trunk".to_owned(),
            x_fmt: &whole_label,
            y_fmt: &y_fmt,
            y_grid: false,
        },
    )?;

    for (k, s) in Segment::PARTS.into_iter().enumerate() {
        let color = style.segment(s);
        // Three bands per row, 80% of the row in all, carrier at the top.
        let band = |i: usize| {
            let top = n - i as f64 - 0.1 - 0.8 * k as f64 / 3.0;
            (top - 0.8 / 3.0, top)
        };
        let p95 = rows.iter().enumerate().filter_map(|(i, r)| {
            let (lo, hi) = band(i);
            r.p95.get(s).map(|v| {
                Rectangle::new([(0.0, lo + 0.02), (v, hi - 0.02)], color.mix(0.4).filled())
            })
        });
        chart.draw_series(p95)?;
        let p50 = rows.iter().enumerate().filter_map(|(i, r)| {
            let (lo, hi) = band(i);
            let inset = (hi - lo) * 0.25;
            r.p50
                .get(s)
                .map(|v| Rectangle::new([(0.0, lo + inset), (v, hi - inset)], color.filled()))
        });
        chart.draw_series(p50)?;
    }

    let mut geo = geometry(&chart);
    let py = |y: f64| chart.backend_coord(&(0.0, y)).1;
    geo.regions = rows
        .iter()
        .enumerate()
        .map(|(i, r)| HitRegion {
            axis: Axis::Y,
            from: py(n - i as f64),
            to: py(n - i as f64 - 1.0).max(py(n - i as f64) + 1),
            target: HitTarget::Trunk(r.trunk_id.clone()),
        })
        .collect();
    Ok(geo)
}

/// "Worst of 12 trunks by p95 total latency: conn_b at 1,240 ms (carrier 90 ms, AI 1,100 ms, gateway 50 ms at p95)."
pub fn summary_trunks(data: &TrunkData<'_>) -> String {
    let Some(worst) = data.rows.iter().find(|r| r.latency_calls > 0) else {
        return format!("{NO_ANSWERED_CALLS}.");
    };
    let ms = format::millis_or_unknown;
    let parts: Vec<String> = Segment::PARTS
        .iter()
        .map(|&s| format!("{} {}", s.label(), ms(*worst.p95.get(s))))
        .collect();
    format!(
        "Worst of {} trunks by p95 total latency: {} at {} ({} at p95).",
        format::thousands(data.rows.len() as u64),
        worst.label(),
        ms(worst.p95.total),
        parts.join(", ")
    )
}

/// One row per trunk: id, calls, failure share, then p50 and p95 of each segment and the total.
pub fn table_trunks(data: &TrunkData<'_>) -> Table {
    let ms = format::millis_or_unknown;
    let mut headers = ["Trunk", "Trunk id", "Calls", "Failed"]
        .map(str::to_owned)
        .to_vec();
    for s in Segment::ALL {
        headers.push(format!("{} p50", s.label()));
        headers.push(format!("{} p95", s.label()));
    }
    let rows = data
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                r.label().to_owned(),
                r.trunk_id.clone(),
                format::thousands(r.calls),
                format::percent_or_unknown(r.failure_share()),
            ];
            for s in Segment::ALL {
                row.push(ms(*r.p50.get(s)));
                row.push(ms(*r.p95.get(s)));
            }
            row
        })
        .collect();
    Table { headers, rows }
}
