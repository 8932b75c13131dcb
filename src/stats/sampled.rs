//! A range too large to gather, described from exact counts and a random sample of its
//! pages: [`SampledSet`] is what the gatherer reads, [`Estimates`] the figures with
//! their 95 % intervals (the design and the interval are [`super::sample`]'s).
//!
//! # Which figures are exact
//! The range is cut into the analytics chart's own time buckets ([`sample_strata`], at
//! most [`SAMPLE_BUCKETS`]; widened rather than estimated), and every bucket is counted
//! by the API: its `total`, and the total of each of the contract's three statuses
//! (four one-row requests a bucket). So the total, the calls per status and the volume
//! per bucket by status are **exact**, and so are the calls per trunk and per trunk ×
//! status (three one-row requests a trunk: all, connected, failed). Every other figure — latency means, percentiles
//! and the share over the SLO, talk time, the vendor's average AI latency, and the
//! charts and trunk latencies drawn from the calls themselves — comes from
//! [`SAMPLE_PAGES`] pages of [`SAMPLE_PAGE`] calls drawn across the buckets (the buckets
//! are the strata) and is an **estimate**; the KPI cards and each trunk's percentiles
//! carry a 95 % interval (the charts say they are drawn from the sample).
//!
//! Talk time is `N ×` the weighted mean duration (its interval scaled alike); the
//! vendor's average AI latency is the weighted mean over the calls whose AI latency is
//! known, as [`super::Report`] defines it.

use std::ops::Range;

use chrono::{DateTime, Utc};

use super::{
    BucketWidth, Estimate, Estimator, LatencyCalls, SampledPage, Statistic, StatusCounts,
    StratumSample,
};
use crate::api::Call;

/// Most time buckets (= strata) a sampled range is cut into: each costs four one-row
/// requests for its exact counts, so at most 192 requests.
pub const SAMPLE_BUCKETS: usize = 48;

/// Calls per sampled page: the contract's page, small clusters (calls on one page are
/// neighbours in time, so smaller pages give a sample with more spread per call read).
pub const SAMPLE_PAGE: u32 = 100;

/// Pages read for a sample: 12,000 calls. `examples/calibration.rs` shows the interval
/// covers 93–95 % with this budget over 1,000,000 calls.
pub const SAMPLE_PAGES: u64 = 120;

/// A stratum's first and last second, both inclusive.
pub type Bounds = (DateTime<Utc>, DateTime<Utc>);

/// The strata of a sampled range `lo..=hi` (both inclusive, as the API's date filter
/// takes them): the time buckets the analytics chart uses for the range with at most
/// `max_buckets` (never more than [`SAMPLE_BUCKETS`]), clipped to the range; a budget
/// asks for [`strata_for_budget`] of them, so every bucket can get the two pages its
/// interval needs. Returns the width and each stratum's first and last second.
pub fn sample_strata(
    lo: DateTime<Utc>,
    hi: DateTime<Utc>,
    max_buckets: usize,
) -> (BucketWidth, Vec<Bounds>) {
    let (lo_s, hi_s) = (lo.timestamp(), hi.timestamp());
    let width = BucketWidth::choose(lo_s, hi_s, max_buckets.clamp(1, SAMPLE_BUCKETS));
    let first = width.align(lo_s);
    let w = width.seconds();
    let strata = (0..width.count(lo_s, hi_s) as i64)
        .map(|b| {
            let start = first + b * w;
            let at = |t: i64| DateTime::from_timestamp(t, 0).unwrap_or_default();
            (at(start.max(lo_s)).max(lo), at(start + w - 1).min(hi))
        })
        .collect();
    (width, strata)
}

/// Most strata for a budget of `pages`: two pages each, at most [`SAMPLE_BUCKETS`].
pub fn strata_for_budget(pages: u64) -> usize {
    usize::try_from(pages / 2)
        .unwrap_or(SAMPLE_BUCKETS)
        .clamp(1, SAMPLE_BUCKETS)
}

/// One stratum as read: its bounds, its exact counts, and where its sampled pages lie
/// in [`SampledSet`]'s calls.
#[derive(Debug, Clone, PartialEq)]
pub struct SampledStratum {
    /// First second (inclusive).
    pub start: DateTime<Utc>,
    /// Last second (inclusive).
    pub end: DateTime<Utc>,
    /// Calls by status, as the API counted them (exact).
    pub counts: StatusCounts,
    /// The sampled pages, as ranges of the set's calls.
    pub pages: Vec<Range<usize>>,
}

