//! Native tests of `stats`: every statistic against hand-computed fixtures, and the edges
//! (empty set, one call, all equal, huge values, unknown statuses).

use call_dashboard::api::Call;
use call_dashboard::sort::{Sort, SortDir};
use call_dashboard::stats::*;
use fixtures::{call, utc};

mod fixtures;

/// Two trunks over two hours, one call of each status and one unknown status.
///
/// | call | trunk | status       | start | dur | carrier | ai  | gw  | total |
/// |------|-------|--------------|-------|-----|---------|-----|-----|-------|
/// | a1   | A     | connected    | 10:05 | 342 | 100     | 200 | 10  | 310   |
/// | a2   | A     | connected    | 10:20 | 156 | 120     | 300 | 20  | 440   |
/// | a3   | A     | failed       | 10:40 | 0   | 0       | 0   | 0   | 0     |
/// | b1   | B     | connected    | 10:50 | 60  | 50      | 100 | 5   | 155   |
/// | a4   | A     | disconnected | 11:10 | 30  | 80      | 500 | 30  | 610   |
/// | b2   | B     | ringing      | 11:30 | 0   | 999     | 999 | 999 | 2997  |
fn fixture() -> Vec<Call> {
    vec![
        call("A", "connected", "10:05", 342, [100, 200, 10]),
        call("A", "connected", "10:20", 156, [120, 300, 20]),
        call("A", "failed", "10:40", 0, [0, 0, 0]),
        call("B", "connected", "10:50", 60, [50, 100, 5]),
        call("A", "disconnected", "11:10", 30, [80, 500, 30]),
        call("B", "ringing", "11:30", 0, [999, 999, 999]),
    ]
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * y.abs().max(1.0),
        (None, None) => true,
        _ => false,
    }
}

mod percentile {
    use super::*;

    fn check(values: &[u32], q: f64, expected: Option<f64>) {
        let got = percentile_sorted(values, q);
        assert!(
            close(got, expected),
            "p{q} of {values:?}: {got:?} != {expected:?}"
        );
    }

