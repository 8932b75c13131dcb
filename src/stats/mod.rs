//! Statistics over a set of calls: latency summaries, the daily report, per-trunk rows,
//! time buckets, the latency distribution and KPI deltas. Pure: no I/O, no browser crate.
//!
//! Start at [`Analysis::compute`], which returns everything the dashboard shows (and
//! [`Analysis::compute_sampled`] for a range past the gather cap, below);
//! [`Heatmap::compute`] bins the same calls by weekday and hour in a time zone.
//!
//! # Percentiles
//! One method everywhere: numpy's default linear interpolation (`np.percentile(a, q)`):
//! `h = (q/100)·(n−1)`, interpolating between the order statistics `⌊h⌋` and `⌈h⌉`.
//! See [`percentile_sorted`].
//!
//! # Which calls count where
//! - **Outcomes, talk time, average AI latency** ([`Report`], [`StatusCounts`]): all calls,
//!   with the vendor's `generate_daily_report` definitions — shares of the total,
//!   `sum(duration_seconds)` of every call, `sum(ai_latency_ms) / total_calls` with failed
//!   calls included. Statuses this version does not know are counted as "other" and
//!   included in the total.
//! - **Latency statistics** ([`LatencySummary`], the latency columns of [`TrunkRow`] and
//!   [`TimeBucket`], [`Distribution`]): only the *latency calls*, chosen by
//!   [`LatencyCalls`]. By default these are connected and disconnected calls (both carried
//!   audio); failed calls have no meaningful latency and unknown statuses are left out.
//!   [`LatencyCalls::ConnectedOnly`] reproduces the vendor's "average latency of a trunk"
//!   example exactly. The choice applies to every latency figure at once.
//! - **Per trunk**: `calls` and the failure share count all calls of the trunk.
//! - **SLO**: a call is over the SLO when its value is strictly above the threshold.
//!
//! # Time buckets
//! The width is the narrowest of 1, 5, 15, 30 min, 1, 3, 6, 12 h, 1 day giving at most
//! 200 buckets over the filter range (extended to the data where it reaches beyond it or
//! a bound is open). Buckets are aligned to multiples of the width in UTC (days start at
//! UTC midnight). Limitation: in local-time mode, 1-day and 3/6/12-hour buckets are still
//! UTC-aligned, so their edges fall at the zone offset rather than local midnight.
//!
//! # Estimates
//! When a range holds too many calls to gather, [`SamplePlan`] picks pages to read and
//! [`Estimator`] turns them into figures with 95 % intervals (see the `sample` module
//! for the details):
//! - **Design**: `K` equal-width time strata (24 by default, each at least
//!   [`MIN_STRATUM_SECS`]); a budget of pages shared out by [`allocate`] in proportion to
//!   each stratum's exact total (largest remainder, at least one page per non-empty
//!   stratum, never more than it has); pages drawn without replacement at offsets that
//!   are multiples of the page size. A budget covering every page is the census
//!   (`SamplePlan::exact`).
//! - **Weights**: every call read in stratum `h` stands for `N_h / n_h` calls (`N_h` its
//!   total, `n_h` the calls read there); calls without a value are left out.
//! - **Percentiles**: numpy's linear method on the values repeated by their weights,
//!   generalised to real weights; all weights 1 gives [`percentile_sorted`] exactly.
//! - **Intervals**: a stratified bootstrap over pages (Rao–Wu: `n − 1` of a stratum's
//!   `n` pages drawn with replacement), 2.5th–97.5th percentiles of
//!   [`DEFAULT_REPLICATES`] replicates; strata read whole stay fixed, and a census has
//!   intervals of zero width.
//! - **Determinism**: pages and replicates come from [`SplitMix64`] streams of one seed,
//!   [`seed_from`] (FNV-1a) of the query string: the same query gives the same pages and
//!   the same interval. `examples/calibration.rs` checks the coverage on 1,000,000 known
//!   calls.
//!
//! # Past the gather cap: exact and estimated figures
//! The analytics view gathers every call up to `gather_cap` (100,000). A larger range is
//! read as a [`SampledSet`] and computed by [`Analysis::compute_sampled`]:
//! - **Exact** (from the API's `pagination.total` under a filter, one-row requests): the
//!   total; calls per status (so the connected, failed and disconnected shares); calls
//!   per time bucket by status (the strata are the chart's buckets for the range with
//!   at most [`SAMPLE_BUCKETS`], widened rather than estimated: 4 requests a bucket, at
//!   most 192); each trunk's calls, connected and failed (3 requests a trunk).
//! - **Estimated, with a 95 % interval** (marked "≈" on the cards): mean and p95 total
//!   latency and the share over the SLO (over the latency calls), talk time (`N ×` the
//!   mean duration), the vendor's average AI latency; from [`SAMPLE_PAGES`] pages of
//!   [`SAMPLE_PAGE`] calls allocated across the buckets as above, seeded from the API
//!   query (a reload of the same view draws the same pages).
//! - **Each trunk's p50 and p95 per segment**: estimates over the trunk's sampled calls
//!   (a domain of the sample, keeping their strata weights), shown "≈" with the
//!   interval in the cell's tooltip.
//! - **Each bucket's total p95**: the bucket is a stratum, so its sampled calls weigh
//!   alike; its interval (from resampling the bucket's pages) is a band on the latency
//!   chart and a column of its table.
//! - **Drawn from the sample, and said so** (no interval): the stacked segment means
//!   and p50 line of the latency chart, the distribution, the heatmap, the whole-set
//!   segment summaries and each trunk's mean.
//!   The sample is self-weighting to within a page per bucket (pages are allocated in
//!   proportion to the buckets' totals), so their shapes are the population's.
//! - A site with a small `gather_cap` samples at most the cap, in at most half as many
//!   buckets as pages ([`strata_for_budget`]; never wider than a day). Where no bucket
//!   got two pages the interval cannot be bounded and the card says so ([`UNBOUNDED`])
//!   rather than show a zero width.
//! - "Compute exactly" gathers every call instead, after saying what it costs at the
//!   announced rate limit (`gather::exact_cost`).
//!
//! # Cost
//! [`Analysis::compute`] makes one pass over the calls, sorts each segment's latency
//! values once, and for buckets and trunks groups values with a counting sort and
//! selects percentiles within each group (`select_nth_unstable`), never re-sorting the
//! whole set. `examples/bench_stats.rs` times it on 100,000 calls.

