//! What every chart shares: the size check, the background, the "no calls" message,
//! the key above the plot, fonts, time ticks and reading the geometry back from plotters.

use chrono::{DateTime, Local, Offset, Utc};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ChartError, ChartGeometry, ChartStyle, PixelRect};
use crate::api::TimeZoneMode;
use crate::format;

/// The message drawn instead of a chart without data.
pub const NO_CALLS: &str = "No calls in this range";

/// What a latency chart draws when no call in the range was answered: latency is
/// measured on connected and disconnected calls only, so failed calls alone draw this.
pub const NO_ANSWERED_CALLS: &str =
    "No answered calls in this range (latency counts connected and disconnected calls)";

const MIN_W: u32 = 160;
const MIN_H: u32 = 100;

/// Checks the size and fills the background.
pub(super) fn prepare<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    style: &ChartStyle,
) -> Result<(), ChartError> {
    let (w, h) = root.dim_in_pixel();
    if w < MIN_W || h < MIN_H {
        return Err(ChartError::TooSmall {
            w,
            h,
            min_w: MIN_W,
            min_h: MIN_H,
        });
    }
    root.fill(&style.background)?;
    Ok(())
}

/// A text style in the chart's font and text colour.
pub(super) fn font(style: &ChartStyle, px: u32) -> TextStyle<'static> {
    (style.font_family, px).into_font().color(&style.text)
}

/// Draws `message` in the middle of the area, in as many lines as the width needs, and
/// returns a geometry without regions, marked empty.
pub(super) fn draw_message<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    style: &ChartStyle,
    message: &str,
) -> Result<ChartGeometry, ChartError> {
    let (w, h) = root.dim_in_pixel();
    let text = font(style, style.font_px + 2);
    let fits = |line: &str| {
        root.estimate_text_size(line, &text)
            .map_or(true, |(lw, _)| lw + 2 * MESSAGE_PADDING <= w)
    };
    let mut lines: Vec<String> = Vec::new();
    for word in message.split_whitespace() {
        match lines.last_mut() {
            Some(line) if fits(&format!("{line} {word}")) => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    let line_h = (style.font_px + 2) as i32 * 3 / 2;
    let first = h as i32 / 2 - line_h * (lines.len() as i32 - 1) / 2;
    let centered = text.pos(Pos::new(HPos::Center, VPos::Center));
    for (i, line) in lines.iter().enumerate() {
        root.draw_text(line, &centered, (w as i32 / 2, first + i as i32 * line_h))?;
    }
    Ok(ChartGeometry {
        empty: true,
        ..ChartGeometry::default()
    })
}

/// Space kept free left and right of a message.
const MESSAGE_PADDING: u32 = 12;

/// How a key entry shows its series.
#[derive(Clone, Copy)]
pub(super) enum Swatch {
    /// A filled box: areas and bars.
    Fill(RGBColor),
    /// A line `width` px wide: lines and markers.
    Line(RGBColor, u32),
    /// A dashed line: thresholds.
    Dashed(RGBColor, u32),
}

/// One entry of a chart's key.
pub(super) struct KeyEntry {
    /// What the series is.
    pub label: String,
    /// How it is drawn.
    pub swatch: Swatch,
}

impl KeyEntry {
    pub(super) fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        KeyEntry {
            label: label.into(),
            swatch,
        }
    }
}

const KEY_SWATCH: i32 = 14;
const KEY_GAP: i32 = 5;
const KEY_SPACING: i32 = 16;
const KEY_ROW: i32 = 18;
const KEY_MARGIN: i32 = 10;

/// Draws the chart's key in a band across the top of `root`, entries left to right and
/// wrapped into rows, and returns the area under it for the plot: the key never covers
/// data, and the plot needs no headroom kept free for it.
pub(super) fn draw_key<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[KeyEntry],
    style: &ChartStyle,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let (w, _) = root.dim_in_pixel();
    let text = font(style, style.font_px);
    let right = w as i32 - KEY_MARGIN;
    let mut placed = Vec::with_capacity(entries.len());
    let (mut x, mut row) = (KEY_MARGIN, 0);
    for entry in entries {
        let label_w = root
            .estimate_text_size(&entry.label, &text)
            .map_or(0, |(lw, _)| lw as i32);
        let width = KEY_SWATCH + KEY_GAP + label_w;
        if x > KEY_MARGIN && x + width > right {
            (x, row) = (KEY_MARGIN, row + 1);
        }
        placed.push((x, KEY_MARGIN + row * KEY_ROW + KEY_ROW / 2));
        x += width + KEY_SPACING;
    }
    let label = text.pos(Pos::new(HPos::Left, VPos::Center));
    for (entry, &(x, y)) in entries.iter().zip(&placed) {
        let end = x + KEY_SWATCH;
        match entry.swatch {
            Swatch::Fill(color) => {
                root.draw(&Rectangle::new([(x, y - 5), (end, y + 5)], color.filled()))?;
            }
            Swatch::Line(color, width) => {
                root.draw(&PathElement::new(
                    vec![(x, y), (end, y)],
                    color.stroke_width(width),
                ))?;
            }
            Swatch::Dashed(color, width) => {
                for (a, b) in [(x, x + 5), (x + 9, end)] {
                    root.draw(&PathElement::new(
                        vec![(a, y), (b, y)],
                        color.stroke_width(width),
                    ))?;
                }
            }
        }
        root.draw_text(&entry.label, &label, (end + KEY_GAP, y))?;
    }
    let rows = if entries.is_empty() { 0 } else { row + 1 };
    let band = KEY_MARGIN + rows * KEY_ROW;
    Ok(root.clone().split_vertically(band).1)
}

