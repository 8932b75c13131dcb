//! Latency figures from a random sample of pages when a range holds too many calls to
//! gather: the sampling design ([`SamplePlan`]) and the estimator with its 95 % interval
//! ([`Estimator`]). Pure and deterministic: the same seed gives the same pages and the
//! same interval.
//!
//! # Design
//! The range `[start, end)` is cut into `K` equal-width time strata ([`time_strata`]; fewer
//! when the range is short, each at least [`MIN_STRATUM_SECS`] wide). The caller asks the
//! API for each stratum's exact `total` (one request with `limit=1`). A budget of `B`
//! pages is shared out by [`allocate`]: proportionally to the totals by largest
//! remainder, at least one page for every non-empty stratum while the budget allows,
//! never more pages than a stratum has. Within a stratum the pages are drawn without
//! replacement (Floyd's algorithm) from a [`SplitMix64`] stream seeded from the caller's
//! seed and the stratum's index; a page `i` is read at `offset = i · page_size` of the
//! stratum's newest-first list, so pages never overlap. When the budget covers every page
//! of every stratum the plan is the census ([`SamplePlan::exact`]). [`seed_from`] (FNV-1a)
//! turns the query string into the seed, so a query always samples the same pages.
//!
//! # Weights
//! A stratum `h` with `N_h` calls of which `n_h` were read (every call on its sampled
//! pages, with or without a value) gives each read call the weight `N_h / n_h`. Calls
//! with an unknown value are left out of every figure; the known ones keep their weight,
//! so the figures describe the calls with a value, as the gathered statistics do. A
//! stratum with no sampled page (a budget smaller than the number of non-empty strata)
//! is not represented.
//!
//! # Figures
//! - Mean: `Σ w·x / Σ w`.
//! - Share over a threshold: `Σ w·[x > t] / Σ w` (strictly above, as the SLO everywhere).
//! - Percentile `q`: numpy's linear method (`h = q/100 · (n − 1)`, interpolate between
//!   the order statistics `⌊h⌋` and `⌊h⌋ + 1`) on the values repeated by their weights,
//!   generalised to real weights: with values sorted and `C_i` the cumulative weight
//!   through value `i`, `W = Σ w`, `h = q/100 · (W − 1)` (at least 0), the order statistic
//!   at a position `p` is the first value with `C_i > p` (the last value past the end),
//!   and the percentile is `x(⌊h⌋) + (x(⌊h⌋ + 1) − x(⌊h⌋))·(h − ⌊h⌋)`. With integer
//!   weights this is exactly `np.percentile(np.repeat(x, w), q)`; with all weights 1 it
//!   is [`percentile_sorted`](super::percentile_sorted).
//!
//! # Interval
//! A stratified bootstrap over *pages* (calls on a page are neighbours in time, so they
//! are not independent): in each replicate every stratum with `n ≥ 2` sampled pages
//! draws `n − 1` of its pages with replacement (Rao and Wu's rescaling bootstrap: drawing
//! `n − 1` rather than `n` makes the replicates' variance the unbiased between-page
//! variance, where drawing `n` shrinks it by `(n − 1)/n`, a real loss with the handful
//! of pages a stratum gets: on `examples/calibration.rs` drawing `n` covered 89–93 %,
//! `n − 1` 93–95 %); a call on a page drawn `r` times weighs `r · N_h / (calls on the
//! drawn pages, counted with repeats)`, and every figure is recomputed. The interval is the 2.5th and
//! 97.5th percentiles (numpy linear) of [`DEFAULT_REPLICATES`] replicates. A stratum
//! that was read whole (`n_h ≥ N_h`) is kept fixed: it has no sampling error. A stratum
//! with a single sampled page is kept fixed too (one page cannot tell its own spread;
//! the interval then understates it). There is no finite-population correction beyond
//! that: a stratum read mostly but not whole gets an interval somewhat too wide (the
//! usual budgets read a few per cent of a stratum, where it does not show). When every stratum was read whole the interval
//! collapses to the value. The replicates are drawn from a [`SplitMix64`] stream of the
//! caller's seed, so the interval is reproducible.

use chrono::{DateTime, Duration, Utc};

use super::percentile::lerp;
use super::percentile_sorted;

/// Strata are never narrower than this, so a short range gets fewer of them.
pub const MIN_STRATUM_SECS: i64 = 60;

/// Bootstrap replicates behind an interval unless the caller says otherwise.
pub const DEFAULT_REPLICATES: usize = 400;

