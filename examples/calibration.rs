//! Checks the sampled estimates (`stats::SamplePlan`, `stats::Estimator`) against a
//! population whose exact figures are known: do the 95 % intervals cover the truth about
//! 95 % of the time, and how far is the estimate off?
//!
//! Run with `cargo run --release --example calibration [-- --draws N]` (`make
//! bench-calibration`). A report, not a test: a figure outside its band prints MISS.
//!
//! The population is 1,000,000 calls generated deterministically (splitmix64) over 30
//! days with a daily cycle in volume (busiest mid-afternoon UTC), total latency
//! lognormal-ish with a median and spread that rise with the load of the hour and a 2 %
//! slow tail, and 3 % of calls without a latency. Each draw plans 120 pages of 100 calls
//! over 24 time strata from its own seed, reads those pages as the API would serve them
//! (newest first within the stratum), and estimates p50, p95, the mean and the share over
//! the 1500 ms SLO with 400 bootstrap replicates. No HTTP.

use std::time::Instant;

use call_dashboard::stats::{
    percentile_sorted, seed_from, time_strata, Estimator, SamplePlan, SampledPage, SplitMix64,
    Statistic, DEFAULT_REPLICATES,
};
use chrono::{DateTime, Duration, Utc};

const CALLS: usize = 1_000_000;
const DAYS: i64 = 30;
const STRATA: usize = 24;
const PAGE_SIZE: u64 = 100;
const BUDGET: u64 = 120;
const SLO_MS: f64 = 1500.0;
const DEFAULT_DRAWS: usize = 500;
/// The band a 95 % interval's coverage should fall in over the draws.
const COVERAGE_BAND: (f64, f64) = (0.925, 0.975);
/// The largest median relative error allowed for p95.
const P95_ERROR: f64 = 0.02;

/// One generated call: seconds since the range's start and its total latency, if known.
#[derive(Clone, Copy)]
struct Call {
    at: i64,
    total_ms: Option<f64>,
}