    #[test]
    fn matches_numpy_linear() {
        // np.percentile([1,2,3,4], [50,90,95,99]) = [2.5, 3.7, 3.85, 3.97]
        check(&[1, 2, 3, 4], 50.0, Some(2.5));
        check(&[1, 2, 3, 4], 90.0, Some(3.7));
        check(&[1, 2, 3, 4], 95.0, Some(3.85));
        check(&[1, 2, 3, 4], 99.0, Some(3.97));
        // np.percentile([15,20,35,40,50], 40) = 29.0: h = 0.4·4 = 1.6 → 20 + 15·0.6
        check(&[15, 20, 35, 40, 50], 40.0, Some(29.0));
        // 10..=100 step 10: h = 0.95·9 = 8.55 → 90 + 10·0.55 = 95.5; p99: 90 + 10·0.91
        check(&[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 95.0, Some(95.5));
        check(&[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 99.0, Some(99.1));
    }

    #[test]
    fn ends_and_edges() {
        check(&[3, 7, 9], 0.0, Some(3.0));
        check(&[3, 7, 9], 100.0, Some(9.0));
        check(&[7], 95.0, Some(7.0));
        check(&[5, 5, 5, 5], 99.0, Some(5.0));
        check(&[], 50.0, None);
        check(&[1, 2], 100.5, None);
        check(&[1, 2], -1.0, None);
        check(&[1, 2], f64::NAN, None);
        check(&[u32::MAX, u32::MAX], 50.0, Some(u32::MAX as f64));
        // h = 0.5 → 0 + (2^32 − 1)·0.5, exact in f64
        check(&[0, u32::MAX], 50.0, Some(u32::MAX as f64 / 2.0));
    }

    #[test]
    fn works_on_f64() {
        assert_eq!(percentile_sorted(&[1.0, 2.0, 3.0, 4.0], 50.0), Some(2.5));
    }
}

mod latency_summary {
    use super::*;

    /// (count, mean, min, max, p50, p90, p95, p99, over-SLO share)
    type Expected = (
        usize,
        Option<f64>,
        Option<u32>,
        Option<u32>,
        [Option<f64>; 4],
        Option<f64>,
    );

    fn check(sorted: &[u32], slo: Option<u32>, expected: Expected) {
        let s = LatencySummary::from_sorted(sorted, slo);
        let (count, mean, min, max, ps, over) = expected;
        assert_eq!((s.count, s.min, s.max), (count, min, max), "{sorted:?}");
        assert!(close(s.mean, mean), "mean {:?} != {mean:?}", s.mean);
        for (got, want) in [s.p50, s.p90, s.p95, s.p99].into_iter().zip(ps) {
            assert!(close(got, want), "{got:?} != {want:?} for {sorted:?}");
        }
        assert!(
            close(s.over_slo_share(), over),
            "over {:?}",
            s.over_slo_share()
        );
    }

    #[test]
    fn hand_computed() {
        // mean 1000/4 = 250; p50 h=1.5 → 250; p90 h=2.7 → 370; p95 h=2.85 → 385;
        // p99 h=2.97 → 397; over 250: 300 and 400 → 2 of 4.
        let ps = [Some(250.0), Some(370.0), Some(385.0), Some(397.0)];
        check(
            &[100, 200, 300, 400],
            Some(250),
            (4, Some(250.0), Some(100), Some(400), ps, Some(0.5)),
        );
        // "Over" is strictly above: nothing exceeds 400.
        check(
            &[100, 200, 300, 400],
            Some(400),
            (4, Some(250.0), Some(100), Some(400), ps, Some(0.0)),
        );
        check(
            &[100, 200, 300, 400],
            None,
            (4, Some(250.0), Some(100), Some(400), ps, None),
        );
    }

    #[test]
    fn edges() {
        check(&[], Some(800), (0, None, None, None, [None; 4], None));
        check(
            &[42],
            Some(800),
            (
                1,
                Some(42.0),
                Some(42),
                Some(42),
                [Some(42.0); 4],
                Some(0.0),
            ),
        );
        let m = u32::MAX;
        let big = Some(m as f64);
        check(
            &[m, m, m],
            Some(800),
            (3, big, Some(m), Some(m), [big; 4], Some(1.0)),
        );
    }
}

mod report {
    use super::*;

    fn check(calls: &[Call], expected_rows: &[[&str; 2]]) {
        let rows = Report::from_calls(calls).rows();
        let rows: Vec<[&str; 2]> = rows.iter().map(|[a, b]| [a.as_str(), b.as_str()]).collect();
        assert_eq!(rows, expected_rows);
    }

    #[test]
    fn vendor_definitions() {
        let r = Report::from_calls(&fixture());
        // 6 calls: 3 connected, 1 failed, 1 disconnected, 1 unknown ("ringing").
        assert_eq!(r.total_calls(), 6);
        assert_eq!(
            r.counts,
            StatusCounts {
                connected: 3,
                disconnected: 1,
                failed: 1,
                other: 1
            }
        );
        assert!(close(r.share(StatusKind::Connected), Some(0.5)));
        assert!(close(r.share(StatusKind::Other), Some(1.0 / 6.0)));
        // Duration over ALL calls: 342 + 156 + 0 + 60 + 30 + 0 = 588 s = 0.1633 h.
        assert_eq!(r.total_duration_seconds, 588);
        assert!((r.total_duration_hours() - 588.0 / 3600.0).abs() < 1e-12);
        // AI latency over ALL calls, failed and unknown included, as the vendor divides:
        // (200 + 300 + 0 + 100 + 500 + 999) / 6 = 2099 / 6 = 349.83
        assert!(close(r.avg_ai_latency_ms(), Some(2099.0 / 6.0)));
    }

    #[test]
    fn printable_rows() {
        check(
            &fixture(),
            &[
                ["Total calls", "6"],
                ["Connected", "3 (50.0%)"],
                ["Failed", "1 (16.7%)"],
                ["Disconnected", "1 (16.7%)"],
                ["Other", "1 (16.7%)"],
                ["Total duration", "0.2 h"],
                ["Avg AI latency", "350 ms"],
            ],
        );
        // The vendor's example page: two connected calls, 342 s + 156 s, AI 215 and 198.
        check(
            &[
                call("t", "connected", "10:30", 342, [85, 215, 22]),
                call("t", "connected", "11:15", 156, [92, 198, 19]),
            ],
            &[
                ["Total calls", "2"],
                ["Connected", "2 (100.0%)"],
                ["Failed", "0 (0.0%)"],
                ["Disconnected", "0 (0.0%)"],
                ["Total duration", "0.1 h"],
                ["Avg AI latency", "207 ms"],
            ],
        );
        check(
            &[],
            &[
                ["Total calls", "0"],
                ["Connected", "0 (–)"],
                ["Failed", "0 (–)"],
                ["Disconnected", "0 (–)"],
                ["Total duration", "0.0 h"],
                ["Avg AI latency", "–"],
            ],
        );
    }
}

mod analysis {
    use super::*;

    fn check(opts: AnalysisOptions, f: impl Fn(&Analysis)) {
        f(&Analysis::compute(&fixture(), &opts));
    }

    fn two_hours(max_buckets: usize) -> AnalysisOptions {
        AnalysisOptions {
            slo_ms: PerSegment {
                total: Some(500),
                ..PerSegment::default()
            },
            range: (
                Some(utc("2024-03-05T10:00:00Z")),
                Some(utc("2024-03-05T11:59:59Z")),
            ),
            max_buckets,
            ..AnalysisOptions::default()
        }
    }

    #[test]
    fn whole_set_latency_over_answered_calls() {
        // Answered = a1, a2, b1, a4 (failed a3 and unknown b2 left out).
        // totals sorted [155, 310, 440, 610]: mean 1515/4 = 378.75; p50 h=1.5 → 375;
        // p90 h=2.7 → 610−170·0.3 = 559; p95 h=2.85 → 584.5; p99 h=2.97 → 604.9.
        // SLO 500: only 610 is above → 1/4.
        check(two_hours(200), |a| {
            let t = &a.latency.total;
            assert_eq!((t.count, t.min, t.max), (4, Some(155), Some(610)));
            assert!(close(t.mean, Some(378.75)));
            assert!(close(t.p50, Some(375.0)));
            assert!(close(t.p90, Some(559.0)));
            assert!(close(t.p95, Some(584.5)));
            assert!(close(t.p99, Some(604.9)));
            assert!(close(t.over_slo_share(), Some(0.25)));
            // carrier sorted [50, 80, 100, 120]: mean 87.5, p50 90; no SLO on parts.
            assert!(close(a.latency.carrier.mean, Some(87.5)));
            assert!(close(a.latency.carrier.p50, Some(90.0)));
            assert_eq!(a.latency.carrier.over_slo_share(), None);
        });
    }

    #[test]
    fn unknown_latencies_are_left_out_and_counted_never_zero() {
        // The fixture plus two answered calls whose latency the API did not give: with
        // a 0 in their place the mean would drop from 378.75 to 252.5.
        let mut calls = fixture();
        let mut no_ai = call("A", "connected", "10:30", 60, [90, 0, 10]);
        no_ai.ai_latency_ms = None;
        let mut none = call("B", "disconnected", "11:00", 60, [0, 0, 0]);
        none.carrier_lag_ms = None;
        none.ai_latency_ms = None;
        none.gateway_processing_ms = None;
        calls.extend([no_ai, none]);
        let a = Analysis::compute(&calls, &two_hours(200));
        assert_eq!(a.without_latency, 2);
        let t = &a.latency.total;
        assert_eq!((t.count, t.min), (4, Some(155)));
        assert!(close(t.mean, Some(378.75)));
        // The parts stay over the same calls, so their means still add up to the total's.
        assert_eq!(a.latency.carrier.count, 4);
        let parts: f64 = [&a.latency.carrier, &a.latency.ai, &a.latency.gateway]
            .iter()
            .map(|s| s.mean.unwrap_or(f64::NAN))
            .sum();
        assert!((parts - 378.75).abs() < 1e-9);
        let row_a = a
            .trunks
            .iter()
            .find(|r| r.trunk_id == "A")
            .expect("trunk A");
        assert_eq!((row_a.calls, row_a.latency_calls), (5, 3));
        // The vendor's average AI latency leaves the unknown one out of both sums.
        let report = Report::from_calls(&calls);
        assert_eq!((report.total_calls(), report.ai_latency_known), (8, 6));
        assert!(close(report.avg_ai_latency_ms(), Some(2099.0 / 6.0)));
        assert_eq!(
            a.distribution,
            Analysis::compute(&fixture(), &two_hours(200)).distribution
        );
    }

    #[test]
    fn connected_only_reproduces_the_vendors_trunk_average() {
        // Vendor's get_average_latency(A): connected calls a1, a2 → (310 + 440) / 2 = 375.
        let opts = AnalysisOptions {
            latency_calls: LatencyCalls::ConnectedOnly,
            ..AnalysisOptions::default()
        };
        check(opts, |a| {
            let row = a
                .trunks
                .iter()
                .find(|r| r.trunk_id == "A")
                .expect("trunk A");
            assert!(close(row.mean.total, Some(375.0)));
            assert_eq!(row.latency_calls, 2);
            assert_eq!(a.latency.total.count, 3); // a1, a2, b1
        });
    }

    #[test]
    fn per_trunk_rows_worst_first() {
        // A: 4 calls, 1 failed → 0.25; latency a1, a2, a4: totals [310, 440, 610],
        //    mean 1360/3, p50 440, p95 h=1.9 → 610 − 170·0.1 = 593.
        // B: 2 calls, 0 failed; latency b1 only: 155 everywhere.
        check(two_hours(200), |a| {
            let ids: Vec<&str> = a.trunks.iter().map(|r| r.trunk_id.as_str()).collect();
            assert_eq!(ids, ["A", "B"]);
            let (ra, rb) = (&a.trunks[0], &a.trunks[1]);
            assert_eq!((ra.calls, ra.failed, ra.latency_calls), (4, 1, 3));
            assert!(close(ra.failure_share(), Some(0.25)));
            assert!(close(ra.mean.total, Some(1360.0 / 3.0)));
            assert!(close(ra.p50.total, Some(440.0)));
            assert!(close(ra.p95.total, Some(593.0)));
            // AI of A: [200, 300, 500] → p95 h=1.9 → 500 − 200·0.1 = 480.
            assert!(close(ra.p95.ai, Some(480.0)));
            assert_eq!((rb.calls, rb.failed, rb.latency_calls), (2, 0, 1));
            assert!(close(rb.p95.total, Some(155.0)));
        });
    }

    #[test]
    fn time_buckets() {
        // 10:00–11:59:59 in at most 2 buckets: 15 min → 8, 30 min → 4, 1 h → 2.
        check(two_hours(2), |a| {
            assert_eq!(a.buckets.width, BucketWidth::Hour1);
            let [b10, b11] = &a.buckets.buckets[..] else {
                panic!("two buckets")
            };
            assert_eq!(b10.start, utc("2024-03-05T10:00:00Z"));
            // 10:00: a1, a2, b1 connected, a3 failed; latency totals [155, 310, 440]:
            // p50 310, p95 h=1.9 → 440 − 130·0.1 = 427, mean 905/3.
            assert_eq!(
                b10.counts,
                StatusCounts {
                    connected: 3,
                    failed: 1,
                    ..StatusCounts::default()
                }
            );
            assert!(close(b10.p50.total, Some(310.0)));
            assert!(close(b10.p95.total, Some(427.0)));
            assert!(close(b10.mean.total, Some(905.0 / 3.0)));
            // Means of the parts add up to the mean of the total: (100+120+50)/3 + … = 905/3.
            let parts: f64 = Segment::PARTS
                .iter()
                .filter_map(|&s| *b10.mean.get(s))
                .sum();
            assert!((parts - 905.0 / 3.0).abs() < 1e-9);
            // 11:00: a4 disconnected, b2 unknown; latency only a4 (610).
            assert_eq!(
                b11.counts,
                StatusCounts {
                    disconnected: 1,
                    other: 1,
                    ..StatusCounts::default()
                }
            );
            assert_eq!(b11.latency_calls, 1);
            assert!(close(b11.p95.total, Some(610.0)));
        });
        // With room for 4 buckets: 30 minutes, aligned at 10:00.
        check(two_hours(4), |a| {
            assert_eq!(a.buckets.width, BucketWidth::Min30);
            let totals: Vec<u64> = a.buckets.buckets.iter().map(|b| b.counts.total()).collect();
            assert_eq!(totals, [2, 2, 1, 1]);
        });
    }

    #[test]
    fn empty_set() {
        let a = Analysis::compute(&[], &AnalysisOptions::default());
        assert_eq!(a.report.total_calls(), 0);
        assert_eq!(a.latency.total.count, 0);
        assert_eq!(a.latency.total.p95, None);
        assert!(a.trunks.is_empty());
        assert!(a.buckets.buckets.is_empty());
        assert!(a.distribution.histogram.counts.is_empty());
        // With a range, the buckets still cover it, all empty.
        let a = Analysis::compute(&[], &two_hours(2));
        assert_eq!(a.buckets.buckets.len(), 2);
        assert!(a.buckets.is_empty());
    }

    #[test]
    fn one_call_and_huge_values() {
        let m = u32::MAX;
        let calls = [call("T", "connected", "10:00", 1, [m, m, m])];
        let a = Analysis::compute(&calls, &AnalysisOptions::default());
        // The total saturates at u32::MAX rather than wrapping.
        assert_eq!(a.latency.total.max, Some(m));
        assert!(close(a.latency.total.p99, Some(m as f64)));
        assert_eq!(a.buckets.buckets.len(), 1);
        assert_eq!(a.buckets.width, BucketWidth::Min1);
        assert_eq!(a.trunks[0].p95.carrier, Some(m as f64));
        assert_eq!(a.distribution.histogram.total, 1);
    }

    #[test]
    fn values_beyond_the_counting_sort_are_sorted_too() {
        // Carrier values above 65,535 take the two-digit radix path.
        let calls: Vec<Call> = [70_000, 3, u32::MAX, 65_536, 3]
            .iter()
            .enumerate()
            .map(|(i, &c)| call("T", "connected", &format!("10:0{i}"), 0, [c, 0, 0]))
            .collect();
        let a = Analysis::compute(&calls, &AnalysisOptions::default());
        // sorted [3, 3, 65536, 70000, 4294967295]: p50 65536, p90 h=3.6 → 70000 + 0.6·(…)
        let c = &a.latency.carrier;
        assert_eq!((c.min, c.max), (Some(3), Some(u32::MAX)));
        assert_eq!(c.p50, Some(65_536.0));
        let want = percentile_sorted(&[3u32, 3, 65_536, 70_000, u32::MAX], 90.0);
        assert_eq!(c.p90, want);
        assert_eq!(a.trunks[0].p50.carrier, Some(65_536.0));
    }

    #[test]
    fn all_equal_values() {
        let calls: Vec<Call> = (0..5)
            .map(|i| call("T", "connected", &format!("10:1{i}"), 0, [10, 20, 30]))
            .collect();
        let a = Analysis::compute(&calls, &AnalysisOptions::default());
        assert_eq!(a.latency.total.p50, Some(60.0));
        assert_eq!(a.latency.total.p99, Some(60.0));
        assert_eq!(a.distribution.histogram.counts, [5]);
        assert_eq!(a.distribution.histogram.overflow, 0);
    }
}

mod bucket_width {
    use super::*;

    fn check(start: i64, end: i64, max: usize, expected: BucketWidth) {
        assert_eq!(
            BucketWidth::choose(start, end, max),
            expected,
            "{start}..={end} in {max}"
        );
    }

    #[test]
    fn smallest_width_within_the_limit() {
        const H: i64 = 3600;
        const D: i64 = 86_400;
        check(0, 0, 200, BucketWidth::Min1);
        check(0, 199 * 60, 200, BucketWidth::Min1); // 200 one-minute buckets
        check(0, 200 * 60, 200, BucketWidth::Min5); // 201 would be one too many
        check(0, H - 1, 200, BucketWidth::Min1); // last hour: 60
        check(0, D - 1, 200, BucketWidth::Min15); // 24 h: 1440, 288, then 96
        check(0, 7 * D - 1, 200, BucketWidth::Hour1); // 7 days: 336 half hours, 168 hours
        check(0, 30 * D - 1, 200, BucketWidth::Hour6); // 30 days: 240 × 3 h, 120 × 6 h
        check(0, 365 * D, 200, BucketWidth::Day1); // beyond the ladder: days anyway
                                                   // Alignment adds a bucket: 01:59..03:01 spans 62 seconds but three minute buckets.
        assert_eq!(BucketWidth::Min1.count(119, 181), 3);
    }

    #[test]
    fn aligned_in_utc() {
        assert_eq!(BucketWidth::Hour1.align(3661), 3600);
        assert_eq!(BucketWidth::Min1.align(-1), -60);
        assert_eq!(
            BucketWidth::Day1.align(utc("2024-03-05T23:59:59Z").timestamp()),
            utc("2024-03-05T00:00:00Z").timestamp()
        );
    }
}

mod distribution {
    use super::*;

    /// (start, width, counts as (bin, count) for non-empty bins, bins, overflow)
    fn check(sorted: &[u32], expected: (f64, f64, &[(usize, u64)], usize, u64)) {
        let h = Histogram::from_sorted(sorted);
        let (start, width, nonzero, bins, overflow) = expected;
        assert_eq!(
            (h.start_ms, h.bin_width_ms, h.counts.len(), h.overflow),
            (start, width, bins, overflow)
        );
        let got: Vec<(usize, u64)> = h
            .counts
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, c)| c > 0)
            .collect();
        assert_eq!(got, nonzero);
        assert_eq!(h.total, sorted.len() as u64);
    }

