//! Native tests of a range described by a sample (`stats::sampled`): the strata are the
//! chart's buckets, the counts stay exact, a census gives the exact figures with no
//! interval, a sample's intervals hold the population's figures, and what "Compute
//! exactly" is said to cost.

use call_dashboard::api::{Call, CallStatus};
use call_dashboard::gather::exact_cost;
use call_dashboard::live::RateLimit;
use call_dashboard::stats::{
    sample_strata, Analysis, AnalysisOptions, BucketWidth, Kpi, SamplePlan, SampledSet,
    SampledStratum, SplitMix64, StatusCounts, StatusKind, SAMPLE_BUCKETS, SAMPLE_PAGE,
    SAMPLE_PAGES,
};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("a valid instant")
}

// ---- the strata ----------------------------------------------------------------

#[test]
fn strata_are_the_charts_buckets_clipped_to_the_range_and_contiguous() {
    let (lo, hi) = (at(2026, 11, 19, 12, 7, 30), at(2026, 11, 20, 12, 7, 30));
    let (width, strata) = sample_strata(lo, hi, SAMPLE_BUCKETS);
    // 24 h in at most 48 buckets: half-hours, 49 of them once aligned.
    assert_eq!(width, BucketWidth::Hour1);
    assert!(strata.len() <= SAMPLE_BUCKETS);
    assert_eq!(strata.len(), 25);
    assert_eq!(strata[0], (lo, at(2026, 11, 19, 12, 59, 59)));
    assert_eq!(strata[1].0, at(2026, 11, 19, 13, 0, 0));
    assert_eq!(strata.last().map(|s| s.1), Some(hi));
    for w in strata.windows(2) {
        assert_eq!(w[1].0, w[0].1 + Duration::seconds(1), "no gap, no overlap");
    }
    // The chart's own choice for the same range and bucket count.
    assert_eq!(
        width,
        BucketWidth::choose(lo.timestamp(), hi.timestamp(), SAMPLE_BUCKETS)
    );
    // 30 days: days.
    let (width, strata) = sample_strata(hi - Duration::days(30), hi, SAMPLE_BUCKETS);
    assert_eq!(width, BucketWidth::Day1);
    assert_eq!(strata.len(), 31);
    // A single second is one stratum.
    assert_eq!(sample_strata(lo, lo, SAMPLE_BUCKETS).1, vec![(lo, lo)]);
}

// ---- a population and its sample -----------------------------------------------

/// `n` calls over the 24 h before `end`, newest first (API order): latencies with a
/// long tail that grows in the afternoon, about a tenth failed, every 50th answered
/// call without latency.
fn population(n: usize, end: DateTime<Utc>, seed: u64) -> Vec<Call> {
    let mut rng = SplitMix64::new(seed);
    let mut calls: Vec<Call> = (0..n)
        .map(|i| {
            let start = end - Duration::seconds(rng.below(86_400) as i64);
            let status = match rng.below(100) {
                0..=9 => "failed",
                10..=17 => "disconnected",
                _ => "connected",
            };
            let afternoon = start.format("%H").to_string().parse::<u32>().unwrap_or(0) >= 12;
            let tail = (-rng.unit().max(1e-9).ln() * if afternoon { 260.0 } else { 160.0 }) as u32;
            let known = i % 50 != 0;
            Call {
                id: format!("call_{i}"),
                trunk_id: format!("conn_{}", rng.below(4)),
                from: "+1".into(),
                to: "+2".into(),
                status: CallStatus::from_wire(status),
                duration_seconds: if status == "failed" {
                    0
                } else {
                    20 + rng.below(300)
                },
                start_time: start,
                end_time: Some(start),
                carrier_lag_ms: known.then_some(40 + (rng.below(60) as u32)),
                ai_latency_ms: known.then_some(150 + tail),
                gateway_processing_ms: known.then_some(15 + (rng.below(20) as u32)),
            }
        })
        .collect();
    calls.sort_by_key(|c| std::cmp::Reverse(c.start_time));
    calls
}