/// A tick label for a count or a millisecond value: `1,500`.
pub(super) fn whole_label(v: &f64) -> String {
    format::thousands(v.max(0.0).round() as u64)
}

/// A time chart's frame on `plot`: x is Unix seconds over `x0..x1` with time ticks in
/// `tz`, y runs from 0 to `y1` with marks at `y_ticks`; the mesh is drawn with the
/// axis titles (`Time (zone)` and `y_desc`).
pub(super) fn time_frame<'a, DB: DrawingBackend + 'a>(
    plot: &'a DrawingArea<DB, Shift>,
    (x0, x1): (f64, f64),
    tz: TimeZoneMode,
    (y1, y_ticks): (f64, Vec<f64>),
    y_desc: String,
    style: &ChartStyle,
) -> Result<ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>, ChartError> {
    let (w_px, _) = plot.dim_in_pixel();
    let (ticks, step) = time_ticks(x0, x1, tz, (w_px / TICK_SPACING_PX).max(2) as usize);
    let mut chart = ChartBuilder::on(plot)
        .margin(10)
        .margin_top(4)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(Ticked::new(x0, x1, ticks), Ticked::new(0.0, y1, y_ticks))?;
    let span_s = (x1 - x0) as i64;
    let x_fmt = |x: &f64| format::time_tick(instant(*x), tz, step, span_s);
    draw_mesh(
        &mut chart,
        style,
        Axes {
            x_desc: format!("Time ({})", format::zone_label(tz)),
            y_desc,
            x_fmt: &x_fmt,
            y_fmt: &whole_label,
            y_grid: true,
        },
    )?;
    Ok(chart)
}

/// Value ticks from 0 to `y1` for a plot `h_px` high: about one every 50 px.
pub(super) fn y_ticks(y1: f64, h_px: u32) -> Vec<f64> {
    value_ticks(0.0, y1, (h_px / 50).max(2) as usize)
}

/// Axis titles and tick labels of a chart.
pub(super) struct Axes<'f> {
    /// Title under the x axis, units included.
    pub x_desc: String,
    /// Title beside the y axis, units included.
    pub y_desc: String,
    /// Tick labels on x.
    pub x_fmt: &'f dyn Fn(&f64) -> String,
    /// Tick labels on y.
    pub y_fmt: &'f dyn Fn(&f64) -> String,
    /// Horizontal grid lines (off where rows are categories).
    pub y_grid: bool,
}