    #[test]
    fn nice_bins_and_overflow() {
        // [155, 310, 440, 610]: p99.9 h=2.997 → 609.49. Width 1 → 455 bins, 2 → 228,
        // 5 → 91, 10 → start 150, ⌊459.49/10⌋+1 = 46 bins ending at 610, so 610 overflows.
        check(
            &[155, 310, 440, 610],
            (150.0, 10.0, &[(0, 1), (16, 1), (29, 1)], 46, 1),
        );
        check(&[500; 10], (500.0, 1.0, &[(0, 10)], 1, 0));
        check(&[u32::MAX; 3], (u32::MAX as f64, 1.0, &[(0, 3)], 1, 0));
        // [0, u32::MAX]: p99.9 ≈ 4.2907e9; 1e8-wide bins → 43 (to 4.3e9), the max in the last.
        check(&[0, u32::MAX], (0.0, 1e8, &[(0, 1), (42, 1)], 43, 0));
        check(&[], (0.0, 0.0, &[], 0, 0));
    }

    #[test]
    fn bins_are_thirty_to_sixty_on_spread_data() {
        let values: Vec<u32> = (0..10_000).map(|i| 100 + (i * 7919) % 1500).collect();
        let mut sorted = values.clone();
        sorted.sort_unstable();
        let h = Histogram::from_sorted(&sorted);
        assert!(
            (24..=MAX_BINS).contains(&h.counts.len()),
            "{} bins",
            h.counts.len()
        );
        assert_eq!(h.counts.iter().sum::<u64>() + h.overflow, 10_000);
    }

