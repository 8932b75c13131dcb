//! [`Analysis::compute`]: every statistic the dashboard shows, in one pass plus a few selections.

use rustc_hash::FxHashMap;

use chrono::{DateTime, Utc};

use super::{
    percentile_sorted, sort_trunks, BucketWidth, Distribution, Estimates, LatencySummary,
    PerSegment, Report, SampledSet, Segment, Statistic, StatusKind, TimeBucket, TimeBuckets,
    TrunkRow, MAX_BUCKETS, WORST_FIRST,
};
use crate::api::{Call, CallStatus};

/// Which calls count for latency statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LatencyCalls {
    /// Connected and disconnected calls: both carried audio, so both have real latencies.
    #[default]
    Answered,
    /// Connected calls only, as the vendor's "average latency of a trunk" example does.
    ConnectedOnly,
}

impl LatencyCalls {
    /// Whether a call of this status counts for latency.
    pub fn includes(self, status: &CallStatus) -> bool {
        match self {
            LatencyCalls::Answered => {
                matches!(status, CallStatus::Connected | CallStatus::Disconnected)
            }
            LatencyCalls::ConnectedOnly => matches!(status, CallStatus::Connected),
        }
    }
}

/// The default SLO on total latency, in ms.
pub const DEFAULT_TOTAL_SLO_MS: u32 = 800;

/// What [`Analysis::compute`] needs besides the calls.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisOptions {
    /// SLO threshold per segment in ms. Default: 800 ms on the total, none on the parts.
    pub slo_ms: PerSegment<Option<u32>>,
    /// Which calls count for latency. Default: [`LatencyCalls::Answered`].
    pub latency_calls: LatencyCalls,
    /// The filter's date bounds (as `DateRange::bounds` gives them); the buckets cover
    /// them, and the data where it reaches beyond or a bound is open. Default: both open.
    pub range: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    /// Most time buckets wanted. Default: [`MAX_BUCKETS`] (200).
    pub max_buckets: usize,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            slo_ms: PerSegment {
                total: Some(DEFAULT_TOTAL_SLO_MS),
                ..PerSegment::default()
            },
            latency_calls: LatencyCalls::default(),
            range: (None, None),
            max_buckets: MAX_BUCKETS,
        }
    }
}

/// Everything the dashboard shows about a set of calls.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Analysis {
    /// The vendor's daily report over all calls.
    pub report: Report,
    /// Whole-set summary of each segment over the latency calls.
    pub latency: PerSegment<LatencySummary>,
    /// Per-trunk rows, worst first ([`WORST_FIRST`]).
    pub trunks: Vec<TrunkRow>,
    /// Time buckets covering the range.
    pub buckets: TimeBuckets,
    /// Distribution of total latency over the latency calls.
    pub distribution: Distribution,
    /// Calls of a latency status that lack one or more latency parts: left out of
    /// every latency figure, and said so on the page.
    pub without_latency: u64,
    /// Set when the calls are a sample of a larger range ([`Analysis::compute_sampled`]):
    /// the estimated KPI figures with their intervals. The counts are then exact and
    /// everything else above describes the sample.
    pub estimates: Option<Estimates>,
}

impl Analysis {
    /// The sentence the view shows when some answered calls came without latency
    /// figures; `None` when every one had them.
    pub fn without_latency_note(&self) -> Option<String> {
        (self.without_latency > 0).then(|| {
            let n = self.without_latency;
            let verb = if n == 1 { "is" } else { "are" };
            match &self.estimates {
                Some(e) => format!(
                    "{} of the {} sampled calls came without latency figures from the API: \
                     such calls are left out of every latency figure.",
                    crate::format::thousands(n),
                    crate::format::thousands(e.read)
                ),
                None => format!(
                    "{} without latency figures from the API {verb} left out of every latency figure.",
                    crate::format::calls(n),
                ),
            }
        })
    }

