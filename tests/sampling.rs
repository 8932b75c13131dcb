//! Native tests of `stats::sample`: the page allocation, the drawn offsets, the census,
//! the weighted figures against hand-computed (numpy) values, and the 95 % interval's
//! coverage on populations whose exact figures are known.

// Native only: the browser build of the tests has no proptest.
#![cfg(not(target_arch = "wasm32"))]

use call_dashboard::stats::{
    allocate, pages_of, percentile_sorted, seed_from, time_strata, Estimate, Estimator, SamplePlan,
    SampledPage, SplitMix64, Statistic, StratumSample, DEFAULT_REPLICATES,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .expect("a valid instant")
}

// ---- the generator and the seed ------------------------------------------------

#[test]
fn splitmix64_and_fnv1a_match_their_reference_values() {
    // Vigna's splitmix64.c from state 0; FNV-1a 64 of "" and "a" (the FNV test vectors).
    let mut rng = SplitMix64::new(0);
    assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
    assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    assert_eq!(seed_from(""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(seed_from("a"), 0xaf63_dc4c_8601_ec8c);
    assert_ne!(seed_from("status=connected"), seed_from("status=failed"));
}

#[test]
fn below_stays_below() {
    let mut rng = SplitMix64::new(7);
    assert!((0..1000).all(|_| rng.below(3) < 3));
    assert_eq!(rng.below(0), 0);
    assert!((0..1000).all(|_| (0.0..1.0).contains(&rng.unit())));
}

// ---- strata ----------------------------------------------------------------------

#[test]
fn strata_are_equal_contiguous_and_cover_the_range() {
    let (a, b) = (t0(), t0() + Duration::days(30));
    let s = time_strata(a, b, 24);
    assert_eq!(s.len(), 24);
    assert_eq!(s[0].0, a);
    assert_eq!(s[23].1, b);
    for w in s.windows(2) {
        assert_eq!(w[0].1, w[1].0);
    }
    assert!(s.iter().all(|(x, y)| *y - *x == Duration::minutes(30 * 60)));
}

#[test]
fn a_short_range_gets_fewer_strata() {
    let check = |secs: i64, k: usize, expected: usize| {
        let s = time_strata(t0(), t0() + Duration::seconds(secs), k);
        assert_eq!(s.len(), expected, "{secs} s in {k}");
        if let (Some(first), Some(last)) = (s.first(), s.last()) {
            assert_eq!(first.0, t0());
            assert_eq!(last.1, t0() + Duration::seconds(secs));
        }
    };
    check(300, 24, 5);
    check(59, 24, 1);
    check(1, 24, 1);
    check(0, 24, 0);
    check(-5, 24, 0);
    check(86_400, 0, 0);
    // 100 s in 3: 34 s wide would give three; the 60 s floor gives one.
    check(100, 3, 1);
    check(7 * 86_400 + 1, 24, 24);
}

// ---- allocation ------------------------------------------------------------------

#[test]
fn allocation_by_hand() {
    let check = |totals: &[u64], page: u64, budget: u64, expected: &[u64]| {
        assert_eq!(
            allocate(totals, page, budget),
            expected,
            "{totals:?} pages of {page}, budget {budget}"
        );
    };
    check(&[1000, 3000], 100, 8, &[2, 6]);
    // Quotas 1.5, 2.5, 6: the tie goes to the first stratum.
    check(&[1500, 2500, 6000], 100, 10, &[2, 2, 6]);
    // An empty stratum gets nothing; a tiny one still gets its page.
    check(&[0, 10, 9990], 100, 10, &[0, 1, 9]);
    // The small stratum's floor of 1 is above its quota 0.3; the equal remainders of
    // 9.85 go first to the first stratum.
    check(&[150, 5000, 5000], 100, 20, &[1, 10, 9]);
    // The budget covers everything: the census.
    check(&[150, 250, 0], 100, 50, &[2, 3, 0]);
    // Fewer pages than non-empty strata: the largest strata get one each.
    check(&[10, 500, 300, 20], 100, 2, &[0, 1, 1, 0]);
    check(&[], 100, 10, &[]);
    check(&[0, 0], 100, 10, &[0, 0]);
    // Pages of 1000.
    check(&[120_000, 40_000, 40_000], 1000, 10, &[6, 2, 2]);
}

proptest! {
    #[test]
    fn allocation_keeps_its_rules(
        totals in proptest::collection::vec(0u64..50_000, 0..30),
        big in proptest::bool::ANY,
        budget in 0u64..400,
    ) {
        let page = if big { 1000 } else { 100 };
        let a = allocate(&totals, page, budget);
        let caps: Vec<u64> = totals.iter().map(|t| pages_of(*t, page)).collect();
        let all: u64 = caps.iter().sum();
        prop_assert_eq!(a.iter().sum::<u64>(), budget.min(all));
        for h in 0..totals.len() {
            prop_assert!(a[h] <= caps[h]);
        }
        let non_empty = totals.iter().filter(|t| **t > 0).count() as u64;
        if budget >= non_empty {
            for h in 0..totals.len() {
                prop_assert!(totals[h] == 0 || a[h] >= 1, "{:?} {:?}", totals, a);
            }
        }
    }

    #[test]
    fn allocation_is_proportional_when_nothing_binds(
        totals in proptest::collection::vec(10_000u64..100_000, 1..24),
        budget in 24u64..200,
    ) {
        // Where every quota is at least 1 no floor of 1 moves a page, and below the
        // census a quota never exceeds a stratum's pages: pure largest remainder.
        let n: u64 = totals.iter().sum();
        let quota: Vec<f64> = totals.iter().map(|t| budget as f64 * *t as f64 / n as f64).collect();
        prop_assume!(quota.iter().all(|q| *q >= 1.0));
        prop_assume!(budget < totals.iter().map(|t| pages_of(*t, 100)).sum::<u64>());
        let a = allocate(&totals, 100, budget);
        for h in 0..totals.len() {
            prop_assert!((a[h] as f64 - quota[h]).abs() < 1.0, "{:?} {:?}", quota, a);
        }
    }
}

// ---- the plan ----------------------------------------------------------------------

fn plan(seed: u64) -> SamplePlan {
    let bounds = time_strata(t0(), t0() + Duration::days(3), 6);
    let totals = [12_345, 0, 801, 40_000, 99, 7_000];
    SamplePlan::new(&bounds, &totals, 100, 60, seed)
}

#[test]
fn offsets_are_distinct_aligned_in_range_and_as_allocated() {
    let p = plan(42);
    assert!(!p.exact);
    assert_eq!(p.page_count(), 60);
    let expected = allocate(&[12_345, 0, 801, 40_000, 99, 7_000], 100, 60);
    for (s, n) in p.strata.iter().zip(expected) {
        assert_eq!(s.offsets.len() as u64, n);
        assert!(
            s.offsets.windows(2).all(|w| w[0] < w[1]),
            "ascending, distinct"
        );
        assert!(s.offsets.iter().all(|o| o % 100 == 0 && *o < s.total));
        assert_eq!(s.pages, pages_of(s.total, 100));
    }
}

#[test]
fn the_same_seed_draws_the_same_pages_and_another_seed_others() {
    assert_eq!(plan(42), plan(42));
    assert_eq!(plan(seed_from("a")), plan(seed_from("a")));
    let (a, b) = (plan(42), plan(43));
    assert_ne!(a.strata[0].offsets, b.strata[0].offsets);
    assert_ne!(a.strata[3].offsets, b.strata[3].offsets);
}

#[test]
fn a_budget_covering_every_page_is_the_census() {
    let bounds = time_strata(t0(), t0() + Duration::hours(4), 4);
    let totals = [250, 0, 100, 1];
    let p = SamplePlan::new(&bounds, &totals, 100, 7, 1);
    assert!(p.exact);
    let offsets: Vec<Vec<u64>> = p.strata.iter().map(|s| s.offsets.clone()).collect();
    assert_eq!(offsets, vec![vec![0, 100, 200], vec![], vec![0], vec![0]]);
    // One page short is a sample.
    assert!(!SamplePlan::new(&bounds, &totals, 100, 4, 1).exact);
}

// ---- the figures -------------------------------------------------------------------

fn page(calls: u64, values: &[f64]) -> SampledPage {
    SampledPage {
        calls,
        values: values.to_vec(),
    }
}

fn stratum(total: u64, pages: Vec<SampledPage>) -> StratumSample {
    StratumSample { total, pages }
}

#[test]
fn weighted_figures_match_numpy_on_the_repeated_values() {
    // Stratum A: 4 calls, one page of 2 read → weight 2. Stratum B: read whole → weight 1.
    // np.repeat gives [1, 1, 2, 2, 10, 20]:
    // np.percentile(_, [0, 50, 90, 100]) == [1, 2, 15, 20]; mean 6; share > 2 is 2/6.
    let strata = [
        stratum(4, vec![page(2, &[1.0, 2.0])]),
        stratum(2, vec![page(2, &[20.0, 10.0])]),
    ];
    let e = Estimator::new(&strata);
    assert!(!e.is_exact());
    let got = e.point(&[
        Statistic::Percentile(0.0),
        Statistic::Percentile(50.0),
        Statistic::Percentile(90.0),
        Statistic::Percentile(100.0),
        Statistic::Mean,
        Statistic::ShareAbove(2.0),
        Statistic::Percentile(101.0),
    ]);
    let want = [1.0, 2.0, 15.0, 20.0, 6.0, 2.0 / 6.0];
    for (g, w) in got.iter().zip(want) {
        let g = g.expect("a figure");
        assert!((g - w).abs() < 1e-12, "{got:?}");
    }
    assert_eq!(got[6], None);
}

#[test]
fn equal_weights_give_numpy_linear_percentiles() {
    let values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
    let strata = [stratum(
        8,
        vec![page(5, &values[..5]), page(3, &values[5..])],
    )];
    let e = Estimator::new(&strata);
    assert!(e.is_exact());
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    for q in [0.0, 10.0, 25.0, 50.0, 90.0, 95.0, 99.0, 100.0] {
        let got = e.point(&[Statistic::Percentile(q)])[0];
        assert_eq!(got, percentile_sorted(&sorted, q), "q = {q}");
    }
}

#[test]
fn unknown_values_are_left_out_but_their_calls_count_in_the_weights() {
    // Stratum A: 30 calls, a page of 3 with one unknown → weight 10 on 5 and 7.
    // Stratum B: read whole, 1 call of 100. Mean = (50 + 70 + 100) / 21.
    let strata = [
        stratum(30, vec![page(3, &[5.0, 7.0])]),
        stratum(1, vec![page(1, &[100.0])]),
    ];
    let mean = Estimator::new(&strata).point(&[Statistic::Mean])[0].expect("a mean");
    assert!((mean - 220.0 / 21.0).abs() < 1e-12);
    // Non-finite values count as unknown.
    let strata = [stratum(2, vec![page(2, &[f64::NAN, 4.0])])];
    assert_eq!(
        Estimator::new(&strata).point(&[Statistic::Mean]),
        vec![Some(4.0)]
    );
}

#[test]
fn no_known_value_gives_no_figure() {
    let strata = [stratum(100, vec![page(50, &[])])];
    let e = Estimator::new(&strata);
    assert_eq!(
        e.estimate(&[Statistic::Mean, Statistic::Percentile(50.0)], 50, 1),
        vec![None, None]
    );
    assert_eq!(Estimator::new(&[]).point(&[Statistic::Mean]), vec![None]);
}

// ---- intervals -----------------------------------------------------------------------

/// Pages of a population list: the plan's offsets read as the API serves them.
fn read(plan: &SamplePlan, runs: &[Vec<Option<f64>>]) -> Vec<StratumSample> {
    plan.sample(|s, offset| {
        let end = (offset + plan.page_size).min(s.total) as usize;
        SampledPage::of(runs[s.index][offset as usize..end].iter().copied())
    })
}

#[test]
fn a_page_counts_its_calls_and_keeps_the_known_values() {
    let p = SampledPage::of([Some(310.0), None, Some(95.0)]);
    assert_eq!((p.calls, p.values), (3, vec![310.0, 95.0]));
    assert_eq!(SampledPage::of([]), SampledPage::default());
}

/// The exact figures of a population (known values only).
fn truth(runs: &[Vec<Option<f64>>], stats: &[Statistic]) -> Vec<f64> {
    let mut v: Vec<f64> = runs.iter().flatten().flatten().copied().collect();
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    stats
        .iter()
        .map(|s| match *s {
            Statistic::Percentile(q) => percentile_sorted(&v, q).expect("values"),
            Statistic::Mean => v.iter().sum::<f64>() / n,
            Statistic::ShareAbove(t) => v.iter().filter(|x| **x > t).count() as f64 / n,
        })
        .collect()
}

/// Share of `draws` seeded samples whose interval covers each exact figure.
fn coverage(
    runs: &[Vec<Option<f64>>],
    stats: &[Statistic],
    budget: u64,
    draws: u64,
    replicates: usize,
) -> Vec<f64> {
    let exact = truth(runs, stats);
    let bounds = time_strata(t0(), t0() + Duration::days(1), runs.len());
    assert_eq!(bounds.len(), runs.len());
    let totals: Vec<u64> = runs.iter().map(|r| r.len() as u64).collect();
    let mut covered = vec![0u64; stats.len()];
    for d in 0..draws {
        let seed = seed_from(&format!("draw {d}"));
        let plan = SamplePlan::new(&bounds, &totals, 100, budget, seed);
        let got = Estimator::new(&read(&plan, runs)).estimate(stats, replicates, seed);
        for (i, e) in got.iter().enumerate() {
            covered[i] += u64::from(e.expect("a figure").covers(exact[i]));
        }
    }
    covered.iter().map(|c| *c as f64 / draws as f64).collect()
}

#[test]
fn intervals_cover_uniform_values_about_95_percent_of_the_time() {
    // 10 strata of 2,000 values uniform on [0, 1000) in random order: mean ≈ 500,
    // p95 ≈ 950, share over 900 ≈ 10 %; the exact figures are the population's own.
    let mut rng = SplitMix64::new(11);
    let runs: Vec<Vec<Option<f64>>> = (0..10)
        .map(|_| (0..2000).map(|_| Some(rng.unit() * 1000.0)).collect())
        .collect();
    let stats = [
        Statistic::Mean,
        Statistic::Percentile(95.0),
        Statistic::ShareAbove(900.0),
    ];
    let exact = truth(&runs, &stats);
    assert!((exact[0] - 500.0).abs() < 10.0 && (exact[1] - 950.0).abs() < 10.0);
    let cov = coverage(&runs, &stats, 30, 200, 200);
    for c in &cov {
        assert!((0.88..=0.99).contains(c), "coverage {cov:?}");
    }
}

#[test]
fn intervals_cover_a_daily_cycle_with_missing_values() {
    // The calibration example in small: 100,000 calls in 24 hourly strata, volume and
    // lognormal-ish latency following the hour, 3 % unknown, 40 pages of 100, 60 draws.
    let mut rng = SplitMix64::new(5);
    let busy = |h: usize| 0.2 + 0.8 * (-((h as f64 - 14.0) / 4.0).powi(2)).exp();
    let weight: f64 = (0..24).map(busy).sum();
    let runs: Vec<Vec<Option<f64>>> = (0..24)
        .map(|h| {
            let n = (100_000.0 * busy(h) / weight) as usize;
            (0..n)
                .map(|_| {
                    if rng.unit() < 0.03 {
                        return None;
                    }
                    let z = (-2.0 * (1.0 - rng.unit()).ln()).sqrt()
                        * (std::f64::consts::TAU * rng.unit()).cos();
                    Some((650f64.ln() + 0.45 * busy(h) + (0.35 + 0.15 * busy(h)) * z).exp())
                })
                .collect()
        })
        .collect();
    let stats = [
        Statistic::Percentile(50.0),
        Statistic::Percentile(95.0),
        Statistic::Mean,
        Statistic::ShareAbove(1500.0),
    ];
    let cov = coverage(&runs, &stats, 40, 60, DEFAULT_REPLICATES);
    for c in &cov {
        assert!((0.85..=1.0).contains(c), "coverage {cov:?}");
    }
}

#[test]
fn a_census_collapses_the_interval_to_the_exact_value() {
    let runs: Vec<Vec<Option<f64>>> = vec![
        (0..250).map(|i| Some(f64::from(i))).collect(),
        (0..130)
            .map(|i| {
                if i % 10 == 0 {
                    None
                } else {
                    Some(f64::from(i) * 3.0)
                }
            })
            .collect(),
    ];
    let bounds = time_strata(t0(), t0() + Duration::hours(2), 2);
    let plan = SamplePlan::new(&bounds, &[250, 130], 100, 1000, 9);
    assert!(plan.exact);
    let stats = [
        Statistic::Mean,
        Statistic::Percentile(95.0),
        Statistic::ShareAbove(200.0),
    ];
    let e = Estimator::new(&read(&plan, &runs));
    assert!(e.is_exact());
    let exact = truth(&runs, &stats);
    for (got, want) in e.estimate(&stats, DEFAULT_REPLICATES, 9).iter().zip(exact) {
        let Some(Estimate { value, low, high }) = *got else {
            panic!("a figure")
        };
        assert!((value - want).abs() < 1e-9, "{value} vs {want}");
        assert_eq!((low, high), (value, value));
    }
}

#[test]
fn a_fully_read_stratum_adds_no_variance_and_intervals_are_reproducible() {
    // Stratum A read whole; stratum B sampled. Only B's pages move between replicates,
    // so with B's values all equal the interval collapses.
    let strata = [
        stratum(4, vec![page(2, &[1.0, 9.0]), page(2, &[3.0, 50.0])]),
        stratum(
            1000,
            vec![
                page(2, &[7.0, 7.0]),
                page(2, &[7.0, 7.0]),
                page(2, &[7.0, 7.0]),
            ],
        ),
    ];
    let e = Estimator::new(&strata).estimate(&[Statistic::Mean], 100, 3)[0].expect("a mean");
    assert!((e.high - e.low).abs() < 1e-12, "{e:?}");
    // B's values differ: the interval opens, the same seed gives the same interval.
    let mut strata = strata;
    strata[1].pages[0].values = vec![1.0, 2.0];
    let a = Estimator::new(&strata).estimate(&[Statistic::Mean], 100, 3);
    let b = Estimator::new(&strata).estimate(&[Statistic::Mean], 100, 3);
    assert_eq!(a, b);
    let a = a[0].expect("a mean");
    assert!(a.low < a.value && a.value < a.high, "{a:?}");
}

#[test]
fn a_sample_with_no_stratum_of_two_pages_cannot_bound_its_interval() {
    // Two strata, one page read of each, neither whole: the spread is unknown, so the
    // interval is unbounded rather than a false zero width.
    let strata = [
        stratum(400, vec![page(2, &[1.0, 9.0])]),
        stratum(400, vec![page(2, &[3.0, 5.0])]),
    ];
    let e = Estimator::new(&strata).estimate(&[Statistic::Mean], 100, 3)[0].expect("a mean");
    assert!((e.value - 4.5).abs() < 1e-12);
    assert!(!e.is_bounded(), "{e:?}");
    assert_eq!(
        call_dashboard::stats::Kpi::MeanTotalLatency.interval_text(e),
        call_dashboard::stats::UNBOUNDED
    );
    // Asked for no replicates, it is the point alone (collapsed), as before.
    let e = Estimator::new(&strata).estimate(&[Statistic::Mean], 0, 3)[0].unwrap();
    assert_eq!((e.low, e.high), (e.value, e.value));
}