/// A range described by a sample: the strata with their exact counts and the pages
/// read. The calls themselves are the gather's (newest stratum's pages last, any order).
#[derive(Debug, Clone, PartialEq)]
pub struct SampledSet {
    /// The strata, oldest first; they are the chart's time buckets.
    pub strata: Vec<SampledStratum>,
    /// The width of the buckets the strata are.
    pub width: BucketWidth,
    /// The seed the pages were drawn with (and the bootstrap draws from).
    pub seed: u64,
    /// Calls per trunk by status, as the API counted them (exact): the trunks
    /// `/v1/trunks` lists, or where it cannot be read the trunks seen in the sample.
    /// Empty when the view filters one trunk (the set's counts are that trunk's).
    pub trunks: Vec<(String, StatusCounts)>,
}

impl SampledSet {
    /// Every call of the range, counted by status (exact).
    pub fn counts(&self) -> StatusCounts {
        let mut all = StatusCounts::default();
        for s in &self.strata {
            all.merge(&s.counts);
        }
        all
    }

    /// Calls read.
    pub fn read(&self) -> u64 {
        self.strata
            .iter()
            .flat_map(|s| &s.pages)
            .map(|p| p.len() as u64)
            .sum()
    }

    /// The first and last second covered.
    pub fn span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        Some((self.strata.first()?.start, self.strata.last()?.end))
    }

    /// Estimates `stats` of one value per sampled call (`None`: unknown or outside the
    /// domain, left out) with their 95 % intervals: a domain such as one trunk's calls
    /// keeps the strata weights of its calls.
    pub fn estimate_of(
        &self,
        calls: &[Call],
        value: impl Fn(&Call) -> Option<f64>,
        stats: &[Statistic],
        replicates: usize,
        seed: u64,
    ) -> Vec<Option<Estimate>> {
        self.estimator(calls, value)
            .estimate(stats, replicates, seed)
    }

    /// The [`Estimator`] of one value per call (`None`: unknown, left out).
    fn estimator(&self, calls: &[Call], value: impl Fn(&Call) -> Option<f64>) -> Estimator {
        let strata: Vec<StratumSample> = self
            .strata
            .iter()
            .map(|s| StratumSample {
                total: s.counts.total(),
                pages: s
                    .pages
                    .iter()
                    .map(|r| SampledPage::of(calls[r.clone()].iter().map(&value)))
                    .collect(),
            })
            .collect();
        Estimator::new(&strata)
    }
}

/// The estimated KPI figures of a sampled range, each with its 95 % interval (`None`
/// where no sampled call has the value).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Estimates {
    /// Mean total latency over the latency calls, ms.
    pub mean_total: Option<Estimate>,
    /// p95 total latency over the latency calls, ms.
    pub p95_total: Option<Estimate>,
    /// Share of latency calls over the SLO.
    pub over_slo: Option<Estimate>,
    /// Talk time, hours.
    pub talk_time_hours: Option<Estimate>,
    /// The vendor's average AI latency, ms.
    pub mean_ai: Option<Estimate>,
    /// Calls read.
    pub read: u64,
    /// Calls in the range (exact).
    pub total: u64,
}

impl Estimates {
    /// The estimates over `set`, whose pages index `calls`, with an SLO of `slo_ms` on
    /// the total latency; `replicates` bootstrap replicates (the page uses
    /// [`super::DEFAULT_REPLICATES`]).
    pub fn compute(
        set: &SampledSet,
        calls: &[Call],
        slo_ms: u32,
        latency_calls: LatencyCalls,
        replicates: usize,
    ) -> Self {
        let total = set.counts().total();
        let latency = set.estimator(calls, |c| {
            latency_calls
                .includes(&c.status)
                .then(|| c.total_latency_ms().map(f64::from))
                .flatten()
        });
        let mut lat = latency
            .estimate(
                &[
                    Statistic::Mean,
                    Statistic::Percentile(95.0),
                    Statistic::ShareAbove(f64::from(slo_ms)),
                ],
                replicates,
                set.seed,
            )
            .into_iter();
        let duration = set.estimator(calls, |c| Some(c.duration_seconds as f64));
        let hours = |e: Estimate| {
            let scale = total as f64 / 3600.0;
            Estimate {
                value: e.value * scale,
                low: e.low * scale,
                high: e.high * scale,
            }
        };
        let talk = duration
            .estimate(&[Statistic::Mean], replicates, set.seed ^ 1)
            .into_iter()
            .next()
            .flatten()
            .map(hours);
        let ai = set.estimator(calls, |c| c.ai_latency_ms.map(f64::from));
        let mean_ai = ai
            .estimate(&[Statistic::Mean], replicates, set.seed ^ 2)
            .into_iter()
            .next()
            .flatten();
        Estimates {
            mean_total: lat.next().flatten(),
            p95_total: lat.next().flatten(),
            over_slo: lat.next().flatten(),
            talk_time_hours: talk,
            mean_ai,
            read: set.read(),
            total,
        }
    }

    /// The sentence the view shows: `Estimated from 12,000 of 1,000,000 calls`.
    pub fn label(&self) -> String {
        format!(
            "Estimated from {} of {} calls",
            crate::format::thousands(self.read),
            crate::format::thousands(self.total)
        )
    }
}
