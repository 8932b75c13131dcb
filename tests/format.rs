//! Native tests of the user-visible formats and of the pager's arithmetic.

// Native only: the browser build of the tests has no proptest.
#![cfg(not(target_arch = "wasm32"))]

use call_dashboard::api::TimeZoneMode;
use call_dashboard::format;
use call_dashboard::pager::{max_window_len, page_count, page_of, page_window, PageItem};
use chrono::{TimeZone, Utc};

#[test]
fn thousands() {
    let check = |n: u64, expected: &str| assert_eq!(format::thousands(n), expected);
    check(0, "0");
    check(999, "999");
    check(1000, "1,000");
    check(1523, "1,523");
    check(1_000_000, "1,000,000");
    check(u64::MAX, "18,446,744,073,709,551,615");
}

#[test]
fn call_counts_in_sentences() {
    let check = |n: u64, expected: &str| assert_eq!(format::calls(n), expected);
    check(0, "0 calls");
    check(1, "1 call");
    check(2, "2 calls");
    check(1523, "1,523 calls");
}

#[test]
fn durations() {
    let check = |s: u64, expected: &str| assert_eq!(format::duration_s(s), expected);
    check(0, "0s");
    check(42, "42s");
    check(342, "5m 42s");
    check(3600, "1h 00m");
    check(3725, "1h 02m");
}

#[test]
fn millis_percent_hours() {
    assert_eq!(format::millis(215.0), "215 ms");
    assert_eq!(format::millis(215.6), "216 ms");
    assert_eq!(format::millis(12_345.0), "12.3 s");
    assert_eq!(format::millis(f64::NAN), "–");
    assert_eq!(format::seconds_tenths(6_439), "6.4 s");
    assert_eq!(format::seconds_tenths(18_650), "18.7 s");
    assert_eq!(format::seconds_tenths(400), "0.4 s");
    assert_eq!(format::seconds_tenths(0), "0.0 s");
    assert_eq!(format::seconds_tenths(u64::MAX), "18446744073709551.6 s");
    assert_eq!(format::percent(0.8514), "85.1%");
    assert_eq!(format::percent(f64::INFINITY), "–");
    assert_eq!(format::hours(45_000), "12.5 h");
}

#[test]
fn range_text() {
    let check = |o: u64, shown: u64, total: u64, expected: &str| {
        assert_eq!(format::range_text(o, shown, total), expected)
    };
    check(20, 20, 1523, "21–40 of 1,523");
    check(1520, 3, 1523, "1,521–1,523 of 1,523");
    check(0, 0, 0, "0 of 0");
}

#[test]
fn instants_in_utc() {
    let t = Utc.with_ymd_and_hms(2024, 3, 5, 10, 30, 0).unwrap();
    assert_eq!(format::instant(t, TimeZoneMode::Utc), "2024-03-05 10:30:00");
    assert_eq!(format::zone_label(TimeZoneMode::Utc), "UTC");
}

proptest::proptest! {
    /// The table's hand-written instant reads exactly as chrono's pattern does, in UTC
    /// and in the machine's zone, across years 0 to 9999 and beyond.
    #[test]
    fn instants_match_chrono(secs in -62_167_219_200i64..=400_000_000_000i64) {
        let t = Utc.timestamp_opt(secs, 0).unwrap();
        for tz in [TimeZoneMode::Utc, TimeZoneMode::Local] {
            proptest::prop_assert_eq!(
                format::instant(t, tz),
                format::instant_with(t, tz, "%Y-%m-%d %H:%M:%S")
            );
        }
    }
}

#[test]
fn page_counts() {
    let check =
        |total: u64, size: u32, expected: u32| assert_eq!(page_count(total, size), expected);
    check(0, 20, 1);
    check(1, 20, 1);
    check(20, 20, 1);
    check(21, 20, 2);
    check(1523, 20, 77);
    check(u64::MAX, 1, u32::MAX);
    assert_eq!(page_of(0, 20), 1);
    assert_eq!(page_of(40, 20), 3);
}

fn window(current: u32, pages: u32) -> String {
    page_window(current, pages, 2)
        .into_iter()
        .map(|i| match i {
            PageItem::Page(n) => n.to_string(),
            PageItem::Gap => "…".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The pager draws a fixed number of slots, so no window may be longer.
#[test]
fn page_windows_fit_their_slots() {
    for around in 0..4 {
        let mut longest = 0;
        for pages in 1..60 {
            for current in 0..=pages + 1 {
                longest = longest.max(page_window(current, pages, around).len());
            }
        }
        assert_eq!(longest, max_window_len(around), "around {around}");
    }
}

#[test]
fn page_windows() {
    let check = |current: u32, pages: u32, expected: &str| {
        assert_eq!(
            window(current, pages),
            expected,
            "page {current} of {pages}"
        )
    };
    check(1, 1, "1");
    check(1, 0, "1");
    check(1, 5, "1 2 3 4 5");
    check(1, 77, "1 2 3 4 5 … 77");
    check(4, 77, "1 2 3 4 5 6 … 77");
    check(5, 77, "1 2 3 4 5 6 7 … 77");
    check(6, 77, "1 … 4 5 6 7 8 … 77");
    check(39, 77, "1 … 37 38 39 40 41 … 77");
    check(77, 77, "1 … 73 74 75 76 77");
    check(74, 77, "1 … 72 73 74 75 76 77");
    check(500, 77, "1 … 73 74 75 76 77");
    check(3, 7, "1 2 3 4 5 6 7");
}
