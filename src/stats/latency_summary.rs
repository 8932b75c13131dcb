//! [`LatencySummary`]: count, mean, extremes, percentiles and SLO share of one segment.

use super::percentile_sorted;

/// Summary of one latency segment over the latency calls (see the module doc of `stats`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LatencySummary {
    /// Calls summarised.
    pub count: usize,
    /// Arithmetic mean in ms; `None` without calls.
    pub mean: Option<f64>,
    /// Smallest value in ms.
    pub min: Option<u32>,
    /// Largest value in ms.
    pub max: Option<u32>,
    /// Median (numpy linear) in ms.
    pub p50: Option<f64>,
    /// 90th percentile in ms.
    pub p90: Option<f64>,
    /// 95th percentile in ms.
    pub p95: Option<f64>,
    /// 99th percentile in ms.
    pub p99: Option<f64>,
    /// The SLO threshold in ms this summary was computed with, if any.
    pub slo_ms: Option<u32>,
    /// Calls whose value is strictly above `slo_ms` (0 without a threshold).
    pub over_slo_count: usize,
}

impl LatencySummary {
    /// Summarises values sorted ascending; `slo_ms` is the threshold a call must exceed to count as over.
    pub fn from_sorted(sorted: &[u32], slo_ms: Option<u32>) -> Self {
        let count = sorted.len();
        let sum: u64 = sorted.iter().map(|&v| u64::from(v)).sum();
        let over_slo_count = slo_ms.map_or(0, |slo| count - sorted.partition_point(|&v| v <= slo));
        LatencySummary {
            count,
            mean: (count > 0).then(|| sum as f64 / count as f64),
            min: sorted.first().copied(),
            max: sorted.last().copied(),
            p50: percentile_sorted(sorted, 50.0),
            p90: percentile_sorted(sorted, 90.0),
            p95: percentile_sorted(sorted, 95.0),
            p99: percentile_sorted(sorted, 99.0),
            slo_ms,
            over_slo_count,
        }
    }

    /// Share of calls over the SLO; `None` without a threshold or without calls.
    pub fn over_slo_share(&self) -> Option<f64> {
        self.slo_ms?;
        (self.count > 0).then(|| self.over_slo_count as f64 / self.count as f64)
    }
}
