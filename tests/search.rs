//! Native tests of the search box (`search.rs`): what it accepts and how numbers match.

use call_dashboard::api::{Call, CallStatus};
use call_dashboard::search::{matching, parse, summary, Search, ACCEPTS};
use chrono::{TimeZone, Utc};

fn call(from: &str, to: &str) -> Call {
    Call {
        id: format!("call_{from}"),
        trunk_id: "conn_a".into(),
        from: from.into(),
        to: to.into(),
        status: CallStatus::Connected,
        duration_seconds: 1,
        start_time: Utc.with_ymd_and_hms(2024, 3, 5, 10, 0, 0).unwrap(),
        end_time: None,
        carrier_lag_ms: None,
        ai_latency_ms: None,
        gateway_processing_ms: None,
    }
}

fn digits(input: &str) -> String {
    match parse(input) {
        Ok(Search::Number(d)) => d.as_str().to_owned(),
        other => panic!("{input:?} is not a number: {other:?}"),
    }
}

#[test]
fn any_spelling_of_a_number_reads_as_its_digits() {
    assert_eq!(digits("+1-555-123-4567"), "15551234567");
    assert_eq!(digits("15551234567"), "15551234567");
    assert_eq!(digits(" 555 1234 "), "5551234");
    assert_eq!(digits("(555) 123.4567"), "5551234567");
    assert_eq!(digits("+44 7700 900123"), "447700900123");
}

#[test]
fn a_call_id_reads_as_an_id() {
    assert_eq!(
        parse(" call_abc123xyz "),
        Ok(Search::CallId("call_abc123xyz".into()))
    );
}

#[test]
fn anything_else_gets_a_sentence_saying_what_the_box_takes() {
    for input in [
        "",
        "   ",
        "call_",
        "555",
        "Sales",
        "555-abc",
        "call_<script>",
        "+1 555 123 4567 8901 2345",
        &"9".repeat(80),
    ] {
        assert_eq!(parse(input), Err(ACCEPTS), "{input:?}");
    }
}

#[test]
fn numbers_match_from_or_to_in_any_spelling() {
    let calls = [
        call("+1-555-123-4567", "+4915383962746"),
        call("+447700088892", "+1 (555) 123-4567"),
        call("+447700088892", "+447700104435"),
    ];
    let Ok(Search::Number(d)) = parse("555 1234") else {
        panic!()
    };
    let found: Vec<&str> = matching(&calls, &d).iter().map(|c| c.id.as_str()).collect();
    assert_eq!(found, ["call_+1-555-123-4567", "call_+447700088892"]);
    let Ok(Search::Number(d)) = parse("7700104435") else {
        panic!()
    };
    assert_eq!(matching(&calls, &d).len(), 1);
    // Debug never prints the number.
    assert_eq!(format!("{d:?}"), "PhoneDigits(<10 digits>)");
}

#[test]
fn the_summary_counts_matches_and_calls_searched() {
    assert_eq!(summary(3, 2_000), "3 matches in 2,000 calls searched");
    assert_eq!(summary(1, 1), "1 match in 1 call searched");
    assert_eq!(summary(0, 12_345), "0 matches in 12,345 calls searched");
}
