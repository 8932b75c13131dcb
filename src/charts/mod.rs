//! Charts drawn with plotters, generic over `DrawingBackend`: the same function draws
//! to the page's canvas in the browser and to an SVG string in native tests.
//!
//! Each chart has three faces: `draw_*` draws it into a drawing area (sized by the area,
//! so the UI redraws on resize) and returns a [`ChartGeometry`] for tooltips and clicks;
//! `summary_*` is a sentence or two for screen readers; `table_*` is its data as a
//! [`Table`] for the "show as table" view. With no data a chart draws [`NO_CALLS`]
//! (latency charts: [`NO_ANSWERED_CALLS`]).
//!
//! - [`draw_latency`]: per time bucket, a stacked area of the mean carrier, AI and
//!   gateway latency (means add up, so the stack's top is the mean total: the segment
//!   budget), with the total's p50 and p95 as lines and the SLO as a dashed line. Chosen
//!   over six per-segment percentile lines, which tangle; the per-segment p50/p95 are in
//!   the table and the trunk chart.
//! - [`draw_volume`]: calls per bucket as bars stacked by outcome.
//! - [`draw_distribution`]: histogram of total latency, tail bin, p50/p95/p99 markers.
//! - [`draw_trunks`]: per trunk, worst first, a bar per segment: light to p95, solid to p50.
//! - [`draw_heatmap`]: weekday × hour cells coloured by calls or p95 total latency
//!   ([`HeatmapMode`]); its hit regions are cells ([`HitTarget::Cell`]).
//!
//! Each chart's key is a band of entries above its plot, wrapped into rows on narrow
//! screens, so it never covers data. Line series are thinned to two points per pixel
//! column ([`thin_min_max`]) before drawing. Colours come from [`ChartStyle`] (light and dark palettes).

mod distribution;
mod error;
mod frame;
mod geometry;
mod heatmap;
mod latency;
mod registry;
mod style;
mod table;
mod thin;
mod trunks;
mod volume;

pub use distribution::{
    draw_distribution, summary_distribution, table_distribution, DistributionData,
};
pub use error::ChartError;
pub use frame::{NO_ANSWERED_CALLS, NO_CALLS};
pub use geometry::{Axis, ChartGeometry, Hit, HitRegion, HitTarget, PixelRect};
pub use heatmap::{
    draw_heatmap, summary_heatmap, table_heatmap, tooltip_heatmap, HeatmapData, HeatmapMode,
};
pub use latency::{draw_latency, summary_latency, table_latency, LatencyData};
pub use registry::{pick, ChartKind, ChartOptions, TRUNK_CHART_ROWS};
pub use style::ChartStyle;
pub use table::Table;
pub use thin::thin_min_max;
pub use trunks::{draw_trunks, summary_trunks, table_trunks, TrunkData};
pub use volume::{draw_volume, summary_volume, table_volume, VolumeData};

/// The drawing area an SVG chart is drawn on.
pub type SvgArea<'a> =
    plotters::drawing::DrawingArea<plotters::prelude::SVGBackend<'a>, plotters::coord::Shift>;

/// Draws a chart into an SVG document of `width` × `height` pixels: what the browser
/// puts on the page and what native tests read. An error still yields a (blank) SVG.
pub fn render_svg(
    width: u32,
    height: u32,
    draw: impl FnOnce(&SvgArea<'_>) -> Result<ChartGeometry, ChartError>,
) -> (String, Result<ChartGeometry, ChartError>) {
    use plotters::prelude::IntoDrawingArea;
    let mut svg = String::new();
    let result = {
        let root = plotters::prelude::SVGBackend::with_string(&mut svg, (width, height))
            .into_drawing_area();
        let geometry = draw(&root);
        let presented = root.present().map_err(ChartError::from);
        geometry.and_then(|g| presented.map(|()| g))
    };
    (svg, result)
}