    #[test]
    fn cdf_climbs_to_one() {
        let d = Distribution::from_sorted(&[155, 310, 440, 610]);
        assert_eq!(d.cdf.first().map(|p| (p.ms, p.share)), Some((150.0, 0.0)));
        assert_eq!(d.cdf.last().map(|p| (p.ms, p.share)), Some((610.0, 1.0)));
        // At 320 (right edge of bin 16): 155 and 310 are at or below → 0.5.
        assert!(d.cdf.iter().any(|p| p.ms == 320.0 && p.share == 0.5));
        assert!(d
            .cdf
            .windows(2)
            .all(|w| w[0].ms < w[1].ms && w[0].share <= w[1].share));
    }
}

mod trunk_sort {
    use super::*;

    fn row(id: &str, calls: u64, failed: u64, p95_total: Option<f64>) -> TrunkRow {
        TrunkRow {
            trunk_id: id.to_owned(),
            calls,
            failed,
            p95: PerSegment {
                total: p95_total,
                ..PerSegment::default()
            },
            ..TrunkRow::default()
        }
    }

    fn check(column: TrunkColumn, dir: SortDir, expected: &[&str]) {
        let mut rows = vec![
            row("b", 10, 1, Some(300.0)),
            row("a", 20, 5, Some(900.0)),
            row("c", 5, 5, None), // only failed calls: no latency
            row("d", 20, 0, Some(300.0)),
        ];
        sort_trunks(&mut rows, Sort::new(column, dir));
        let ids: Vec<&str> = rows.iter().map(|r| r.trunk_id.as_str()).collect();
        assert_eq!(ids, expected, "{column:?} {dir:?}");
    }