/// Sebastiano Vigna's splitmix64: a small, fast, deterministic PRNG (no dependency).
///
/// Usage: `let mut rng = SplitMix64::new(seed); let page = rng.below(pages);`.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A stream starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0), by Lemire's multiply-shift; the bias is
    /// below `n / 2^64`, far under anything a page count can show.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// FNV-1a (64-bit) of `text`: the seed a query string gives, the same on every machine.
///
/// Usage: `seed_from("status=connected&start_date=2026-11-01")`.
pub fn seed_from(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `[start, end)` cut into at most `k` equal-width strata of whole seconds, each at
/// least [`MIN_STRATUM_SECS`] wide (one stratum when the range is shorter); the last
/// one ends at `end`. Empty when `end ≤ start` or `k` is 0.
pub fn time_strata(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    k: usize,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let span = (end - start).num_seconds();
    if span <= 0 || k == 0 {
        return Vec::new();
    }
    let k = (k as i64).min(span / MIN_STRATUM_SECS).max(1);
    let width = (span + k - 1) / k;
    (0..k)
        .map(|i| start + Duration::seconds(i * width))
        .filter(|s| *s < end)
        .map(|s| (s, (s + Duration::seconds(width)).min(end)))
        .collect()
}

/// How many pages of `page_size` a stratum of `total` calls has.
pub fn pages_of(total: u64, page_size: u64) -> u64 {
    total.div_ceil(page_size.max(1))
}

/// Pages per stratum for a budget: proportional to `totals` by largest remainder, at
/// least 1 for every non-empty stratum while the budget allows (the largest strata
/// first), never more than a stratum's pages. The sum is `min(budget, all pages)`.
///
/// Usage: `allocate(&[1000, 3000], 100, 8) == vec![2, 6]`.
pub fn allocate(totals: &[u64], page_size: u64, budget: u64) -> Vec<u64> {
    let caps: Vec<u64> = totals.iter().map(|t| pages_of(*t, page_size)).collect();
    let all: u64 = caps.iter().sum();
    if budget >= all {
        return caps;
    }
    let n: u64 = totals.iter().sum();
    let quota: Vec<f64> = totals
        .iter()
        .map(|t| budget as f64 * *t as f64 / n as f64)
        .collect();
    let non_empty: Vec<usize> = (0..totals.len()).filter(|h| totals[*h] > 0).collect();
    let mut out = vec![0u64; totals.len()];
    if (budget as usize) < non_empty.len() {
        // Not even one page each: the largest strata get one.
        let mut order = non_empty;
        order.sort_by(|a, b| totals[*b].cmp(&totals[*a]).then(a.cmp(b)));
        for h in order.into_iter().take(budget as usize) {
            out[h] = 1;
        }
        return out;
    }
    for &h in &non_empty {
        out[h] = (quota[h].floor() as u64).clamp(1, caps[h]);
    }
    let mut sum: u64 = out.iter().sum();
    // The floor of 1 may overshoot: take back from the most over-served.
    while sum > budget {
        let h = (0..out.len())
            .filter(|h| out[*h] > 1)
            .max_by(|a, b| {
                (out[*a] as f64 - quota[*a])
                    .total_cmp(&(out[*b] as f64 - quota[*b]))
                    .then(b.cmp(a))
            })
            .expect("sum > budget ≥ non-empty strata, so some stratum has 2 pages");
        out[h] -= 1;
        sum -= 1;
    }
    // Largest remainders first; a capped stratum passes its share on.
    while sum < budget {
        let h = (0..out.len())
            .filter(|h| out[*h] < caps[*h])
            .max_by(|a, b| {
                (quota[*a] - out[*a] as f64)
                    .total_cmp(&(quota[*b] - out[*b] as f64))
                    .then(b.cmp(a))
            })
            .expect("sum < budget < all pages, so some stratum has pages left");
        out[h] += 1;
        sum += 1;
    }
    out
}

/// `k` distinct numbers of `0..n`, ascending, by Floyd's algorithm (all of them when
/// `k ≥ n`).
fn choose(rng: &mut SplitMix64, n: u64, k: u64) -> Vec<u64> {
    if k >= n {
        return (0..n).collect();
    }
    let mut chosen = std::collections::BTreeSet::new();
    for j in n - k..n {
        let t = rng.below(j + 1);
        if !chosen.insert(t) {
            chosen.insert(j);
        }
    }
    chosen.into_iter().collect()
}

/// One stratum of a [`SamplePlan`]: its time range, its calls, and the pages to read.
#[derive(Debug, Clone, PartialEq)]
pub struct StratumPlan {
    /// The stratum's position in the plan, 0 the oldest.
    pub index: usize,
    /// First instant of the stratum (inclusive).
    pub start: DateTime<Utc>,
    /// End of the stratum (exclusive).
    pub end: DateTime<Utc>,
    /// The stratum's exact number of calls, as the API counted it.
    pub total: u64,
    /// How many pages of the plan's size the stratum has.
    pub pages: u64,
    /// Offsets to read within the stratum (newest first), ascending, multiples of the
    /// page size, distinct.
    pub offsets: Vec<u64>,
}

/// Which pages to read for an estimate: per stratum, the offsets to request.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplePlan {
    /// Calls per page (the request's `limit`).
    pub page_size: u64,
    /// Whether the plan reads every page of every stratum: the figures are then exact.
    pub exact: bool,
    /// The strata, oldest first.
    pub strata: Vec<StratumPlan>,
}

