//! [`TrunkRow`]: one trunk's calls, failure share and segment latencies, and how to sort them.

use std::cmp::Ordering;

use super::{PerSegment, Segment};

/// One trunk in the per-trunk comparison.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrunkRow {
    /// The trunk id.
    pub trunk_id: String,
    /// All calls of the trunk, any status.
    pub calls: u64,
    /// Failed calls of the trunk.
    pub failed: u64,
    /// Calls that count for latency (see the module doc of `stats`).
    pub latency_calls: usize,
    /// Mean of each segment in ms over the latency calls.
    pub mean: PerSegment<Option<f64>>,
    /// Median of each segment in ms.
    pub p50: PerSegment<Option<f64>>,
    /// 95th percentile of each segment in ms.
    pub p95: PerSegment<Option<f64>>,
}

impl TrunkRow {
    /// Failed calls over all calls of the trunk; `None` without calls.
    pub fn failure_share(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.failed as f64 / self.calls as f64)
    }
}

/// A column of the per-trunk table to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrunkColumn {
    /// The trunk id, alphabetically.
    Trunk,
    /// All calls.
    Calls,
    /// Failure share.
    FailureShare,
    /// Mean of a segment.
    Mean(Segment),
    /// Median of a segment.
    P50(Segment),
    /// 95th percentile of a segment.
    P95(Segment),
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortDir {
    /// Smallest first.
    Asc,
    /// Largest first.
    #[default]
    Desc,
}

/// The default order: worst first, by p95 of total latency, largest first.
pub const WORST_FIRST: (TrunkColumn, SortDir) = (TrunkColumn::P95(Segment::Total), SortDir::Desc);

/// Sorts rows by a column; missing values go last in either direction and ties go by trunk id.
pub fn sort_trunks(rows: &mut [TrunkRow], column: TrunkColumn, dir: SortDir) {
    rows.sort_by(|a, b| {
        let by_column = match column {
            TrunkColumn::Trunk => directed(a.trunk_id.cmp(&b.trunk_id), dir),
            TrunkColumn::Calls => directed(a.calls.cmp(&b.calls), dir),
            TrunkColumn::FailureShare => {
                cmp_missing_last(a.failure_share(), b.failure_share(), dir)
            }
            TrunkColumn::Mean(s) => cmp_missing_last(*a.mean.get(s), *b.mean.get(s), dir),
            TrunkColumn::P50(s) => cmp_missing_last(*a.p50.get(s), *b.p50.get(s), dir),
            TrunkColumn::P95(s) => cmp_missing_last(*a.p95.get(s), *b.p95.get(s), dir),
        };
        by_column.then_with(|| a.trunk_id.cmp(&b.trunk_id))
    });
}

fn directed(o: Ordering, dir: SortDir) -> Ordering {
    match dir {
        SortDir::Asc => o,
        SortDir::Desc => o.reverse(),
    }
}

fn cmp_missing_last(a: Option<f64>, b: Option<f64>, dir: SortDir) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => directed(x.total_cmp(&y), dir),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}