    #[test]
    fn by_any_column_missing_last() {
        check(WORST_FIRST.column, WORST_FIRST.dir, &["a", "b", "d", "c"]); // ties (300) by id; no latency last
        check(
            TrunkColumn::P95(Segment::Total),
            SortDir::Asc,
            &["b", "d", "a", "c"],
        );
        check(
            TrunkColumn::FailureShare,
            SortDir::Desc,
            &["c", "a", "b", "d"],
        ); // 1, .25, .1, 0
        check(
            TrunkColumn::FailureShare,
            SortDir::Asc,
            &["d", "b", "a", "c"],
        );
        check(TrunkColumn::Calls, SortDir::Desc, &["a", "d", "b", "c"]);
        check(TrunkColumn::Trunk, SortDir::Asc, &["a", "b", "c", "d"]);
        check(
            TrunkColumn::Mean(Segment::Ai),
            SortDir::Desc,
            &["a", "b", "c", "d"],
        ); // all missing
    }
}

mod status_counts {
    use super::*;
    use call_dashboard::api::StatusFilter;

    #[test]
    fn from_the_apis_totals_with_unknown_statuses_as_other() {
        let c = StatusCounts::from_totals(100, [60, 25, 10]);
        assert_eq!(
            (c.connected, c.failed, c.disconnected, c.other),
            (60, 25, 10, 5)
        );
        assert_eq!(c.of_filter(None), 100);
        assert_eq!(c.of_filter(Some(StatusFilter::Failed)), 25);
        // Totals read at slightly different moments never underflow.
        assert_eq!(StatusCounts::from_totals(90, [60, 25, 10]).other, 0);
    }
}