impl SamplePlan {
    /// The plan for strata `bounds` (from [`time_strata`]) with their `totals`, pages of
    /// `page_size` (0 counts as 1) and a budget of `budget` pages, drawn from `seed`.
    ///
    /// Usage: `SamplePlan::new(&time_strata(a, b, 24), &totals, 100, 120, seed_from(q))`.
    ///
    /// Panics when `bounds` and `totals` differ in length (a caller's mistake).
    pub fn new(
        bounds: &[(DateTime<Utc>, DateTime<Utc>)],
        totals: &[u64],
        page_size: u64,
        budget: u64,
        seed: u64,
    ) -> Self {
        assert_eq!(bounds.len(), totals.len(), "one total per stratum");
        let page_size = page_size.max(1);
        let alloc = allocate(totals, page_size, budget);
        let strata: Vec<StratumPlan> = bounds
            .iter()
            .zip(totals)
            .zip(alloc)
            .enumerate()
            .map(|(h, ((&(start, end), &total), take))| {
                let pages = pages_of(total, page_size);
                // Each stratum its own stream, so one stratum's draw does not shift another's.
                let mut rng =
                    SplitMix64::new(seed ^ (h as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407));
                let offsets = choose(&mut rng, pages, take)
                    .into_iter()
                    .map(|i| i * page_size)
                    .collect();
                StratumPlan {
                    index: h,
                    start,
                    end,
                    total,
                    pages,
                    offsets,
                }
            })
            .collect();
        let exact = strata.iter().all(|s| s.offsets.len() as u64 == s.pages);
        Self {
            page_size,
            exact,
            strata,
        }
    }

    /// Pages the plan reads in all.
    pub fn page_count(&self) -> u64 {
        self.strata.iter().map(|s| s.offsets.len() as u64).sum()
    }

    /// The sample once its pages are read: `read(stratum, offset)` gives the page at
    /// `offset` of `stratum`, for every planned offset, in order.
    ///
    /// Usage: `plan.sample(|s, offset| SampledPage::of(pages[&(s.index, offset)].iter().map(latency)))`.
    pub fn sample(
        &self,
        mut read: impl FnMut(&StratumPlan, u64) -> SampledPage,
    ) -> Vec<StratumSample> {
        self.strata
            .iter()
            .map(|s| StratumSample {
                total: s.total,
                pages: s.offsets.iter().map(|o| read(s, *o)).collect(),
            })
            .collect()
    }
}

/// One page as read: how many calls it held and the known values among them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SampledPage {
    /// Calls on the page, with or without a value.
    pub calls: u64,
    /// The values of the calls that have one (unknown ones left out).
    pub values: Vec<f64>,
}

impl SampledPage {
    /// A page from its calls' values, `None` where a call's value is unknown.
    ///
    /// Usage: `SampledPage::of([Some(310.0), None, Some(95.0)])` has 3 calls, 2 values.
    pub fn of(values: impl IntoIterator<Item = Option<f64>>) -> Self {
        let mut page = Self::default();
        for v in values {
            page.calls += 1;
            page.values.extend(v);
        }
        page
    }
}

/// One stratum as read: its exact total and the pages sampled from it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StratumSample {
    /// The stratum's exact number of calls.
    pub total: u64,
    /// The sampled pages.
    pub pages: Vec<SampledPage>,
}

/// A figure estimated from a sample, with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The estimate.
    pub value: f64,
    /// Lower end of the 95 % interval.
    pub low: f64,
    /// Upper end of the 95 % interval.
    pub high: f64,
}

impl Estimate {
    /// Whether the sample could bound the interval (both ends finite).
    pub fn is_bounded(&self) -> bool {
        self.low.is_finite() && self.high.is_finite()
    }

