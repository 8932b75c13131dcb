//! When calls happen: a weekday × hour grid (7 rows, Monday on top, × 24 hours), each
//! cell coloured by its calls or, switched, by its p95 total latency.

use chrono::Weekday;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame::{
    draw_key, draw_mesh, draw_message, geometry, prepare, Axes, KeyEntry, Swatch, Ticked,
    NO_ANSWERED_CALLS, NO_CALLS,
};
use super::{Axis, ChartError, ChartGeometry, ChartStyle, HitRegion, HitTarget, Table};
use crate::api::TimeZoneMode;
use crate::format;
use crate::stats::{cell_label, HeatCell, Heatmap, WEEKDAYS};

/// What the cells' colour shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HeatmapMode {
    /// Calls per cell.
    #[default]
    Calls,
    /// p95 total latency per cell, over its latency calls.
    P95Latency,
}

impl HeatmapMode {
    /// Both modes, in the order the switch offers them.
    pub const ALL: [HeatmapMode; 2] = [HeatmapMode::Calls, HeatmapMode::P95Latency];

    /// The switch's label.
    pub fn label(self) -> &'static str {
        match self {
            HeatmapMode::Calls => "Calls",
            HeatmapMode::P95Latency => "p95 latency",
        }
    }

    /// The value a cell is coloured by; `None` when the cell has none.
    fn value(self, c: &HeatCell) -> Option<f64> {
        match self {
            HeatmapMode::Calls => (c.calls > 0).then_some(c.calls as f64),
            HeatmapMode::P95Latency => c.p95_total_ms,
        }
    }

    /// A value as the key and the table print it.
    fn format(self, v: f64) -> String {
        match self {
            HeatmapMode::Calls => format::thousands(v.round() as u64),
            HeatmapMode::P95Latency => format::millis(v),
        }
    }
}

/// What the heatmap shows.
#[derive(Debug, Clone, Copy)]
pub struct HeatmapData<'a> {
    /// The binned calls (`Heatmap::compute` in the zone of `tz`).
    pub heatmap: &'a Heatmap,
    /// Calls or p95 latency.
    pub mode: HeatmapMode,
    /// The zone the hours are in (for labels).
    pub tz: TimeZoneMode,
}

/// The largest value of the mode, when any cell has one.
fn max_value(data: &HeatmapData<'_>) -> Option<f64> {
    match data.mode {
        HeatmapMode::Calls => Some(data.heatmap.max_calls() as f64).filter(|m| *m > 0.0),
        HeatmapMode::P95Latency => data.heatmap.max_p95(),
    }
}

