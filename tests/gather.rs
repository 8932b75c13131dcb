//! Native tests of the gathering plan and of frozen / previous-period queries.

use call_dashboard::api::{CallQuery, DateRange, Preset};
use call_dashboard::gather::{GatherOptions, GatherPlan, Progress};
use chrono::{DateTime, TimeZone, Utc};

fn check(total: u64, cap: u64, skip_first: bool, expected: &[(u64, u32)]) {
    let opts = GatherOptions {
        cap,
        ..GatherOptions::default()
    };
    let plan = GatherPlan::new(total, &opts, skip_first);
    assert_eq!(plan.windows, expected, "total {total} cap {cap}");
    assert_eq!(plan.target, total.min(cap));
    // The windows tile [first, target) without gaps or overlaps.
    let covered: u64 = plan.windows.iter().map(|w| u64::from(w.1)).sum();
    let first = if skip_first { 100.min(plan.target) } else { 0 };
    assert_eq!(covered + first, plan.target);
}

#[test]
fn plans_tile_the_set() {
    check(0, 100_000, true, &[]);
    check(0, 100_000, false, &[]);
    check(42, 100_000, true, &[]);
    check(42, 100_000, false, &[(0, 42)]);
    check(100, 100_000, true, &[]);
    check(250, 100_000, true, &[(100, 100), (200, 50)]);
    check(250, 100_000, false, &[(0, 100), (100, 100), (200, 50)]);
    check(1_000_000, 250, true, &[(100, 100), (200, 50)]);
    let big = GatherPlan::new(1_523, &GatherOptions::default(), true);
    assert_eq!(big.windows.len(), 15);
    assert!(!big.is_capped());
    assert!(GatherPlan::new(200_000, &GatherOptions::default(), true).is_capped());
}