    /// Whether `x` lies in the interval (ends included).
    pub fn covers(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }

    /// The interval as the page shows it, its ends written by `fmt`:
    /// `95 %: 776 ms–789 ms`, or [`UNBOUNDED`](super::UNBOUNDED) when it has no ends.
    pub fn interval_text(&self, fmt: impl Fn(f64) -> String) -> String {
        if !self.is_bounded() {
            return super::UNBOUNDED.to_owned();
        }
        format!("95 %: {}–{}", fmt(self.low), fmt(self.high))
    }
}

/// A figure the [`Estimator`] can estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    /// The weighted mean.
    Mean,
    /// The weighted percentile `q` in `0..=100` (see the module doc).
    Percentile(f64),
    /// The weighted share of values strictly above the threshold, in `0..=1`.
    ShareAbove(f64),
}

/// Per page: what the figures need from it.
#[derive(Debug, Clone)]
struct PageInfo {
    calls: u64,
    known: u64,
    sum: f64,
}

/// Per stratum: its total, its pages (indexes into the page list), whether it was read
/// whole, and whether the bootstrap resamples it.
#[derive(Debug, Clone)]
struct StratumInfo {
    total: u64,
    pages: Vec<usize>,
    whole: bool,
    resampled: bool,
}

/// A sample prepared once (values sorted with their page) to estimate many figures.
///
/// Usage: `Estimator::new(&strata).estimate(&[Statistic::Percentile(95.0)], DEFAULT_REPLICATES, seed)`.
#[derive(Debug, Clone)]
pub struct Estimator {
    pages: Vec<PageInfo>,
    strata: Vec<StratumInfo>,
    /// Every known value with the index of its page, ascending by value.
    sorted: Vec<(f64, u32)>,
    exact: bool,
}

impl Estimator {
    /// Prepares `strata` (values that are not finite are left out, as unknown).
    pub fn new(strata: &[StratumSample]) -> Self {
        let mut pages = Vec::new();
        let mut infos = Vec::new();
        let mut sorted = Vec::new();
        for s in strata {
            let first = pages.len();
            let mut read = 0u64;
            for p in &s.pages {
                let index = pages.len() as u32;
                let mut known = 0u64;
                let mut sum = 0.0;
                for &v in p.values.iter().filter(|v| v.is_finite()) {
                    known += 1;
                    sum += v;
                    sorted.push((v, index));
                }
                read += p.calls;
                pages.push(PageInfo {
                    calls: p.calls,
                    known,
                    sum,
                });
            }
            let ids: Vec<usize> = (first..pages.len()).collect();
            let whole = read >= s.total;
            infos.push(StratumInfo {
                total: s.total,
                whole,
                resampled: !whole && ids.len() >= 2,
                pages: ids,
            });
        }
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let exact = infos.iter().all(|s| s.whole);
        Self {
            pages,
            strata: infos,
            sorted,
            exact,
        }
    }

    /// Whether every stratum was read whole: the figures are then exact.
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// The figures without intervals; `None` where no sampled call has a value.
    pub fn point(&self, stats: &[Statistic]) -> Vec<Option<f64>> {
        let weights = self.weights(None);
        self.figures(stats, &weights)
    }

    /// The figures with their 95 % intervals from `replicates` bootstrap replicates drawn
    /// from `seed`; `None` where no sampled call has a value. An exact sample (or
    /// `replicates == 0`) gives intervals collapsed to the value; a sample where no
    /// stratum has two pages gives unbounded ones (`−∞..∞`, see [`Estimate::is_bounded`]).
    pub fn estimate(
        &self,
        stats: &[Statistic],
        replicates: usize,
        seed: u64,
    ) -> Vec<Option<Estimate>> {
        let values = self.point(stats);
        // A sample with no stratum of two or more pages cannot tell its own spread: its
        // interval is unbounded (never a false zero width).
        if !self.exact && replicates > 0 && !self.strata.iter().any(|s| s.resampled) {
            return values
                .into_iter()
                .map(|v| {
                    v.map(|value| Estimate {
                        value,
                        low: f64::NEG_INFINITY,
                        high: f64::INFINITY,
                    })
                })
                .collect();
        }
        if self.exact || replicates == 0 {
            return values
                .into_iter()
                .map(|v| {
                    v.map(|value| Estimate {
                        value,
                        low: value,
                        high: value,
                    })
                })
                .collect();
        }
        let mut rng = SplitMix64::new(seed);
        let mut reps: Vec<Vec<f64>> = vec![Vec::with_capacity(replicates); stats.len()];
        for _ in 0..replicates {
            let weights = self.weights(Some(&mut rng));
            for (i, f) in self.figures(stats, &weights).into_iter().enumerate() {
                if let Some(f) = f {
                    reps[i].push(f);
                }
            }
        }
        values
            .into_iter()
            .zip(reps)
            .map(|(v, mut r)| {
                let value = v?;
                r.sort_by(f64::total_cmp);
                Some(Estimate {
                    value,
                    low: percentile_sorted(&r, 2.5).unwrap_or(value),
                    high: percentile_sorted(&r, 97.5).unwrap_or(value),
                })
            })
            .collect()
    }