mod kpi {
    use super::*;

    fn check(
        kpi: Kpi,
        current: Option<f64>,
        previous: Option<f64>,
        expected: (Option<f64>, Option<f64>, Verdict, &str),
    ) {
        let d = KpiDelta::between(kpi, current, previous);
        let (abs, rel, verdict, text) = expected;
        assert!(close(d.absolute, abs), "{kpi:?} abs {:?}", d.absolute);
        assert!(close(d.relative, rel), "{kpi:?} rel {:?}", d.relative);
        assert_eq!(
            (d.verdict, d.change_text().as_str()),
            (verdict, text),
            "{kpi:?}"
        );
    }

    #[test]
    fn direction_per_kpi() {
        check(
            Kpi::FailedShare,
            Some(0.3),
            Some(0.2),
            (Some(0.1), Some(0.5), Verdict::Worse, "+10.0 pp"),
        );
        check(
            Kpi::ConnectedShare,
            Some(0.8),
            Some(0.7),
            (Some(0.1), Some(1.0 / 7.0), Verdict::Better, "+10.0 pp"),
        );
        check(
            Kpi::P95TotalLatency,
            Some(240.0),
            Some(300.0),
            (Some(-60.0), Some(-0.2), Verdict::Better, "-20.0%"),
        );
        check(
            Kpi::MeanAiLatency,
            Some(330.0),
            Some(300.0),
            (Some(30.0), Some(0.1), Verdict::Worse, "+10.0%"),
        );
        check(
            Kpi::TotalCalls,
            Some(120.0),
            Some(100.0),
            (Some(20.0), Some(0.2), Verdict::Neutral, "+20.0%"),
        );
        check(
            Kpi::TalkTimeHours,
            Some(5.0),
            Some(5.0),
            (Some(0.0), Some(0.0), Verdict::Unchanged, "0.0%"),
        );
        check(
            Kpi::OverSloShare,
            Some(0.1),
            None,
            (None, None, Verdict::Unknown, "–"),
        );
        check(
            Kpi::TotalCalls,
            Some(10.0),
            Some(0.0),
            (Some(10.0), None, Verdict::Neutral, "–"),
        );
    }

    #[test]
    fn a_change_that_rounds_to_zero_is_neutral() {
        // 85.01% → 85.04%: "+0.0 pp" coloured better was the old reading.
        let d = KpiDelta::between(Kpi::ConnectedShare, Some(0.8504), Some(0.8501));
        assert_eq!(
            (d.verdict, d.change_text().as_str()),
            (Verdict::Unchanged, "0.0 pp")
        );
        // 1000 ms → 999.6 ms: −0.04 %, shown as 0.0%, neither better nor worse.
        let d = KpiDelta::between(Kpi::MeanTotalLatency, Some(999.6), Some(1000.0));
        assert_eq!(
            (d.verdict, d.change_text().as_str()),
            (Verdict::Unchanged, "0.0%")
        );
        // Just past the rounding, the verdict comes back.
        let d = KpiDelta::between(Kpi::MeanTotalLatency, Some(999.0), Some(1000.0));
        assert_eq!(
            (d.verdict, d.change_text().as_str()),
            (Verdict::Better, "-0.1%")
        );
    }

    #[test]
    fn compare_two_periods() {
        let now = Analysis::compute(&fixture(), &AnalysisOptions::default());
        let before = Analysis::compute(&fixture()[..2], &AnalysisOptions::default());
        let deltas = compare(&now, &before);
        assert_eq!(deltas.iter().count(), Kpi::ALL.len());
        let failed = deltas.get(Kpi::FailedShare).expect("failed share");
        // now 1/6 failed, before 0/2 → worse by 16.7 pp
        assert_eq!(failed.verdict, Verdict::Worse);
        assert_eq!(failed.change_text(), "+16.7 pp");
        assert_eq!(Kpi::TotalCalls.format(Kpi::TotalCalls.value(&now)), "6");
        assert_eq!(Kpi::OverSloShare.format(None), "–");
    }
}

mod daily_report {
    use super::*;