/// Reads a sample of `population` as the gatherer does: strata counted exactly, pages
/// of each stratum's newest-first list at the plan's offsets. `budget` pages.
fn sample_of(
    population: &[Call],
    lo: DateTime<Utc>,
    hi: DateTime<Utc>,
    budget: u64,
    seed: u64,
) -> (Vec<Call>, SampledSet) {
    let (width, bounds) = sample_strata(lo, hi, SAMPLE_BUCKETS);
    let within: Vec<Vec<&Call>> = bounds
        .iter()
        .map(|(a, b)| {
            population
                .iter()
                .filter(|c| c.start_time >= *a && c.start_time <= *b)
                .collect()
        })
        .collect();
    let counts: Vec<StatusCounts> = within
        .iter()
        .map(|cs| {
            let mut k = StatusCounts::default();
            cs.iter().for_each(|c| k.add(StatusKind::of(&c.status)));
            k
        })
        .collect();
    let totals: Vec<u64> = counts.iter().map(StatusCounts::total).collect();
    let plan = SamplePlan::new(&bounds, &totals, u64::from(SAMPLE_PAGE), budget, seed);
    let mut calls = Vec::new();
    let strata = plan
        .strata
        .iter()
        .map(|s| SampledStratum {
            start: bounds[s.index].0,
            end: bounds[s.index].1,
            counts: counts[s.index],
            pages: s
                .offsets
                .iter()
                .map(|&o| {
                    let from = calls.len();
                    let page = within[s.index]
                        .iter()
                        .skip(o as usize)
                        .take(SAMPLE_PAGE as usize);
                    calls.extend(page.map(|c| (*c).clone()));
                    from..calls.len()
                })
                .collect(),
        })
        .collect();
    // Every trunk counted exactly, as the gatherer does with one-row requests.
    let mut trunks: Vec<(String, StatusCounts)> = Vec::new();
    for c in population
        .iter()
        .filter(|c| c.start_time >= lo && c.start_time <= hi)
    {
        match trunks.iter_mut().find(|(id, _)| id == &c.trunk_id) {
            Some((_, k)) => k.add(StatusKind::of(&c.status)),
            None => {
                let mut k = StatusCounts::default();
                k.add(StatusKind::of(&c.status));
                trunks.push((c.trunk_id.clone(), k));
            }
        }
    }
    (
        calls,
        SampledSet {
            strata,
            width,
            seed,
            trunks,
        },
    )
}

/// The trunk row of `id` in `a`.
fn row_of<'a>(a: &'a Analysis, id: &str) -> &'a call_dashboard::stats::TrunkRow {
    a.trunks
        .iter()
        .find(|r| r.trunk_id == id)
        .expect("the trunk has a row")
}

fn end() -> DateTime<Utc> {
    at(2026, 11, 20, 12, 0, 0)
}

fn opts() -> AnalysisOptions {
    AnalysisOptions {
        range: (Some(end() - Duration::hours(24)), Some(end())),
        ..AnalysisOptions::default()
    }
}

#[test]
fn a_census_gives_the_exact_figures_with_no_interval() {
    let pop = population(3_000, end(), 1);
    let (lo, hi) = (end() - Duration::hours(24), end());
    let (calls, set) = sample_of(&pop, lo, hi, 10_000, 5);
    assert_eq!(calls.len(), pop.len(), "every page read");
    let sampled = Analysis::compute_sampled(&calls, &set, &opts(), 200);
    let exact = Analysis::compute(&pop, &opts());
    assert_eq!(sampled.report.counts, exact.report.counts);
    for kpi in Kpi::ALL {
        let (s, e) = (kpi.value(&sampled).unwrap(), kpi.value(&exact).unwrap());
        assert!(
            (s - e).abs() <= 1e-6 * e.abs().max(1.0),
            "{kpi:?}: {s} vs {e}"
        );
        if let Some(est) = kpi.estimate(&sampled) {
            assert_eq!((est.low, est.high), (est.value, est.value), "{kpi:?}");
        }
    }
    // Trunk percentiles equal the exact ones, with no width.
    for row in &sampled.trunks {
        let truth = row_of(&exact, &row.trunk_id);
        let iv = row.intervals.as_ref().unwrap();
        let p95 = iv.total[1].unwrap();
        assert!((p95.value - truth.p95.total.unwrap()).abs() < 1e-6);
        assert_eq!(p95.low, p95.high);
    }
    // The buckets are the strata, counted exactly.
    assert_eq!(sampled.buckets.buckets.len(), set.strata.len());
    for (b, s) in sampled.buckets.buckets.iter().zip(&set.strata) {
        assert_eq!(b.counts, s.counts);
    }
}

