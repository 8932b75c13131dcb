//! [`Table`]: a chart's data as rows of strings, for the "show as table" view.

/// Column headers and rows, every cell already formatted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Column headers, units included.
    pub headers: Vec<String>,
    /// One row per bucket, bin or trunk.
    pub rows: Vec<Vec<String>>,
}