    #[test]
    fn the_six_figures_beside_the_day_before_and_a_week_before() {
        let day = fixture();
        let previous = &fixture()[..2]; // two connected calls
        let week = &fixture()[2..3]; // one failed call
        let range = (utc("2024-03-05T00:00:00Z"), utc("2024-03-05T23:59:59Z"));
        let r = DailyReport::compute(&day, previous, week, range, 500);
        let rows = r.comparison_rows();
        assert_eq!(rows[0], ["Total calls", "6", "2", "1"]);
        assert_eq!(
            rows[1],
            ["Connected", "3 (50.0%)", "2 (100.0%)", "0 (0.0%)"]
        );
        assert_eq!(rows[2], ["Failed", "1 (16.7%)", "0 (0.0%)", "1 (100.0%)"]);
        assert_eq!(rows[4][0], "Total duration");
        assert_eq!(rows[5], ["Avg AI latency", "350 ms", "250 ms", "0 ms"]);
        // Hourly buckets over the day, and the fixture's calls in hours 10 and 11.
        assert_eq!(r.analysis.buckets.width.seconds(), 3_600);
        assert_eq!(r.analysis.buckets.buckets.len(), 24);
        assert_eq!(r.analysis.buckets.buckets[10].counts.total(), 4);
        assert_eq!(r.analysis.buckets.buckets[11].counts.total(), 2);
        assert_eq!(r.failed.len(), 1);
        assert_eq!(r.failed_total(), 1);
    }

    #[test]
    fn per_trunk_rows_and_the_latency_line() {
        let range = (utc("2024-03-05T00:00:00Z"), utc("2024-03-05T23:59:59Z"));
        let r = DailyReport::compute(&fixture(), &[], &[], range, 500);
        // Trunk A: 4 calls (2 connected, 1 failed, 1 disconnected); latency calls a1,
        // a2, a4: AI mean (200+300+500)/3 = 333 ms; totals [310, 440, 610] p95 = 593 ms.
        let a = r
            .trunk_rows()
            .into_iter()
            .find(|row| row[0] == "A")
            .expect("trunk A");
        assert_eq!(a, ["A", "4", "50.0%", "25.0%", "333 ms", "593 ms"]);
        assert_eq!(
            r.latency_line(),
            "Total latency over 4 calls: p50 375 ms, p95 584 ms, p99 605 ms; 25.0% over the 500 ms SLO."
        );
        // An empty day reads as unknown, not zero.
        let empty = DailyReport::compute(&[], &[], &[], range, 500);
        assert_eq!(
            empty.comparison_rows()[1],
            ["Connected", "0 (–)", "0 (–)", "0 (–)"]
        );
    }

    #[test]
    fn at_most_fifty_failed_calls_are_listed() {
        let many: Vec<Call> = (0..80)
            .map(|i| call("A", "failed", &format!("10:{:02}", i % 60), 0, [0, 0, 0]))
            .collect();
        let range = (utc("2024-03-05T00:00:00Z"), utc("2024-03-05T23:59:59Z"));
        let r = DailyReport::compute(&many, &[], &[], range, 500);
        assert_eq!((r.failed.len(), r.failed_total()), (FAILED_LISTED, 80));
    }
}

// chrono-tz is a native dev-dependency: the zones are for these tests only.
#[cfg(not(target_arch = "wasm32"))]
mod heatmap {
    use super::*;
    use call_dashboard::api::TimeZoneMode;
    use chrono::{FixedOffset, TimeZone, Weekday};
    use chrono_tz::{America::New_York, Asia::Kolkata};

    /// A connected call starting at the RFC 3339 instant `at` with total latency `total`.
    fn at(at: &str, status: &str, total: u32) -> Call {
        let mut c = call("A", status, "00:00", 60, [0, total, 0]);
        c.start_time = utc(at);
        c.id = format!("call_{at}");
        c
    }

    /// Each instant falls in the (weekday, hour) cell of `tz`'s clock, and nowhere else.
    fn check<Z: TimeZone>(tz: &Z, cases: &[(&str, Weekday, u32)]) {
        for &(instant, weekday, hour) in cases {
            let h = Heatmap::compute(&[at(instant, "connected", 100)], tz, LatencyCalls::Answered);
            assert_eq!(
                h.cell(weekday, hour).calls,
                1,
                "{instant} in {weekday} {hour}"
            );
            assert_eq!(h.total_calls(), 1);
        }
    }

    #[test]
    fn binning_in_utc() {
        check(
            &chrono::Utc,
            &[
                ("2024-03-05T14:30:00Z", Weekday::Tue, 14), // 2024-03-05 is a Tuesday
                ("2024-03-05T14:00:00Z", Weekday::Tue, 14),
                ("2024-03-05T13:59:59Z", Weekday::Tue, 13),
                ("2024-03-03T23:59:59Z", Weekday::Sun, 23),
                ("2024-03-04T00:00:00Z", Weekday::Mon, 0),
                ("2024-03-05T16:30:00+02:00", Weekday::Tue, 14),
            ],
        );
        let calls = [at("2024-03-05T14:30:00Z", "connected", 100)];
        assert_eq!(
            Heatmap::compute_in(&calls, TimeZoneMode::Utc, LatencyCalls::Answered),
            Heatmap::compute(&calls, &chrono::Utc, LatencyCalls::Answered)
        );
    }