/// How busy an hour of the day is, 0.2 at night to 1.0 at 14:00 UTC.
fn load(hour: f64) -> f64 {
    let d = (hour - 14.0) / 4.0;
    0.2 + 0.8 * (-d * d).exp()
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut SplitMix64) -> f64 {
    let u = 1.0 - rng.unit();
    let v = rng.unit();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// `n` calls over `DAYS` days, newest first (as the API orders them).
fn population(n: usize, seed: u64) -> Vec<Call> {
    let mut rng = SplitMix64::new(seed);
    let span = (DAYS * 86_400) as u64;
    let mut calls = Vec::with_capacity(n);
    while calls.len() < n {
        let at = rng.below(span) as i64;
        let hour = (at % 86_400) as f64 / 3600.0;
        let busy = load(hour);
        if rng.unit() >= busy {
            continue;
        }
        let total_ms = if rng.unit() < 0.03 {
            None
        } else {
            let mu = 650f64.ln() + 0.45 * busy;
            let sigma = 0.35 + 0.15 * busy;
            let slow = if rng.unit() < 0.02 { 3.0 } else { 1.0 };
            Some((mu + sigma * normal(&mut rng)).exp() * slow)
        };
        calls.push(Call { at, total_ms });
    }
    calls.sort_by_key(|c| std::cmp::Reverse(c.at));
    calls
}

/// The figures estimated, in the order printed.
const FIGURES: [(&str, Statistic); 4] = [
    ("p50 total latency (ms)", Statistic::Percentile(50.0)),
    ("p95 total latency (ms)", Statistic::Percentile(95.0)),
    ("mean total latency (ms)", Statistic::Mean),
    ("share over 1500 ms", Statistic::ShareAbove(SLO_MS)),
];

/// The exact figures over every call with a latency.
fn exact(calls: &[Call]) -> Vec<f64> {
    let mut v: Vec<f64> = calls.iter().filter_map(|c| c.total_ms).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    FIGURES
        .iter()
        .map(|(_, s)| match *s {
            Statistic::Percentile(q) => percentile_sorted(&v, q).unwrap_or(f64::NAN),
            Statistic::Mean => v.iter().sum::<f64>() / n,
            Statistic::ShareAbove(t) => v.iter().filter(|x| **x > t).count() as f64 / n,
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    percentile_sorted(&v, 50.0).unwrap_or(f64::NAN)
}

fn draws_arg() -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--draws")
        .and_then(|i| args.get(i + 1))
        .map(|n| {
            n.parse().unwrap_or_else(|_| {
                eprintln!("--draws takes a number, not {n:?}");
                std::process::exit(2)
            })
        })
        .unwrap_or(DEFAULT_DRAWS)
}

fn main() {
    let draws = draws_arg();
    let start: DateTime<Utc> = DateTime::from_timestamp(1_793_491_200, 0).unwrap_or_default();
    let end = start + Duration::days(DAYS);
    let made = Instant::now();
    let calls = population(CALLS, 0x5EED);
    let truth = exact(&calls);

    // Each stratum's calls are one run of the newest-first list.
    let bounds = time_strata(start, end, STRATA);
    let runs: Vec<&[Call]> = bounds
        .iter()
        .map(|(s, e)| {
            let (s, e) = ((*s - start).num_seconds(), (*e - start).num_seconds());
            let first = calls.partition_point(|c| c.at >= e);
            let last = calls.partition_point(|c| c.at >= s);
            &calls[first..last]
        })
        .collect();
    let totals: Vec<u64> = runs.iter().map(|r| r.len() as u64).collect();
    println!(
        "population: {} calls over {DAYS} days ({:.1} s to generate), {} strata, {BUDGET} pages of {PAGE_SIZE}, {DEFAULT_REPLICATES} replicates, {draws} draws",
        calls.len(),
        made.elapsed().as_secs_f64(),
        bounds.len()
    );

    let stats: Vec<Statistic> = FIGURES.iter().map(|(_, s)| *s).collect();
    let mut covered = [0usize; FIGURES.len()];
    let mut errors: Vec<Vec<f64>> = vec![Vec::with_capacity(draws); FIGURES.len()];
    let mut widths: Vec<Vec<f64>> = vec![Vec::with_capacity(draws); FIGURES.len()];
    let ran = Instant::now();
    for d in 0..draws {
        let seed = seed_from(&format!("calibration draw {d}"));
        let plan = SamplePlan::new(&bounds, &totals, PAGE_SIZE, BUDGET, seed);
        let sample = plan.sample(|s, offset| {
            let run = runs[s.index];
            SampledPage::of(
                run[offset as usize..(offset + PAGE_SIZE).min(s.total) as usize]
                    .iter()
                    .map(|c| c.total_ms),
            )
        });
        let estimates = Estimator::new(&sample).estimate(&stats, DEFAULT_REPLICATES, seed);
        for (i, e) in estimates.iter().enumerate() {
            let Some(e) = e else { continue };
            covered[i] += usize::from(e.covers(truth[i]));
            errors[i].push((e.value - truth[i]).abs() / truth[i].abs());
            widths[i].push((e.high - e.low) / truth[i].abs());
        }
    }
    println!("{draws} draws in {:.1} s\n", ran.elapsed().as_secs_f64());
    println!(
        "{:<25} {:>12} {:>9} {:>11} {:>12}  verdict",
        "figure", "exact", "coverage", "median err", "median width"
    );
    let mut missed = 0;
    for (i, (name, stat)) in FIGURES.iter().enumerate() {
        let coverage = covered[i] as f64 / draws.max(1) as f64;
        let err = median(errors[i].clone());
        let width = median(widths[i].clone());
        let coverage_ok = (COVERAGE_BAND.0..=COVERAGE_BAND.1).contains(&coverage);
        let error_ok = *stat != Statistic::Percentile(95.0) || err <= P95_ERROR;
        let verdict = if coverage_ok && error_ok {
            "PASS"
        } else {
            "MISS"
        };
        missed += usize::from(verdict == "MISS");
        let exact = if matches!(stat, Statistic::ShareAbove(_)) {
            format!("{:.3} %", truth[i] * 100.0)
        } else {
            format!("{:.1}", truth[i])
        };
        println!(
            "{name:<25} {exact:>12} {:>8.1} % {:>9.2} % {:>10.2} %  {verdict}",
            coverage * 100.0,
            err * 100.0,
            width * 100.0
        );
    }
    println!(
        "\ncoverage band {:.1}–{:.1} %; p95's median relative error at most {:.0} %. Width is the interval's, relative to the exact value.",
        COVERAGE_BAND.0 * 100.0,
        COVERAGE_BAND.1 * 100.0,
        P95_ERROR * 100.0
    );
    if missed > 0 {
        println!("{missed} figure(s) MISS");
    }
}
