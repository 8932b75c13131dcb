//! Text measurement on wasm32, patched for this project (see vendor/README.md).
//!
//! Upstream plotters 0.3.7 measures text by inserting a `<span style=...>` into the
//! page for every label: each one is a `style-src-attr` CSP violation under a strict
//! policy and forces a layout reflow. This version uses the same estimate as the
//! native `naive` backend, so the browser draws exactly what native tests check.

use super::{FontData, FontFamily, FontStyle, LayoutBox};

#[derive(Debug, Clone)]
pub enum FontError {
    UnknownError,
}

impl std::fmt::Display for FontError {
    fn fmt(&self, fmt: &mut std::fmt::Formatter) -> Result<(), std::fmt::Error> {
        match self {
            _ => write!(fmt, "Unknown error"),
        }
    }
}

impl std::error::Error for FontError {}

#[derive(Clone)]
pub struct FontDataInternal(String, String);

impl FontData for FontDataInternal {
    type ErrorType = FontError;
    fn new(family: FontFamily, style: FontStyle) -> Result<Self, FontError> {
        Ok(FontDataInternal(
            family.as_str().into(),
            style.as_str().into(),
        ))
    }

    fn estimate_layout(&self, size: f64, text: &str) -> Result<LayoutBox, Self::ErrorType> {
        let em = size / 1.24 / 1.24;
        Ok((
            (0, -em.round() as i32),
            (
                (em * 0.7 * text.chars().count() as f64).round() as i32,
                (em * 0.24).round() as i32,
            ),
        ))
    }
}