    #[test]
    fn binning_across_new_yorks_dst_changes() {
        check(
            &New_York,
            &[
                // November: 02:00 EDT falls back to 01:00 EST; both 01:30s in hour 1.
                ("2024-11-03T05:30:00Z", Weekday::Sun, 1), // 01:30 EDT
                ("2024-11-03T06:30:00Z", Weekday::Sun, 1), // 01:30 EST
                ("2024-11-03T07:30:00Z", Weekday::Sun, 2), // 02:30 EST
                ("2024-11-02T16:00:00Z", Weekday::Sat, 12), // UTC−4 the day before
                ("2024-11-04T17:00:00Z", Weekday::Mon, 12), // UTC−5 the day after
                ("2024-11-04T04:59:59Z", Weekday::Sun, 23),
                // March: 02:00 EST springs to 03:00 EDT; hour 2 gets nothing that day.
                ("2024-03-10T06:59:59Z", Weekday::Sun, 1),
                ("2024-03-10T07:00:00Z", Weekday::Sun, 3),
            ],
        );
        let repeated = [
            at("2024-11-03T05:30:00Z", "connected", 100),
            at("2024-11-03T06:30:00Z", "connected", 100),
        ];
        let h = Heatmap::compute(&repeated, &New_York, LatencyCalls::Answered);
        assert_eq!(
            h.cell(Weekday::Sun, 1).calls,
            2,
            "the repeated hour holds both"
        );
    }

    #[test]
    fn binning_with_a_half_hour_offset() {
        let cases = [
            ("2024-03-05T08:45:00Z", Weekday::Tue, 14), // 14:15 IST
            ("2024-03-05T08:29:59Z", Weekday::Tue, 13), // 13:59:59
            ("2024-03-05T08:30:00Z", Weekday::Tue, 14),
            ("2024-03-05T18:29:59Z", Weekday::Tue, 23),
            ("2024-03-05T18:30:00Z", Weekday::Wed, 0), // midnight in Kolkata
        ];
        check(&Kolkata, &cases);
        let fixed = FixedOffset::east_opt(5 * 3600 + 1800).expect("offset");
        check(&fixed, &cases);
    }

    #[test]
    fn p95_per_cell_over_latency_calls_with_known_latency_only() {
        let mut unknown = at("2024-03-05T14:50:00Z", "connected", 0);
        unknown.ai_latency_ms = None;
        let calls = vec![
            at("2024-03-05T14:01:00Z", "connected", 100),
            at("2024-03-05T14:02:00Z", "connected", 200),
            at("2024-03-05T14:03:00Z", "disconnected", 300),
            at("2024-03-05T14:04:00Z", "connected", 400),
            at("2024-03-05T14:05:00Z", "disconnected", 500),
            at("2024-03-05T14:06:00Z", "failed", 9_000), // counted, not a latency call
            at("2024-03-05T14:07:00Z", "ringing", 9_000), // unknown status: left out
            unknown,                                     // unknown latency: left out
        ];
        // (which calls count, calls in the cell, latency calls, p95)
        let cases = [
            // np.percentile([100, 200, 300, 400, 500], 95) = 480
            (LatencyCalls::Answered, 8, 5, Some(480.0)),
            // np.percentile([100, 200, 400], 95) = 380
            (LatencyCalls::ConnectedOnly, 8, 3, Some(380.0)),
        ];
        for (which, n, latency_n, p95) in cases {
            let h = Heatmap::compute(&calls, &chrono::Utc, which);
            let c = h.cell(Weekday::Tue, 14);
            assert_eq!((c.calls, c.latency_calls), (n, latency_n), "{which:?}");
            assert!(
                close(c.p95_total_ms, p95),
                "{which:?}: {:?}",
                c.p95_total_ms
            );
            assert_eq!(h.cell(Weekday::Tue, 15).p95_total_ms, None);
        }
    }

    #[test]
    fn busiest_and_worst_cells_earliest_first_among_equals() {
        let calls = vec![
            at("2024-03-05T14:01:00Z", "connected", 100), // Tue 14
            at("2024-03-05T14:02:00Z", "connected", 100),
            at("2024-03-04T09:00:00Z", "connected", 700), // Mon 9
            at("2024-03-04T09:10:00Z", "connected", 700),
            at("2024-03-06T03:00:00Z", "failed", 0), // Wed 3, no latency call
        ];
        let h = Heatmap::compute(&calls, &chrono::Utc, LatencyCalls::Answered);
        let name = |x: Option<(Weekday, u32, &HeatCell)>| x.map(|(w, h, _)| cell_label(w, h));
        assert_eq!(name(h.busiest()).as_deref(), Some("Mon 09:00–10:00"));
        assert_eq!(name(h.worst_p95()).as_deref(), Some("Mon 09:00–10:00"));
        assert_eq!((h.max_calls(), h.max_p95()), (2, Some(700.0)));
        assert_eq!(cell_label(Weekday::Sun, 23), "Sun 23:00–24:00");
        let empty = Heatmap::compute(&[], &chrono::Utc, LatencyCalls::Answered);
        assert!(empty.is_empty() && empty.busiest().is_none() && empty.worst_p95().is_none());
        assert_eq!(empty.iter().count(), 7 * 24);
    }
}