#[test]
fn a_sample_keeps_counts_exact_and_its_intervals_hold_the_populations_figures() {
    let pop = population(60_000, end(), 2);
    let (lo, hi) = (end() - Duration::hours(24), end());
    let (calls, set) = sample_of(&pop, lo, hi, SAMPLE_PAGES, 11);
    // 120 pages of 100, less what the last page of a stratum lacks.
    let read = calls.len() as u64;
    assert!(
        read <= SAMPLE_PAGES * u64::from(SAMPLE_PAGE) && read > 11_000,
        "{read}"
    );
    let sampled = Analysis::compute_sampled(&calls, &set, &opts(), 400);
    let exact = Analysis::compute(&pop, &opts());
    // Exact: the total, the shares and every bucket's counts.
    assert_eq!(sampled.report.counts, exact.report.counts);
    // (The sampled view's buckets are at most SAMPLE_BUCKETS wide; so are these.)
    let coarse = AnalysisOptions {
        max_buckets: SAMPLE_BUCKETS,
        ..opts()
    };
    let exact_buckets: Vec<StatusCounts> = Analysis::compute(&pop, &coarse)
        .buckets
        .buckets
        .iter()
        .map(|b| b.counts)
        .collect();
    // Each bucket's p95 comes with an interval; most hold the bucket's own p95 (a
    // bucket is read in two or three pages, so a few may miss: 95 % nominal).
    let exact_coarse = Analysis::compute(&pop, &coarse);
    let (mut with, mut covered) = (0, 0);
    for (b, truth) in sampled
        .buckets
        .buckets
        .iter()
        .zip(&exact_coarse.buckets.buckets)
    {
        if let (Some(iv), Some(x)) = (b.p95_interval, truth.p95.total) {
            with += 1;
            covered += usize::from(iv.covers(x));
        }
    }
    assert!(with >= 24, "{with} buckets with an interval");
    assert!(covered * 10 >= with * 8, "{covered} of {with} cover");
    let sampled_buckets: Vec<StatusCounts> =
        sampled.buckets.buckets.iter().map(|b| b.counts).collect();
    assert_eq!(sampled_buckets, exact_buckets);
    // Exact: each trunk's calls, failed and connected.
    let counts = |a: &Analysis| {
        let mut rows: Vec<(String, u64, u64, u64)> = a
            .trunks
            .iter()
            .map(|r| (r.trunk_id.clone(), r.calls, r.failed, r.connected))
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(counts(&sampled), counts(&exact));
    assert!(sampled.trunks.iter().all(|r| r.p95.total.is_some()));
    // Each trunk's p50 and p95 are estimates whose intervals hold the trunk's own.
    for row in &sampled.trunks {
        let truth = row_of(&exact, &row.trunk_id);
        let iv = row.intervals.as_ref().expect("a sampled row has intervals");
        for seg in call_dashboard::stats::Segment::ALL {
            let [p50, p95] = *iv.get(seg);
            let (p50, p95) = (p50.unwrap(), p95.unwrap());
            assert_eq!(row.p95.get(seg).unwrap(), p95.value);
            // (A narrow discrete segment, such as the gateway's 15–34 ms, may give a
            // p50 whose every replicate lands on one value; the total never does.)
            assert!(p50.low <= p50.high && p95.low <= p95.high);
            if seg == call_dashboard::stats::Segment::Total {
                assert!(p95.low < p95.high, "{}", row.trunk_id);
            }
            assert!(
                p50.covers(truth.p50.get(seg).unwrap()),
                "{} {seg:?} p50",
                row.trunk_id
            );
            assert!(
                p95.covers(truth.p95.get(seg).unwrap()),
                "{} {seg:?} p95",
                row.trunk_id
            );
        }
    }
    for kpi in [
        Kpi::TotalCalls,
        Kpi::ConnectedShare,
        Kpi::FailedShare,
        Kpi::DisconnectedShare,
    ] {
        assert!(!kpi.is_estimated(&sampled));
        assert_eq!(kpi.value(&sampled), kpi.value(&exact), "{kpi:?}");
    }
    // Estimated: every interval holds the population's figure and is not degenerate.
    for kpi in [
        Kpi::TalkTimeHours,
        Kpi::MeanTotalLatency,
        Kpi::P95TotalLatency,
        Kpi::MeanAiLatency,
        Kpi::OverSloShare,
    ] {
        assert!(kpi.is_estimated(&sampled), "{kpi:?}");
        let e = kpi.estimate(&sampled).unwrap();
        let x = kpi.value(&exact).unwrap();
        assert!(e.low < e.high, "{kpi:?}: {e:?}");
        assert!(e.covers(x), "{kpi:?}: {x} outside {e:?}");
        assert!(
            (e.value - x).abs() / x < 0.05,
            "{kpi:?}: {} vs {x}",
            e.value
        );
    }
    let e = sampled.estimates.as_ref().unwrap();
    let thousands = call_dashboard::format::thousands;
    assert_eq!(
        e.label(),
        format!("Estimated from {} of 60,000 calls", thousands(read))
    );
    // Unknown latencies in the sample are counted as the sample's, and said so.
    assert!(sampled.without_latency > 0);
    let note = sampled.without_latency_note().unwrap();
    assert!(
        note.contains(&format!("of the {} sampled calls", thousands(read))),
        "{note}"
    );
}

#[test]
fn the_same_seed_gives_the_same_figures_and_another_seed_others() {
    let pop = population(20_000, end(), 3);
    let (lo, hi) = (end() - Duration::hours(24), end());
    let figures = |seed| {
        let (calls, set) = sample_of(&pop, lo, hi, 40, seed);
        Analysis::compute_sampled(&calls, &set, &opts(), 100).estimates
    };
    assert_eq!(figures(9), figures(9));
    assert_ne!(figures(9), figures(10));
}

#[test]
fn an_estimate_reads_with_its_interval() {
    let e = call_dashboard::stats::Estimate {
        value: 782.4,
        low: 776.2,
        high: 789.0,
    };
    assert_eq!(Kpi::P95TotalLatency.interval_text(e), "95 %: 776 ms–789 ms");
    let s = call_dashboard::stats::Estimate {
        value: 0.05,
        low: 0.042,
        high: 0.055,
    };
    assert_eq!(Kpi::OverSloShare.interval_text(s), "95 %: 4.2%–5.5%");
    // Talk time in whole hours with separators once it is that large.
    assert_eq!(Kpi::TalkTimeHours.format(Some(54_818.5)), "54,819 h");
    assert_eq!(Kpi::TalkTimeHours.format(Some(9_999.94)), "9999.9 h");
}

// ---- what computing exactly costs ------------------------------------------------

#[test]
fn computing_exactly_is_costed_from_the_page_and_the_rate_limit() {
    let rate = |limit| {
        Some(RateLimit {
            limit,
            remaining: limit,
            reset_s: 0,
        })
    };
    // 10,000 pages of 100 at 540 a minute (600 less the tenth kept in reserve): 19 windows.
    assert_eq!(
        exact_cost(1_000_000, 100, rate(600)),
        (
            10_000,
            "10,000 requests, about 19 min at the API's limit of 600 a minute".to_owned()
        )
    );
    assert_eq!(
        exact_cost(1_000_000, 1_000, rate(6_000)).1,
        "1,000 requests, within a minute at the API's limit of 6,000 a minute"
    );
    assert_eq!(
        exact_cost(100_000_000, 100, rate(600)).1,
        "1,000,000 requests, about 30.9 h at the API's limit of 600 a minute"
    );
    assert_eq!(
        exact_cost(150, 100, None).1,
        "2 requests; the API announces no rate limit, so as fast as it answers"
    );
    assert_eq!(
        exact_cost(1, 100, rate(u32::MAX)).1,
        "1 request; the API announces no rate limit, so as fast as it answers"
    );
}

#[test]
fn a_small_budget_asks_for_fewer_wider_buckets() {
    use call_dashboard::stats::strata_for_budget;
    assert_eq!(strata_for_budget(120), SAMPLE_BUCKETS);
    assert_eq!(strata_for_budget(5), 2);
    assert_eq!(strata_for_budget(0), 1);
    // 30 days with 5 pages: two buckets at most, so a week wide (no width in between).
    let hi = at(2026, 11, 20, 12, 0, 0);
    let (width, strata) = sample_strata(hi - Duration::days(30), hi, strata_for_budget(5));
    assert!(
        strata.len() <= 2 || width == BucketWidth::Day1,
        "{width:?} {}",
        strata.len()
    );
}
