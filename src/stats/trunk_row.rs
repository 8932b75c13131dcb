//! [`TrunkRow`]: one trunk's calls, failure share and segment latencies, and how to sort them.

use super::{Estimate, PerSegment, Segment};
use crate::sort::{missing_last, Sort, SortDir, SortKey};

/// One trunk in the per-trunk comparison.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrunkRow {
    /// The trunk id.
    pub trunk_id: String,
    /// The trunk's name, where `/v1/trunks` gives one (see [`TrunkRow::named`]).
    pub name: Option<String>,
    /// All calls of the trunk, any status.
    pub calls: u64,
    /// Failed calls of the trunk.
    pub failed: u64,
    /// Connected calls of the trunk.
    pub connected: u64,
    /// Calls that count for latency (see the module doc of `stats`).
    pub latency_calls: usize,
    /// Mean of each segment in ms over the latency calls.
    pub mean: PerSegment<Option<f64>>,
    /// Median of each segment in ms.
    pub p50: PerSegment<Option<f64>>,
    /// 95th percentile of each segment in ms.
    pub p95: PerSegment<Option<f64>>,
    /// When the row is estimated from a sample (`Analysis::compute_sampled`): the 95 %
    /// intervals of `p50` and `p95` (which then hold the estimates); `None` when exact.
    pub intervals: Option<PerSegment<[Option<Estimate>; 2]>>,
}

impl TrunkRow {
    /// What the trunk is called on screen: its name, else its id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.trunk_id)
    }

    /// Names every row from `dir` (the analysis itself knows only ids).
    pub fn named(rows: &mut [TrunkRow], dir: &crate::trunks::TrunkDirectory) {
        for r in rows {
            r.name = dir.name(&r.trunk_id).map(str::to_owned);
        }
    }

    /// Connected calls over all calls of the trunk; `None` without calls.
    pub fn connected_share(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.connected as f64 / self.calls as f64)
    }

    /// Failed calls over all calls of the trunk; `None` without calls.
    pub fn failure_share(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.failed as f64 / self.calls as f64)
    }
}

/// A column of the per-trunk table to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrunkColumn {
    /// The trunk's name (else id), alphabetically.
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

impl SortKey for TrunkColumn {
    fn first_dir(self) -> SortDir {
        match self {
            TrunkColumn::Trunk => SortDir::Asc,
            _ => SortDir::Desc,
        }
    }
}

/// How the per-trunk table is sorted.
pub type TrunkSort = Sort<TrunkColumn>;

/// The default order: worst first, by p95 of total latency, largest first.
pub const WORST_FIRST: TrunkSort = Sort {
    column: TrunkColumn::P95(Segment::Total),
    dir: SortDir::Desc,
};

/// Sorts rows by a column; missing values go last in either direction and ties go by trunk id.
pub fn sort_trunks(rows: &mut [TrunkRow], sort: TrunkSort) {
    let dir = sort.dir;
    rows.sort_by(|a, b| {
        let by_column = match sort.column {
            TrunkColumn::Trunk => dir.apply(a.label().cmp(b.label())),
            TrunkColumn::Calls => dir.apply(a.calls.cmp(&b.calls)),
            TrunkColumn::FailureShare => missing_last(a.failure_share(), b.failure_share(), dir),
            TrunkColumn::Mean(s) => missing_last(*a.mean.get(s), *b.mean.get(s), dir),
            TrunkColumn::P50(s) => missing_last(*a.p50.get(s), *b.p50.get(s), dir),
            TrunkColumn::P95(s) => missing_last(*a.p95.get(s), *b.p95.get(s), dir),
        };
        by_column.then_with(|| a.trunk_id.cmp(&b.trunk_id))
    });
}