    /// The weight of each call on each page: the sample's own (`rng` is `None`) or a
    /// bootstrap replicate's.
    fn weights(&self, mut rng: Option<&mut SplitMix64>) -> Vec<f64> {
        let mut w = vec![0.0; self.pages.len()];
        let mut times = vec![0u64; self.pages.len()];
        for s in &self.strata {
            match rng.as_deref_mut() {
                Some(rng) if s.resampled => {
                    let n = s.pages.len() as u64;
                    for _ in 0..n - 1 {
                        times[s.pages[rng.below(n) as usize]] += 1;
                    }
                }
                _ => s.pages.iter().for_each(|p| times[*p] = 1),
            }
            let read: u64 = s
                .pages
                .iter()
                .map(|p| times[*p] * self.pages[*p].calls)
                .sum();
            if read == 0 {
                continue;
            }
            let per_call = s.total as f64 / read as f64;
            for &p in &s.pages {
                w[p] = per_call * times[p] as f64;
            }
        }
        w
    }

    fn figures(&self, stats: &[Statistic], w: &[f64]) -> Vec<Option<f64>> {
        let known: f64 = self
            .pages
            .iter()
            .zip(w)
            .map(|(p, w)| w * p.known as f64)
            .sum();
        if known <= 0.0 {
            return vec![None; stats.len()];
        }
        let qs: Vec<f64> = stats
            .iter()
            .filter_map(|s| match s {
                Statistic::Percentile(q) => Some(*q),
                _ => None,
            })
            .collect();
        let mut percentiles = self.percentiles(&qs, w, known).into_iter();
        stats
            .iter()
            .map(|s| match *s {
                Statistic::Mean => Some(
                    self.pages
                        .iter()
                        .zip(w)
                        .map(|(p, w)| w * p.sum)
                        .sum::<f64>()
                        / known,
                ),
                Statistic::ShareAbove(t) => Some(
                    self.sorted
                        .iter()
                        .rev()
                        .take_while(|(v, _)| *v > t)
                        .map(|(_, p)| w[*p as usize])
                        .sum::<f64>()
                        / known,
                ),
                Statistic::Percentile(_) => percentiles.next().flatten(),
            })
            .collect()
    }

    /// Weighted percentiles (module doc) for every `q` of `qs`, in one walk of the
    /// sorted values; `None` for a `q` outside `0..=100`.
    fn percentiles(&self, qs: &[f64], w: &[f64], total: f64) -> Vec<Option<f64>> {
        // Positions wanted: ⌊h⌋ and ⌊h⌋ + 1 of each q.
        let mut wanted: Vec<(f64, usize)> = Vec::with_capacity(qs.len() * 2);
        for (i, q) in qs.iter().enumerate() {
            if (0.0..=100.0).contains(q) {
                let h = (q / 100.0 * (total - 1.0)).max(0.0);
                wanted.push((h.floor(), 2 * i));
                wanted.push((h.floor() + 1.0, 2 * i + 1));
            }
        }
        wanted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let last = self
            .sorted
            .iter()
            .rev()
            .find(|(_, p)| w[*p as usize] > 0.0)
            .map_or(f64::NAN, |(v, _)| *v);
        let mut at = vec![last; qs.len() * 2];
        let mut next = wanted.iter().peekable();
        let mut cumulative = 0.0;
        for (v, p) in &self.sorted {
            cumulative += w[*p as usize];
            while let Some((pos, slot)) = next.peek() {
                if cumulative > *pos {
                    at[*slot] = *v;
                    next.next();
                } else {
                    break;
                }
            }
            if next.peek().is_none() {
                break;
            }
        }
        qs.iter()
            .enumerate()
            .map(|(i, q)| {
                if !(0.0..=100.0).contains(q) {
                    return None;
                }
                let h = (q / 100.0 * (total - 1.0)).max(0.0);
                let t = h - h.floor();
                Some(lerp(at[2 * i], at[2 * i + 1], t))
            })
            .collect()
    }
}