#[test]
fn progress_reads_as_counts_and_labels_partial_sets() {
    let p = Progress {
        fetched: 12_300,
        target: 20_000,
        total: 20_000,
    };
    assert_eq!(p.text(), "12,300 of 20,000 calls");
    assert!((p.fraction() - 0.615).abs() < 1e-12);
    assert_eq!(
        p.coverage_label().as_deref(),
        Some("over 12,300 of 20,000 calls")
    );
    let done = Progress {
        fetched: 7,
        target: 7,
        total: 7,
    };
    assert_eq!(done.coverage_label(), None);
    assert_eq!(Progress::default().fraction(), 1.0);
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn frozen_queries_close_the_range_at_now() {
    let now = Utc.with_ymd_and_hms(2024, 3, 5, 12, 0, 0).unwrap();
    let all = CallQuery::new().frozen(now);
    assert_eq!(
        all.range(),
        DateRange::Custom {
            start: None,
            end: Some(now)
        }
    );
    let day = CallQuery::new().with_range(DateRange::Preset(Preset::Last24Hours));
    assert_eq!(
        day.frozen(now).range(),
        DateRange::Custom {
            start: Some(utc("2024-03-04T12:00:00Z")),
            end: Some(now)
        }
    );
    assert_eq!(day.frozen(now).api_query(now), day.api_query(now));
}

#[test]
fn previous_period_has_the_same_length_just_before() {
    let now = Utc.with_ymd_and_hms(2024, 3, 5, 12, 0, 0).unwrap();
    let day = CallQuery::new().with_range(DateRange::Preset(Preset::Last24Hours));
    assert_eq!(
        day.previous_period(now).unwrap().range(),
        DateRange::Custom {
            start: Some(utc("2024-03-03T11:59:59Z")),
            end: Some(utc("2024-03-04T11:59:59Z")),
        }
    );
    assert_eq!(CallQuery::new().previous_period(now), None);
}

#[test]
fn counts_scope_keeps_only_trunk_and_range() {
    use call_dashboard::api::{PageSize, Slo, StatusFilter, TimeZoneMode, TrunkId};
    let q = CallQuery::new()
        .with_status(Some(StatusFilter::Failed))
        .with_trunk(TrunkId::new("conn_1"))
        .with_range(DateRange::Preset(Preset::Last7Days))
        .with_page_size(PageSize::Fifty)
        .with_page(9)
        .with_tz(TimeZoneMode::Utc)
        .with_slo(Slo::new(500));
    assert_eq!(
        q.counts_scope(),
        CallQuery::new()
            .with_trunk(TrunkId::new("conn_1"))
            .with_range(DateRange::Preset(Preset::Last7Days))
    );
    assert_eq!(q.with_page(2).counts_scope(), q.counts_scope());
}

#[test]
fn previews_come_at_each_quarter_of_a_large_set() {
    use call_dashboard::gather::preview_due;
    let check = |before: u64, now: u64, target: u64, expected: bool| {
        assert_eq!(
            preview_due(before, now, target),
            expected,
            "{before}->{now} of {target}"
        )
    };
    check(0, 100, 10_000, false);
    check(2_400, 2_500, 10_000, true);
    check(2_500, 2_600, 10_000, false);
    check(4_900, 5_000, 10_000, true);
    check(7_400, 7_600, 10_000, true);
    // The whole set is not a preview, and small sets get none.
    check(9_900, 10_000, 10_000, false);
    check(1_000, 2_000, 4_000, false);
    check(0, 0, 0, false);
}

#[test]
fn the_page_kept_is_what_the_api_honoured() {
    use call_dashboard::gather::{honoured_page, CONTRACT_PAGE, LARGEST_PAGE};
    // An API that allows 1,000 (the vendor's own example) says so in pagination.limit.
    assert_eq!(honoured_page(LARGEST_PAGE, Some(1_000)), 1_000);
    // One that caps pages silently: the smaller page it used.
    assert_eq!(honoured_page(LARGEST_PAGE, Some(100)), 100);
    assert_eq!(honoured_page(LARGEST_PAGE, Some(250)), 250);
    // A 400 to the larger page: the contract's 100.
    assert_eq!(honoured_page(LARGEST_PAGE, None), CONTRACT_PAGE);
    // Never more than asked, never 0.
    assert_eq!(honoured_page(500, Some(5_000)), 500);
    assert_eq!(honoured_page(500, Some(0)), 1);
    assert_eq!(honoured_page(50, None), 50);
    // A plan in pages of 1,000 tiles the set with a tenth of the windows.
    let opts = GatherOptions {
        page: 1_000,
        ..GatherOptions::default()
    };
    let plan = GatherPlan::new(25_500, &opts, true);
    assert_eq!(plan.windows.len(), 25);
    assert_eq!(plan.windows[0], (1_000, 1_000));
    assert_eq!(*plan.windows.last().unwrap(), (25_000, 500));
}

#[test]
fn a_gather_paces_itself_within_the_rate_limit() {
    use call_dashboard::gather::{gather_wait_ms, MAX_PACE_WAIT_MS};
    use call_dashboard::live::RateLimit;
    let now_ms = 1_700_000_000_000u64;
    let reset_in = |s: u64| now_ms / 1000 + s;
    let rate = |limit: u32, remaining: u32, reset_s: u64| {
        Some(RateLimit {
            limit,
            remaining,
            reset_s,
        })
    };
    // No headers, or no limit: go.
    assert_eq!(gather_wait_ms(None, 10, now_ms), None);
    assert_eq!(
        gather_wait_ms(rate(u32::MAX, u32::MAX, reset_in(30)), 4, now_ms),
        None
    );
    // 600 a minute keeps 60 in reserve: with 4 in flight, 65 left still goes ...
    assert_eq!(gather_wait_ms(rate(600, 65, reset_in(30)), 4, now_ms), None);
    // ... 64 left waits until the window resets (a quarter second after).
    assert_eq!(
        gather_wait_ms(rate(600, 64, reset_in(30)), 4, now_ms),
        Some(30_250)
    );
    assert_eq!(
        gather_wait_ms(rate(600, 0, reset_in(23)), 0, now_ms),
        Some(23_250)
    );
    // A small limit keeps at least one request in reserve.
    assert_eq!(gather_wait_ms(rate(5, 2, reset_in(10)), 0, now_ms), None);
    assert_eq!(
        gather_wait_ms(rate(5, 1, reset_in(10)), 0, now_ms),
        Some(10_250)
    );
    // Past the reset the headers are stale: go (the answer brings fresh ones).
    assert_eq!(
        gather_wait_ms(rate(600, 0, now_ms / 1000 - 1), 0, now_ms),
        None
    );
    // A reset a little over a window ahead (a clock a few seconds behind): a window.
    assert_eq!(
        gather_wait_ms(rate(600, 0, reset_in(90)), 0, now_ms),
        Some(MAX_PACE_WAIT_MS)
    );
    // Days ahead: the clocks disagree, the headers cannot be timed; go (a 429 would
    // still be honoured by its relative Retry-After).
    assert_eq!(
        gather_wait_ms(rate(600, 0, reset_in(86_400 * 13)), 0, now_ms),
        None
    );
}

// ---- the moments a tab keeps ----------------------------------------------------

#[test]
fn a_views_moment_is_kept_for_its_filters_for_ten_minutes_unless_refreshed() {
    use call_dashboard::api::{CallQuery, StatusFilter};
    use call_dashboard::gather::{AnchorBook, ANCHORS_KEPT, ANCHOR_KEPT_S};
    use chrono::{Duration, TimeZone, Utc};
    let t0 = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let all = CallQuery::new().filters().clone();
    let failed = CallQuery::new()
        .with_status(Some(StatusFilter::Failed))
        .filters()
        .clone();
    let mut book = AnchorBook::default();
    assert_eq!(book.anchor(&all, t0, false), t0);
    // Other filters get their own moment; coming back finds the first one.
    let t1 = t0 + Duration::seconds(90);
    assert_eq!(book.anchor(&failed, t1, false), t1);
    assert_eq!(book.anchor(&all, t1, false), t0);
    // Until it is ten minutes old.
    let late = t0 + Duration::seconds(ANCHOR_KEPT_S - 1);
    assert_eq!(book.anchor(&all, late, false), t0);
    let later = t0 + Duration::seconds(ANCHOR_KEPT_S);
    assert_eq!(book.anchor(&all, later, false), later);
    // Refresh takes a new moment, which is kept from then on.
    let t2 = later + Duration::seconds(5);
    assert_eq!(book.anchor(&failed, t2, true), t2);
    assert_eq!(book.anchor(&failed, t2 + Duration::seconds(60), false), t2);
    // A clock that went back does not reuse a moment from its future.
    assert_eq!(
        book.anchor(&failed, t2 - Duration::seconds(60), false),
        t2 - Duration::seconds(60)
    );
    // The book is bounded: the oldest filters go first.
    for n in 0..ANCHORS_KEPT as u32 {
        let trunk = call_dashboard::api::TrunkId::new(&format!("conn_{n}"));
        let f = CallQuery::new().with_trunk(trunk).filters().clone();
        book.anchor(&f, t2, false);
    }
    let t3 = t2 + Duration::seconds(1);
    assert_eq!(
        book.anchor(&failed, t3, false),
        t3,
        "pushed out by newer filters"
    );
}
