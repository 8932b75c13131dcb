//! What every chart shares: the size check, the background, the "no calls" message,
//! fonts, time ticks and reading the geometry back from plotters.

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

/// Draws `message` in the middle of the area and returns a geometry without regions.
pub(super) fn draw_message<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    style: &ChartStyle,
    message: &str,
) -> Result<ChartGeometry, ChartError> {
    let (w, h) = root.dim_in_pixel();
    let centered = font(style, style.font_px + 2).pos(Pos::new(HPos::Center, VPos::Center));
    root.draw_text(message, &centered, (w as i32 / 2, h as i32 / 2))?;
    Ok(ChartGeometry::default())
}

/// A tick label for a count or a millisecond value: `1,500`.
pub(super) fn whole_label(v: &f64) -> String {
    format::thousands(v.max(0.0).round() as u64)
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

/// Draws the chart's legend at `position` in the style every chart shares.
pub(super) fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    style: &ChartStyle,
) -> Result<(), ChartError> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(style.background.mix(0.85))
        .border_style(style.axis)
        .label_font(font(style, style.font_px))
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
    }
}

/// About `n` nice tick values from `lo` to `hi` (1, 2, 5 × 10^k apart).
pub(super) fn value_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    RangedCoordf64::from(lo..hi).key_points(n.max(2))
}

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