    /// The statistics of a range too large to gather, from the sample `calls` that
    /// `set` describes: the charts, distribution and trunk rows are the sample's, the
    /// status counts and each time bucket's counts are the API's exact ones, and the
    /// estimated KPI figures carry intervals ([`Estimates`]). `opts.range` and
    /// `opts.max_buckets` are replaced by the set's span and strata, so the buckets are
    /// the strata.
    pub fn compute_sampled(
        calls: &[Call],
        set: &SampledSet,
        opts: &AnalysisOptions,
        replicates: usize,
    ) -> Analysis {
        let Some((lo, hi)) = set.span() else {
            return Analysis::compute(calls, opts);
        };
        let opts = AnalysisOptions {
            range: (Some(lo), Some(hi)),
            // The width the strata were cut with (the narrowest with this many buckets).
            max_buckets: set.strata.len().max(1),
            ..opts.clone()
        };
        let mut a = Analysis::compute(calls, &opts);
        a.report.counts = set.counts();
        // Trunk rows: exact call counts; latency columns from the sample (none for a
        // trunk the sample missed).
        for (id, counts) in &set.trunks {
            let row = match a.trunks.iter_mut().find(|r| &r.trunk_id == id) {
                Some(row) => row,
                None if counts.total() > 0 => {
                    a.trunks.push(TrunkRow {
                        trunk_id: id.clone(),
                        ..TrunkRow::default()
                    });
                    a.trunks.last_mut().expect("just pushed")
                }
                None => continue,
            };
            row.calls = counts.total();
            row.connected = counts.connected;
            row.failed = counts.failed;
        }
        // Each trunk's percentiles: estimates over its sampled calls (a domain of the
        // sample: the trunk's known values keep their strata weights), with intervals.
        for (i, row) in a.trunks.iter_mut().enumerate() {
            let id = row.trunk_id.clone();
            let latency_calls = opts.latency_calls;
            let mut intervals = PerSegment::<[Option<super::Estimate>; 2]>::default();
            for seg in Segment::ALL {
                let est = set.estimate_of(
                    calls,
                    |c| {
                        (c.trunk_id == id
                            && latency_calls.includes(&c.status)
                            && c.total_latency_ms().is_some())
                        .then(|| seg.of(c).map(f64::from))
                        .flatten()
                    },
                    &[Statistic::Percentile(50.0), Statistic::Percentile(95.0)],
                    replicates,
                    set.seed ^ ((i as u64 + 1) << 8 | seg as u64),
                );
                *row.p50.get_mut(seg) = est[0].map(|e| e.value);
                *row.p95.get_mut(seg) = est[1].map(|e| e.value);
                *intervals.get_mut(seg) = [est[0], est[1]];
            }
            row.intervals = Some(intervals);
        }
        if !set.trunks.is_empty() {
            sort_trunks(&mut a.trunks, WORST_FIRST);
        }
        if a.buckets.width == set.width && a.buckets.buckets.len() == set.strata.len() {
            let latency_calls = opts.latency_calls;
            for (i, (b, s)) in a.buckets.buckets.iter_mut().zip(&set.strata).enumerate() {
                b.counts = s.counts;
                // The bucket is a stratum: its sampled calls weigh alike, so the p95
                // stays the sample's; the interval comes from resampling its pages.
                let (start, end) = (s.start, s.end);
                let est = set.estimate_of(
                    calls,
                    |c| {
                        (c.start_time >= start
                            && c.start_time <= end
                            && latency_calls.includes(&c.status))
                        .then(|| c.total_latency_ms().map(f64::from))
                        .flatten()
                    },
                    &[Statistic::Percentile(95.0)],
                    replicates,
                    set.seed ^ (0xB0C0 + i as u64),
                );
                b.p95_interval = est[0];
            }
        }
        a.estimates = Some(Estimates::compute(
            set,
            calls,
            opts.slo_ms.total.unwrap_or(DEFAULT_TOTAL_SLO_MS),
            opts.latency_calls,
            replicates,
        ));
        a
    }

