//! [`Distribution`]: histogram and CDF of total latency.

/// Most regular bins a histogram gets; the width is the smallest nice number that fits.
pub const MAX_BINS: usize = 60;

/// Bins of equal, nice width from the smallest value to the 99.9th percentile, plus an overflow bin.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Histogram {
    /// Left edge of the first bin in ms (a multiple of the width).
    pub start_ms: f64,
    /// Width of every regular bin in ms: 1, 2 or 5 times a power of ten.
    pub bin_width_ms: f64,
    /// Calls per bin; bin `i` is `[start + i·width, start + (i+1)·width)`.
    pub counts: Vec<u64>,
    /// Calls at or above the last bin's right edge (the tail beyond p99.9).
    pub overflow: u64,
    /// All calls counted, overflow included.
    pub total: u64,
}

impl Histogram {
    /// Bins values sorted ascending.
    pub fn from_sorted(sorted: &[u32]) -> Self {
        let (Some(&lo), Some(hi)) = (sorted.first(), super::percentile_sorted(sorted, 99.9)) else {
            return Histogram::default();
        };
        let lo = f64::from(lo);
        let (start, width, bins) = nice_bins(lo, hi);
        let below = |edge: f64| sorted.partition_point(|&v| f64::from(v) < edge);
        let mut counts = Vec::with_capacity(bins);
        let mut prev = 0;
        for i in 1..=bins {
            let next = below(start + width * i as f64);
            counts.push((next - prev) as u64);
            prev = next;
        }
        Histogram {
            start_ms: start,
            bin_width_ms: width,
            counts,
            overflow: (sorted.len() - prev) as u64,
            total: sorted.len() as u64,
        }
    }

    /// The edges `[from, to)` of bin `i` in ms.
    pub fn bin_range(&self, i: usize) -> (f64, f64) {
        let from = self.start_ms + self.bin_width_ms * i as f64;
        (from, from + self.bin_width_ms)
    }

    /// Where the overflow bin starts: the right edge of the last regular bin.
    pub fn overflow_from(&self) -> f64 {
        self.bin_range(self.counts.len()).0
    }
}

/// The smallest nice width (1, 2, 5 × 10^k ms, at least 1 ms) giving at most
/// [`MAX_BINS`] bins from `lo` through `hi`; returns (start, width, bins).
fn nice_bins(lo: f64, hi: f64) -> (f64, f64, usize) {
    let mut power = 1.0;
    loop {
        for m in [1.0, 2.0, 5.0] {
            let width = m * power;
            let start = (lo / width).floor() * width;
            let bins = ((hi - start) / width).floor() as usize + 1;
            if bins <= MAX_BINS {
                return (start, width, bins);
            }
        }
        power *= 10.0;
    }
}

/// One point of the cumulative distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CdfPoint {
    /// Latency in ms.
    pub ms: f64,
    /// Share of calls with latency at or below `ms`.
    pub share: f64,
}

/// Histogram and CDF of total latency over the latency calls.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Distribution {
    /// The histogram.
    pub histogram: Histogram,
    /// CDF at the histogram's left edge, each bin's right edge below the maximum, and the maximum.
    pub cdf: Vec<CdfPoint>,
}

impl Distribution {
    /// Histogram and CDF of values sorted ascending.
    pub fn from_sorted(sorted: &[u32]) -> Self {
        let histogram = Histogram::from_sorted(sorted);
        let Some(&max) = sorted.last() else {
            return Distribution::default();
        };
        let n = sorted.len() as f64;
        let at = |ms: f64| CdfPoint {
            ms,
            share: sorted.partition_point(|&v| f64::from(v) <= ms) as f64 / n,
        };
        let max = f64::from(max);
        let mut cdf: Vec<CdfPoint> = (0..=histogram.counts.len())
            .map(|i| histogram.bin_range(i).0)
            .filter(|&ms| ms < max)
            .map(at)
            .collect();
        cdf.push(CdfPoint {
            ms: max,
            share: 1.0,
        });
        Distribution { histogram, cdf }
    }
}
