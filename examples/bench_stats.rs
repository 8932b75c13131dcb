//! Times `Analysis::compute` over 100,000 synthetic calls against the 20 ms browser budget.
//!
//! Run with `cargo run --release --example bench_stats`. The calls are generated
//! deterministically (xorshift), spread over 7 days and 12 trunks, with a small share of
//! failed, disconnected and unknown statuses and a long latency tail. Native code runs
//! about 1.5–2× faster than wasm, so the native target is 8 ms.

use std::time::Instant;

use call_dashboard::api::{Call, CallStatus};
use call_dashboard::stats::{Analysis, AnalysisOptions};
use chrono::{DateTime, Duration};

const CALLS: usize = 100_000;
const RUNS: usize = 15;
const BROWSER_BUDGET_MS: f64 = 20.0;
const NATIVE_TARGET_MS: f64 = 8.0;

/// Marsaglia's xorshift64: deterministic, no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn synthetic_calls(n: usize) -> Vec<Call> {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let end = DateTime::from_timestamp(1_732_000_000, 0).unwrap_or_default();
    let week = 7 * 86_400;
    (0..n)
        .map(|i| {
            let status = match rng.below(100) {
                0..=84 => CallStatus::Connected,
                85..=92 => CallStatus::Disconnected,
                93..=98 => CallStatus::Failed,
                _ => CallStatus::Other("queued".to_owned()),
            };
            // A long tail: one call in fifty is ten times slower.
            let slow = if rng.below(50) == 0 { 10 } else { 1 };
            let start = end - Duration::seconds(rng.below(week) as i64);
            Call {
                id: format!("call_{i:08}"),
                trunk_id: format!("conn_trunk{:02}", rng.below(12)),
                from: "+1-555-123-4567".to_owned(),
                to: "+1-555-987-6543".to_owned(),
                duration_seconds: rng.below(900),
                start_time: start,
                end_time: Some(start + Duration::seconds(60)),
                carrier_lag_ms: Some(40 + rng.below(120) as u32 * slow),
                ai_latency_ms: Some(120 + rng.below(400) as u32 * slow),
                gateway_processing_ms: Some(5 + rng.below(40) as u32),
                status,
            }
        })
        .collect()
}

fn main() {
    let calls = synthetic_calls(CALLS);
    let opts = AnalysisOptions::default();
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t0 = Instant::now();
            let a = Analysis::compute(&calls, &opts);
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            std::hint::black_box(a);
            ms
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[RUNS / 2];
    let a = Analysis::compute(&calls, &opts);
    println!(
        "Analysis::compute over {CALLS} calls: median {median:.2} ms of {RUNS} runs (min {:.2}, max {:.2})",
        times[0],
        times[RUNS - 1]
    );
    println!(
        "  {} buckets of {:?}, {} trunks, {} histogram bins",
        a.buckets.buckets.len(),
        a.buckets.width,
        a.trunks.len(),
        a.distribution.histogram.counts.len()
    );
    println!(
        "  native target {NATIVE_TARGET_MS} ms ({}), browser budget {BROWSER_BUDGET_MS} ms (wasm ≈ 1.5–2× native: ≈ {:.1}–{:.1} ms)",
        if median <= NATIVE_TARGET_MS { "met" } else { "MISSED" },
        median * 1.5,
        median * 2.0
    );
}