    /// Computes every statistic over `calls`.
    ///
    /// Cost: one pass over the calls, one sort per segment of the latency values (for
    /// the whole-set percentiles, SLO share and histogram), and for buckets and trunks a
    /// counting sort into groups followed by selection within each group.
    pub fn compute(calls: &[Call], opts: &AnalysisOptions) -> Analysis {
        let mut report = Report::default();
        // FxHash: trunk ids are short, and SipHash's DoS resistance is not needed to
        // group at most a few hundred ids in the browser.
        let mut trunk_index: FxHashMap<&str, u32> = FxHashMap::default();
        let mut trunk_ids: Vec<&str> = Vec::new();
        let n = calls.len();
        // Later passes read these compact copies, not the calls: a call is ~170 bytes,
        // and 100,000 of them do not fit in cache. Written through slices, as the
        // size-tuned release profile does not inline `Vec::push`.
        let mut trunk_of = vec![0u32; n];
        let mut seconds = vec![0i64; n];
        let mut kinds = vec![StatusKind::Other; n];
        let mut latency_idx = vec![0u32; n];
        let mut values: PerSegment<Vec<u32>> = PerSegment::from_fn(|_| vec![0u32; n]);
        let mut latency_n = 0;
        let mut without_latency = 0u64;
        let mut last_trunk: Option<(&str, u32)> = None;
        {
            let (lat_idx, carrier, ai, gateway, total) = (
                &mut latency_idx[..],
                &mut values.carrier[..],
                &mut values.ai[..],
                &mut values.gateway[..],
                &mut values.total[..],
            );
            let compact = trunk_of
                .iter_mut()
                .zip(seconds.iter_mut())
                .zip(kinds.iter_mut());
            for (i, (call, ((trunk_slot, second_slot), kind_slot))) in
                calls.iter().zip(compact).enumerate()
            {
                report.add(call);
                *kind_slot = StatusKind::of(&call.status);
                *trunk_slot = match last_trunk {
                    // Pages often hold runs of one trunk; skip the hash for them.
                    Some((id, t)) if id == call.trunk_id => t,
                    _ => {
                        let next = trunk_ids.len() as u32;
                        let t = *trunk_index.entry(&call.trunk_id).or_insert(next);
                        if t == next {
                            trunk_ids.push(&call.trunk_id);
                        }
                        last_trunk = Some((&call.trunk_id, t));
                        t
                    }
                };
                *second_slot = call.start_time.timestamp();
                if opts.latency_calls.includes(&call.status) {
                    // Unknown is not zero: a call missing any part is left out of
                    // every latency figure, and counted.
                    if let (Some(c), Some(a), Some(g), Some(t)) = (
                        call.carrier_lag_ms,
                        call.ai_latency_ms,
                        call.gateway_processing_ms,
                        call.total_latency_ms(),
                    ) {
                        lat_idx[latency_n] = i as u32;
                        carrier[latency_n] = c;
                        ai[latency_n] = a;
                        gateway[latency_n] = g;
                        total[latency_n] = t;
                        latency_n += 1;
                    } else {
                        without_latency += 1;
                    }
                }
            }
        }
        latency_idx.truncate(latency_n);
        for s in Segment::ALL {
            values.get_mut(s).truncate(latency_n);
        }

        let ordered = OrderedValues::new(&values);
        drop(values);
        let trunk_key: Vec<u32> = latency_idx.iter().map(|&i| trunk_of[i as usize]).collect();
        let trunks = trunk_rows(&kinds, &trunk_ids, &trunk_of, &ordered, &trunk_key);
        let buckets = time_buckets(&kinds, opts, &seconds, &latency_idx, &ordered);
        let latency = PerSegment::from_fn(|s| {
            LatencySummary::from_sorted(ordered.sorted.get(s), *opts.slo_ms.get(s))
        });
        let distribution = Distribution::from_sorted(&ordered.sorted.total);
        Analysis {
            report,
            latency,
            trunks,
            buckets,
            distribution,
            without_latency,
            estimates: None,
        }
    }
}

/// Mean, p50 and p95 of each segment in one group.
#[derive(Default)]
struct GroupLatency {
    count: usize,
    mean: PerSegment<Option<f64>>,
    p50: PerSegment<Option<f64>>,
    p95: PerSegment<Option<f64>>,
}

/// Latency values ordered once per segment; groups are cut from that order.
struct OrderedValues {
    /// Per segment: the values sorted ascending.
    sorted: PerSegment<Vec<u32>>,
    /// Per segment: the latency positions in the order of `sorted` (a stable sort).
    order: PerSegment<Vec<u32>>,
}

impl OrderedValues {
    fn new(values: &PerSegment<Vec<u32>>) -> Self {
        let mut sorted = PerSegment::<Vec<u32>>::default();
        let mut order = PerSegment::<Vec<u32>>::default();
        for s in Segment::ALL {
            let (v, o) = radix_order(values.get(s));
            *sorted.get_mut(s) = v;
            *order.get_mut(s) = o;
        }
        OrderedValues { sorted, order }
    }