mod analysis;
mod daily_report;
mod distribution;
mod heatmap;
mod kpi;
mod latency_summary;
mod percentile;
mod report;
mod sample;
mod sampled;
mod segment;
mod status_counts;
mod time_buckets;
mod trunk_row;

pub use analysis::{Analysis, AnalysisOptions, LatencyCalls, DEFAULT_TOTAL_SLO_MS};
pub use daily_report::{DailyReport, FAILED_LISTED};
pub use distribution::{CdfPoint, Distribution, Histogram, MAX_BINS};
pub use heatmap::{cell_label, HeatCell, Heatmap, WEEKDAYS};
pub use kpi::{compare, Better, Kpi, KpiDelta, KpiDeltas, Verdict, UNBOUNDED};
pub use latency_summary::LatencySummary;
pub use percentile::percentile_sorted;
pub use report::Report;
pub use sample::{
    allocate, pages_of, seed_from, time_strata, Estimate, Estimator, SamplePlan, SampledPage,
    SplitMix64, Statistic, StratumPlan, StratumSample, DEFAULT_REPLICATES, MIN_STRATUM_SECS,
};
pub use sampled::{
    sample_strata, strata_for_budget, Estimates, SampledSet, SampledStratum, SAMPLE_BUCKETS,
    SAMPLE_PAGE, SAMPLE_PAGES,
};
pub use segment::{PerSegment, Segment};
pub use status_counts::{StatusCounts, StatusKind};
pub use time_buckets::{BucketWidth, TimeBucket, TimeBuckets, MAX_BUCKETS};
pub use trunk_row::{sort_trunks, TrunkColumn, TrunkRow, TrunkSort, WORST_FIRST};
