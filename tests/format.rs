//! Native tests of the user-visible formats and of the pager's arithmetic.

// Native only: the browser build of the tests has no proptest.
#![cfg(not(target_arch = "wasm32"))]

use call_dashboard::api::TimeZoneMode;
use call_dashboard::format;
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
fn unknown_values_and_signed_changes() {
    assert_eq!(format::latency_ms(None), "–");
    assert_eq!(format::latency_ms(Some(215)), "215 ms");
    assert_eq!(format::millis_or_unknown(None), "–");
    assert_eq!(format::percent_or_unknown(Some(0.851)), "85.1%");
    assert_eq!(format::percent_or_unknown(None), "–");
    assert_eq!(format::text_or_unknown(None), "–");
    assert_eq!(format::percent_value(1.5), "1.50%");
    // A change that rounds to zero reads as no change, never "+0.0" or "-0.0".
    assert_eq!(format::signed_tenths(0.04, " pp"), "0.0 pp");
    assert_eq!(format::signed_tenths(-0.04, "%"), "0.0%");
    assert_eq!(format::signed_tenths(2.26, " pp"), "+2.3 pp");
    assert_eq!(format::signed_tenths(-1.25, "%"), "-1.3%");
    assert_eq!(format::percent_width(0.25), "25.0%");
    assert_eq!(format::percent_width(7.0), "100.0%");
}

#[test]
fn custom_ranges_from_the_form() {
    use call_dashboard::api::DateRange;
    let utc = TimeZoneMode::Utc;
    assert_eq!(format::range_from_inputs("", " ", utc), Ok(DateRange::All));
    assert_eq!(
        format::range_from_inputs("2024-03-05T10:30", "", utc),
        Ok(DateRange::Custom {
            start: Some(Utc.with_ymd_and_hms(2024, 3, 5, 10, 30, 0).unwrap()),
            end: None
        })
    );
    assert!(format::range_from_inputs("2024-03-06T00:00", "2024-03-05T00:00", utc).is_err());
    assert!(format::range_from_inputs("yesterday", "", utc).is_err());
}