    /// Per group: mean, p50, p95 of each segment. `key[p]` is the group of latency position `p`.
    ///
    /// Scattering the sorted values into their groups in sorted order leaves every group
    /// sorted (a stable counting sort by group after a sort by value), so each group's
    /// percentiles are lookups: nothing is sorted again.
    fn by_group(&self, groups: usize, key: &[u32]) -> Vec<GroupLatency> {
        let mut starts = vec![0usize; groups + 1];
        for &k in key {
            starts[k as usize + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        let mut out: Vec<GroupLatency> = (0..groups)
            .map(|g| GroupLatency {
                count: starts[g + 1] - starts[g],
                ..GroupLatency::default()
            })
            .collect();
        let mut grouped = vec![0u32; key.len()];
        for s in Segment::ALL {
            let mut fill = starts.clone();
            let (fill, out_values) = (&mut fill[..], &mut grouped[..]);
            for (&v, &p) in self.sorted.get(s).iter().zip(self.order.get(s)) {
                let slot = &mut fill[key[p as usize] as usize];
                out_values[*slot] = v;
                *slot += 1;
            }
            for (g, row) in out.iter_mut().enumerate() {
                let slice = &grouped[starts[g]..starts[g + 1]];
                if slice.is_empty() {
                    continue;
                }
                let sum: u64 = slice.iter().map(|&x| u64::from(x)).sum();
                *row.mean.get_mut(s) = Some(sum as f64 / slice.len() as f64);
                *row.p50.get_mut(s) = percentile_sorted(slice, 50.0);
                *row.p95.get_mut(s) = percentile_sorted(slice, 95.0);
            }
        }
        out
    }
}

/// Sorts `values` and returns them with the positions they came from, ties in original
/// order. A counting sort in one pass while the largest value is below 65,536 ms (every
/// real latency); otherwise an LSD radix sort with two 16-bit digits.
fn radix_order(values: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let max = values.iter().copied().max().unwrap_or(0);
    let mut keys = values.to_vec();
    let mut order: Vec<u32> = (0..values.len() as u32).collect();
    let mut keys_tmp = vec![0u32; values.len()];
    let mut order_tmp = vec![0u32; values.len()];
    // (shift, mask, digits): the single counting pass keeps the whole value as its digit.
    let passes: &[(u32, u32, usize)] = if max < 1 << 16 {
        &[(0, u32::MAX, max as usize + 1)]
    } else {
        &[(0, 0xFFFF, 1 << 16), (16, 0xFFFF, 1 << 16)]
    };
    for &(shift, mask, digits) in passes {
        let mut starts = vec![0usize; digits];
        for &k in &keys {
            starts[((k >> shift) & mask) as usize] += 1;
        }
        let mut sum = 0;
        for c in starts.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        // Slices, not `Vec`s, in the hot loop: the size-tuned release profile does not
        // inline `Vec`'s indexing.
        let (starts, keys_out, order_out) =
            (&mut starts[..], &mut keys_tmp[..], &mut order_tmp[..]);
        for (&k, &o) in keys.iter().zip(&order) {
            let slot = &mut starts[((k >> shift) & mask) as usize];
            keys_out[*slot] = k;
            order_out[*slot] = o;
            *slot += 1;
        }
        std::mem::swap(&mut keys, &mut keys_tmp);
        std::mem::swap(&mut order, &mut order_tmp);
    }
    (keys, order)
}

fn trunk_rows(
    kinds: &[StatusKind],
    trunk_ids: &[&str],
    trunk_of: &[u32],
    ordered: &OrderedValues,
    trunk_key: &[u32],
) -> Vec<TrunkRow> {
    let mut rows: Vec<TrunkRow> = trunk_ids
        .iter()
        .map(|id| TrunkRow {
            trunk_id: (*id).to_owned(),
            ..TrunkRow::default()
        })
        .collect();
    for (&kind, &t) in kinds.iter().zip(trunk_of) {
        let row = &mut rows[t as usize];
        row.calls += 1;
        match kind {
            StatusKind::Failed => row.failed += 1,
            StatusKind::Connected => row.connected += 1,
            _ => {}
        }
    }
    let lat = ordered.by_group(trunk_ids.len(), trunk_key);
    for (row, g) in rows.iter_mut().zip(lat) {
        row.latency_calls = g.count;
        row.mean = g.mean;
        row.p50 = g.p50;
        row.p95 = g.p95;
    }
    sort_trunks(&mut rows, WORST_FIRST);
    rows
}

fn time_buckets(
    kinds: &[StatusKind],
    opts: &AnalysisOptions,
    seconds: &[i64],
    latency_idx: &[u32],
    ordered: &OrderedValues,
) -> TimeBuckets {
    let data_min = seconds.iter().copied().min();
    let data_max = seconds.iter().copied().max();
    let lo = [opts.range.0.map(|t| t.timestamp()), data_min]
        .into_iter()
        .flatten()
        .min();
    let hi = [opts.range.1.map(|t| t.timestamp()), data_max]
        .into_iter()
        .flatten()
        .max();
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return TimeBuckets::default();
    };
    if hi < lo {
        return TimeBuckets::default();
    }
    let width = BucketWidth::choose(lo, hi, opts.max_buckets.max(1));
    let first = width.align(lo);
    let w = width.seconds();
    let count = width.count(lo, hi);
    let bucket_of = |t: i64| ((t - first) / w) as usize;
    let mut buckets: Vec<TimeBucket> = (0..count)
        .map(|b| TimeBucket {
            start: DateTime::from_timestamp(first + b as i64 * w, 0).unwrap_or_default(),
            ..TimeBucket::default()
        })
        .collect();
    let slots = &mut buckets[..];
    for (&kind, &t) in kinds.iter().zip(seconds) {
        slots[bucket_of(t)].counts.add(kind);
    }
    let key: Vec<u32> = latency_idx
        .iter()
        .map(|&i| bucket_of(seconds[i as usize]) as u32)
        .collect();
    let lat = ordered.by_group(count, &key);
    for (bucket, g) in buckets.iter_mut().zip(lat) {
        bucket.latency_calls = g.count;
        bucket.mean = g.mean;
        bucket.p50 = g.p50;
        bucket.p95 = g.p95;
    }
    TimeBuckets { width, buckets }
}
