//! [`ChartStyle`]: colours and font for light and dark pages.

use plotters::style::RGBColor;

use crate::stats::{Segment, StatusKind};

/// Colours and font of every chart; pick [`ChartStyle::light`] or [`ChartStyle::dark`] to
/// match the page theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartStyle {
    /// Fill behind the chart.
    pub background: RGBColor,
    /// Labels, legend and messages.
    pub text: RGBColor,
    /// Grid lines.
    pub grid: RGBColor,
    /// Axis lines and tick marks.
    pub axis: RGBColor,
    /// Carrier segment.
    pub carrier: RGBColor,
    /// AI segment.
    pub ai: RGBColor,
    /// Gateway segment.
    pub gateway: RGBColor,
    /// Median line and p50 marker.
    pub p50: RGBColor,
    /// p95 line and marker.
    pub p95: RGBColor,
    /// p99 marker.
    pub p99: RGBColor,
    /// SLO line.
    pub slo: RGBColor,
    /// Connected calls.
    pub connected: RGBColor,
    /// Disconnected calls.
    pub disconnected: RGBColor,
    /// Failed calls.
    pub failed: RGBColor,
    /// Calls of an unknown status.
    pub other: RGBColor,
    /// Histogram bars.
    pub bars: RGBColor,
    /// The histogram's overflow (tail) bin.
    pub overflow: RGBColor,
    /// CSS font family of all text.
    pub font_family: &'static str,
    /// Font size of labels in px; titles and messages are a little larger.
    pub font_px: u32,
}

impl ChartStyle {
    /// For a white background: every colour at least 3:1 against white.
    pub fn light() -> Self {
        ChartStyle {
            background: RGBColor(0xFF, 0xFF, 0xFF),
            text: RGBColor(0x1F, 0x23, 0x28),
            grid: RGBColor(0xE1, 0xE4, 0xE8),
            axis: RGBColor(0x57, 0x60, 0x6A),
            carrier: RGBColor(0x00, 0x72, 0xB2),
            ai: RGBColor(0xB3, 0x5C, 0x00),
            gateway: RGBColor(0x00, 0x7A, 0x5A),
            p50: RGBColor(0x24, 0x29, 0x2F),
            p95: RGBColor(0xCF, 0x22, 0x2E),
            p99: RGBColor(0x82, 0x50, 0xDF),
            slo: RGBColor(0x82, 0x50, 0xDF),
            connected: RGBColor(0x1A, 0x7F, 0x37),
            disconnected: RGBColor(0x9A, 0x67, 0x00),
            failed: RGBColor(0xCF, 0x22, 0x2E),
            other: RGBColor(0x6E, 0x77, 0x81),
            bars: RGBColor(0x00, 0x72, 0xB2),
            overflow: RGBColor(0x6E, 0x77, 0x81),
            font_family: "sans-serif",
            font_px: 12,
        }
    }

    /// For the dark theme's card background (`#171B22`): light, saturated colours.
    pub fn dark() -> Self {
        ChartStyle {
            background: RGBColor(0x17, 0x1B, 0x22),
            text: RGBColor(0xE6, 0xED, 0xF3),
            grid: RGBColor(0x30, 0x36, 0x3D),
            axis: RGBColor(0x8B, 0x94, 0x9E),
            carrier: RGBColor(0x58, 0xA6, 0xFF),
            ai: RGBColor(0xF0, 0xB7, 0x2F),
            gateway: RGBColor(0x3F, 0xB9, 0x50),
            p50: RGBColor(0xE6, 0xED, 0xF3),
            p95: RGBColor(0xFF, 0x7B, 0x72),
            p99: RGBColor(0xD2, 0xA8, 0xFF),
            slo: RGBColor(0xD2, 0xA8, 0xFF),
            connected: RGBColor(0x3F, 0xB9, 0x50),
            disconnected: RGBColor(0xD2, 0x99, 0x22),
            failed: RGBColor(0xF8, 0x51, 0x49),
            other: RGBColor(0x8B, 0x94, 0x9E),
            bars: RGBColor(0x58, 0xA6, 0xFF),
            overflow: RGBColor(0x8B, 0x94, 0x9E),
            font_family: "sans-serif",
            font_px: 12,
        }
    }

    /// `c` blended over the background, `amount` of the way (opaque, so stacked
    /// areas drawn over each other keep their own colour instead of mixing).
    pub fn tint(&self, c: RGBColor, amount: f64) -> RGBColor {
        let a = amount.clamp(0.0, 1.0);
        let mix = |fg: u8, bg: u8| (f64::from(fg) * a + f64::from(bg) * (1.0 - a)).round() as u8;
        let bg = self.background;
        RGBColor(mix(c.0, bg.0), mix(c.1, bg.1), mix(c.2, bg.2))
    }

    /// The colour of a latency segment (the total uses the p95 colour).
    pub fn segment(&self, s: Segment) -> RGBColor {
        match s {
            Segment::Carrier => self.carrier,
            Segment::Ai => self.ai,
            Segment::Gateway => self.gateway,
            Segment::Total => self.p95,
        }
    }

    /// The colour of an outcome.
    pub fn status(&self, k: StatusKind) -> RGBColor {
        match k {
            StatusKind::Connected => self.connected,
            StatusKind::Disconnected => self.disconnected,
            StatusKind::Failed => self.failed,
            StatusKind::Other => self.other,
        }
    }
}

impl Default for ChartStyle {
    fn default() -> Self {
        ChartStyle::light()
    }
}