/// The colour of a value on a 0..`max` scale of `base`, tinted over the background
/// (light cells low, full colour high), so both themes keep their contrast.
fn shade(style: &ChartStyle, base: RGBColor, v: f64, max: f64) -> RGBColor {
    let share = if max > 0.0 {
        (v / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    style.tint(base, 0.15 + 0.85 * share)
}

/// The scale's colour: the bars' for calls, the p95's for latency.
fn base_color(style: &ChartStyle, mode: HeatmapMode) -> RGBColor {
    match mode {
        HeatmapMode::Calls => style.bars,
        HeatmapMode::P95Latency => style.p95,
    }
}

/// Steps of the key's scale.
const KEY_STEPS: u32 = 4;

/// Draws the heatmap: Monday on top, hours 00–23 left to right; a cell without a value
/// (no calls, or no latency call) is drawn in the grid colour.
pub fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &HeatmapData<'_>,
    style: &ChartStyle,
) -> Result<ChartGeometry, ChartError> {
    prepare(root, style)?;
    let Some(max) = max_value(data) else {
        let message = match data.mode {
            HeatmapMode::Calls => NO_CALLS,
            HeatmapMode::P95Latency if data.heatmap.is_empty() => NO_CALLS,
            HeatmapMode::P95Latency => NO_ANSWERED_CALLS,
        };
        return draw_message(root, style, message);
    };
    let base = base_color(style, data.mode);
    let empty_label = match data.mode {
        HeatmapMode::Calls => "No calls",
        HeatmapMode::P95Latency => "No latency calls",
    };
    let mut key = vec![KeyEntry::new(empty_label, Swatch::Fill(style.grid))];
    key.extend((1..=KEY_STEPS).map(|i| {
        let upper = max * f64::from(i) / f64::from(KEY_STEPS);
        KeyEntry::new(
            format!("≤ {}", data.mode.format(upper)),
            Swatch::Fill(shade(style, base, upper, max)),
        )
    }));
    let plot = draw_key(root, &key, style)?;
    let (w_px, _) = plot.dim_in_pixel();
    // Every hour labelled when there is room, else every 2nd, 3rd or 6th.
    let per_hour = f64::from(w_px.saturating_sub(70)) / 24.0;
    let step = [1usize, 2, 3, 6]
        .into_iter()
        .find(|&s| per_hour * s as f64 >= 26.0)
        .unwrap_or(6);
    let x_ticks: Vec<f64> = (0..24).step_by(step).map(|h| h as f64 + 0.5).collect();
    let y_ticks: Vec<f64> = (0..7).map(|d| d as f64 + 0.5).collect();
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .margin_top(4)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(
            Ticked::new(0.0, 24.0, x_ticks),
            Ticked::new(0.0, 7.0, y_ticks),
        )?;
    let x_fmt = |x: &f64| format!("{:02}", x.floor() as u32);
    let y_fmt = |y: &f64| {
        let row = 6usize.saturating_sub(y.floor().max(0.0) as usize);
        WEEKDAYS
            .get(row)
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    draw_mesh(
        &mut chart,
        style,
        Axes {
            x_desc: format!("Hour of the day ({})", format::zone_label(data.tz)),
            y_desc: String::new(),
            x_fmt: &x_fmt,
            y_fmt: &y_fmt,
            y_grid: false,
        },
    )?;

    let top_of = |d: usize| 7.0 - d as f64;
    let cells = data.heatmap.iter().map(|(wd, hour, cell)| {
        let d = wd.num_days_from_monday() as usize;
        let h = f64::from(hour);
        let color = data
            .mode
            .value(cell)
            .map_or(style.grid, |v| shade(style, base, v, max));
        Rectangle::new(
            [(h + 0.04, top_of(d) - 0.06), (h + 0.96, top_of(d) - 0.94)],
            color.filled(),
        )
    });
    chart.draw_series(cells)?;

    let mut geo = geometry(&chart);
    geo.regions = data
        .heatmap
        .iter()
        .map(|(weekday, hour, _)| {
            let d = weekday.num_days_from_monday() as usize;
            let h = f64::from(hour);
            let (left, top) = chart.backend_coord(&(h, top_of(d)));
            let (right, bottom) = chart.backend_coord(&(h + 1.0, top_of(d) - 1.0));
            HitRegion {
                axis: Axis::Cell {
                    top,
                    bottom: bottom.max(top + 1),
                },
                from: left,
                to: right.max(left + 1),
                target: HitTarget::Cell { weekday, hour },
            }
        })
        .collect();
    Ok(geo)
}

/// "busiest: Tue 14:00–15:00, 312 calls; 1,523 calls in all (hours in UTC)." or, for
/// p95: "worst p95 total latency: Tue 14:00–15:00, 1,240 ms over 85 latency calls
/// (hours in UTC)."
pub fn summary_heatmap(data: &HeatmapData<'_>) -> String {
    let h = data.heatmap;
    let zone = format::zone_label(data.tz);
    match data.mode {
        HeatmapMode::Calls => match h.busiest() {
            Some((wd, hour, c)) => format!(
                "busiest: {}, {}; {} in all (hours in {zone}).",
                cell_label(wd, hour),
                format::calls(c.calls),
                format::calls(h.total_calls())
            ),
            None => format!("{NO_CALLS}."),
        },
        HeatmapMode::P95Latency => match h.worst_p95() {
            Some((wd, hour, c)) => format!(
                "worst p95 total latency: {}, {} over {} latency {} (hours in {zone}).",
                cell_label(wd, hour),
                format::millis_or_unknown(c.p95_total_ms),
                format::thousands(c.latency_calls),
                if c.latency_calls == 1 {
                    "call"
                } else {
                    "calls"
                }
            ),
            None if h.is_empty() => format!("{NO_CALLS}."),
            None => format!("{NO_ANSWERED_CALLS}."),
        },
    }
}

/// The tooltip of a cell: "Tue 14:00–15:00 · 312 calls · p95 total 1,240 ms".
pub fn tooltip_heatmap(data: &HeatmapData<'_>, weekday: Weekday, hour: u32) -> String {
    let c = data.heatmap.cell(weekday, hour);
    format!(
        "{} · {} · p95 total {}",
        cell_label(weekday, hour),
        format::calls(c.calls),
        format::millis_or_unknown(c.p95_total_ms)
    )
}

/// The grid as a table: a row per weekday, a column per hour, each cell the mode's
/// value ("–" for a cell without latency calls in p95 mode; 0 calls is a count).
pub fn table_heatmap(data: &HeatmapData<'_>) -> Table {
    let unit = match data.mode {
        HeatmapMode::Calls => "calls",
        HeatmapMode::P95Latency => "p95 total ms",
    };
    let mut headers = vec![format!(
        "Weekday ({unit}, hours in {})",
        format::zone_label(data.tz)
    )];
    headers.extend((0..24).map(|h| format!("{h:02}:00")));
    let rows = WEEKDAYS
        .iter()
        .map(|&wd| {
            let mut row = vec![wd.to_string()];
            row.extend((0..24).map(|hour| {
                let c = data.heatmap.cell(wd, hour);
                match data.mode {
                    HeatmapMode::Calls => format::thousands(c.calls),
                    HeatmapMode::P95Latency => format::millis_or_unknown(c.p95_total_ms),
                }
            }));
            row
        })
        .collect();
    Table { headers, rows }
}