/// Draws the grid, axes and labels in the style every chart shares.
pub(super) fn draw_mesh<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>,
    style: &ChartStyle,
    axes: Axes<'_>,
) -> Result<(), ChartError> {
    let mut mesh = chart.configure_mesh();
    if !axes.y_grid {
        mesh.disable_y_mesh();
    }
    mesh.bold_line_style(style.grid)
        .axis_style(style.axis)
        .label_style(font(style, style.font_px))
        .axis_desc_style(font(style, style.font_px))
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .x_label_formatter(axes.x_fmt)
        .y_label_formatter(axes.y_fmt)
        .draw()?;
    Ok(())
}

/// An f64 axis with ticks chosen here (plotters' `WithKeyPoints` over f64 offers no
/// label formatter, so the mesh could not print our units).
#[derive(Clone)]
pub(super) struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ticked {
    /// The axis from `lo` to `hi` with tick marks at `ticks`.
    pub(super) fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Self {
        Ticked { lo, hi, ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        RangedCoordf64::from(self.lo..self.hi).map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// The cartesian coordinates every chart here uses.
pub(super) type Coords = Cartesian2d<Ticked, Ticked>;

/// The plot's pixel rectangle and data ranges, read from plotters' own mapping.
pub(super) fn geometry<DB: DrawingBackend>(chart: &ChartContext<'_, DB, Coords>) -> ChartGeometry {
    let (x, y) = (chart.x_range(), chart.y_range());
    let (left, bottom) = chart.backend_coord(&(x.start, y.start));
    let (right, top) = chart.backend_coord(&(x.end, y.end));
    ChartGeometry {
        plot: PixelRect {
            left,
            top,
            right,
            bottom,
        },
        x_range: (x.start, x.end),
        y_range: (y.start, y.end),
        regions: Vec::new(),
        empty: false,
    }
}

/// About `n` nice tick values from `lo` to `hi` (1, 2, 5 × 10^k apart).
pub(super) fn value_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    RangedCoordf64::from(lo..hi).key_points(n.max(2))
}

/// Room per time-axis label, in px of the chart's width: a 375 px phone gets four
/// ticks, so a week reads Sun 15, Tue 17, Thu 19 rather than one lone label.
pub(super) const TICK_SPACING_PX: u32 = 75;

/// Steps a time axis may use, in seconds: 1, 5, 15, 30 min, 1, 3, 6, 12 h, 1, 2, 7 days.
const TIME_STEPS: [i64; 11] = [
    60, 300, 900, 1800, 3600, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800,
];

/// Tick instants (Unix seconds) from `lo` to `hi`, at most `max_ticks`, on round
/// local-clock values of the chosen zone; returns the ticks and the step.
pub(super) fn time_ticks(lo: f64, hi: f64, tz: TimeZoneMode, max_ticks: usize) -> (Vec<f64>, i64) {
    let span = (hi - lo).max(1.0);
    let step = TIME_STEPS
        .into_iter()
        .find(|&s| span / s as f64 <= max_ticks.max(1) as f64)
        .unwrap_or(604_800);
    // Align on the zone's clock (offset taken at the start; a DST change inside the
    // range shifts later ticks by an hour, which the labels still state correctly).
    let offset = match tz {
        TimeZoneMode::Utc => 0,
        TimeZoneMode::Local => DateTime::from_timestamp(lo as i64, 0).map_or(0, |t| {
            i64::from(t.with_timezone(&Local).offset().fix().local_minus_utc())
        }),
    };
    let first = ((lo as i64 + offset).div_euclid(step) + 1) * step - offset;
    let first = if (first - step) as f64 >= lo {
        first - step
    } else {
        first
    };
    let ticks = (0..)
        .map(|i| first + i * step)
        .take_while(|&t| t as f64 <= hi)
        .map(|t| t as f64)
        .collect();
    (ticks, step)
}

/// An instant from Unix seconds (the epoch if out of range, which no call is).
pub(super) fn instant(seconds: f64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds.floor() as i64, 0).unwrap_or_default()
}
