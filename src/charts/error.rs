//! [`ChartError`]: why a chart could not be drawn, as a sentence.

use plotters::drawing::DrawingAreaErrorKind;
use thiserror::Error;

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChartError {
    /// The area is too small to hold axes and a plot.
    #[error("The chart needs at least {min_w}×{min_h} px; it has {w}×{h}.")]
    TooSmall {
        /// Width available.
        w: u32,
        /// Height available.
        h: u32,
        /// Width needed.
        min_w: u32,
        /// Height needed.
        min_h: u32,
    },
    /// The drawing backend failed.
    #[error("The chart could not be drawn: {0}")]
    Draw(String),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}
