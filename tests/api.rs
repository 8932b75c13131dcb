//! Native tests of the wire types and of `CallQuery`.

#![cfg(not(target_arch = "wasm32"))]

use call_dashboard::api::{
    decode_call_detail, decode_calls_page, decode_trunks_page, ApiError, CallId, CallQuery,
    CallStatus, DateRange, PageSize, Preset, Slo, StatusFilter, TimeZoneMode, TrunkId,
};
use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;

/// The vendor's own example answer, verbatim from the seed document.
const VENDOR_EXAMPLE: &str = r#"{ "calls": [ { "id": "call_abc123xyz", "trunk_id": "conn_abc123xyz", "from": "+1-555-123-4567", "to": "+1-555-987-6543", "status": "connected", "duration_seconds": 342, "start_time": "2024-03-05T10:30:00Z", "end_time": "2024-03-05T10:36:42Z", "carrier_lag_ms": 85, "ai_latency_ms": 215, "gateway_processing_ms": 22 }, { "id": "call_def456abc", "trunk_id": "conn_abc123xyz", "from": "+1-555-234-5678", "to": "+1-555-987-6543", "status": "connected", "duration_seconds": 156, "start_time": "2024-03-05T11:15:30Z", "end_time": "2024-03-05T11:18:06Z", "carrier_lag_ms": 92, "ai_latency_ms": 198, "gateway_processing_ms": 19 } ], "pagination": { "limit": 10, "offset": 0, "total": 1523 } }"#;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn decodes_the_vendor_example() {
    let page = decode_calls_page(VENDOR_EXAMPLE).unwrap();
    assert_eq!(page.pagination.total, 1523);
    assert_eq!(page.calls.len(), 2);
    let c = &page.calls[0];
    assert_eq!(c.from, "+1-555-123-4567");
    assert_eq!(c.status, CallStatus::Connected);
    assert_eq!(c.start_time, utc("2024-03-05T10:30:00Z"));
    assert_eq!(c.end_time, Some(utc("2024-03-05T10:36:42Z")));
    assert_eq!(c.total_latency_ms(), Some(85 + 215 + 22));
}

#[test]
fn tolerates_drifted_data() {
    // Extra fields everywhere, an unknown status, a null and a missing end_time,
    // a start time with an offset instead of Z.
    let body = r#"{"calls":[
      {"id":"c1","trunk_id":"t","from":"a","to":"b","status":"ringing","duration_seconds":0,
       "start_time":"2024-03-05T12:30:00+02:00","end_time":null,"carrier_lag_ms":1,
       "ai_latency_ms":2,"gateway_processing_ms":3,"sip_code":183},
      {"id":"c2","trunk_id":"t","from":"a","to":"b","status":"failed",
       "start_time":"2024-03-05T10:00:00Z"}],
      "pagination":{"limit":2,"offset":0,"total":2,"has_more":false},"request_id":"x"}"#;
    let page = decode_calls_page(body).unwrap();
    assert_eq!(page.calls[0].status, CallStatus::Other("ringing".into()));
    assert_eq!(page.calls[0].status.as_str(), "ringing");
    assert_eq!(page.calls[0].end_time, None);
    assert_eq!(page.calls[0].start_time, utc("2024-03-05T10:30:00Z"));
    assert_eq!(page.calls[1].end_time, None);
    // Latencies the API left out are unknown, not 0 ms.
    assert_eq!(page.calls[1].carrier_lag_ms, None);
    assert_eq!(page.calls[1].total_latency_ms(), None);
}

#[test]
fn null_or_missing_latencies_are_unknown_and_the_page_still_decodes() {
    // Guards against `#[serde(default)]` on a `u32`, which read a missing latency as
    // 0 ms (and then averaged it in) and failed the whole page on an explicit null.
    let body = r#"{"calls":[
      {"id":"c1","trunk_id":"t","from":"a","to":"b","status":"connected","duration_seconds":9,
       "start_time":"2024-03-05T10:00:00Z","carrier_lag_ms":null,"ai_latency_ms":200,
       "gateway_processing_ms":20},
      {"id":"c2","trunk_id":"t","from":"a","to":"b","status":"connected","duration_seconds":9,
       "start_time":"2024-03-05T10:00:00Z","carrier_lag_ms":80,"gateway_processing_ms":null},
      {"id":"c3","trunk_id":"t","from":"a","to":"b","status":"connected","duration_seconds":9,
       "start_time":"2024-03-05T10:00:00Z","carrier_lag_ms":0,"ai_latency_ms":0,
       "gateway_processing_ms":0}],
      "pagination":{"limit":3,"offset":0,"total":3}}"#;
    let page = decode_calls_page(body).unwrap();
    let c = &page.calls;
    assert_eq!((c[0].carrier_lag_ms, c[0].ai_latency_ms), (None, Some(200)));
    assert_eq!(c[0].total_latency_ms(), None);
    assert!(!c[0].has_latency());
    assert_eq!(
        (c[1].ai_latency_ms, c[1].gateway_processing_ms),
        (None, None)
    );
    assert_eq!(c[1].total_latency_ms(), None);
    // A real zero stays a zero.
    assert_eq!(c[2].total_latency_ms(), Some(0));
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    let cases = [
        "",
        "not json",
        "<html>502 Bad Gateway</html>",
        r#"{"calls": [ {"id": "c1", "trunk_id"#, // truncated mid-body
        r#"{"calls": null, "pagination": {}}"#,
        r#"{"calls": [{"id": 5}], "pagination": {"limit":1,"offset":0,"total":1}}"#,
        r#"{"calls": [], "pagination": {"limit":-1,"offset":0,"total":1}}"#,
        "[]",
        "\u{0}\u{1}",
    ];
    for body in cases {
        match decode_calls_page(body) {
            Err(ApiError::Decode { what, .. }) => assert_eq!(what, "the call list", "{body}"),
            other => panic!("expected a decode error for {body:?}, got {other:?}"),
        }
    }
}

#[test]
fn huge_latencies_do_not_overflow() {
    let body = format!(
        r#"{{"calls":[{{"id":"c","trunk_id":"t","from":"a","to":"b","status":"connected","start_time":"2024-03-05T10:00:00Z","carrier_lag_ms":{m},"ai_latency_ms":{m},"gateway_processing_ms":{m}}}],"pagination":{{"limit":1,"offset":0,"total":1}}}}"#,
        m = u32::MAX
    );
    let page = decode_calls_page(&body).unwrap();
    assert_eq!(page.calls[0].total_latency_ms(), Some(u32::MAX));
}

#[test]
fn decodes_detail_and_trunks() {
    let detail = r#"{"id":"call_1","trunk_id":"conn_1","from":"+15551234567","to":"+1-555-987-6543",
      "status":"disconnected","duration_seconds":12,"start_time":"2024-03-05T10:00:00Z",
      "end_time":"2024-03-05T10:00:12Z","carrier_lag_ms":80,"ai_latency_ms":200,
      "gateway_processing_ms":20,"disconnect_reason":"carrier_error",
      "metrics":{"packet_loss_percent":1.5,"jitter_ms":12.0,"codec_used":"opus"},
      "turns":[{"turn_number":1,"speaker":"agent","duration_ms":1200,"processing_time_ms":210}]}"#;
    let d = decode_call_detail(detail).unwrap();
    assert_eq!(d.call.id, "call_1");
    assert_eq!(d.disconnect_reason.as_deref(), Some("carrier_error"));
    assert_eq!(d.metrics.unwrap().codec_used.as_deref(), Some("opus"));
    assert_eq!(d.turns.len(), 1);

    let t = decode_trunks_page(r#"{"trunks":[{"id":"conn_1","name":"Support"},{"id":"conn_2"}]}"#)
        .unwrap();
    assert_eq!(t.trunks[1].name, None);
    assert!(decode_trunks_page("{").is_err());
}

#[test]
fn errors_are_typed_from_status_and_body() {
    let body = r#"{"error":{"code":"INVALID_PARAMETER","message":"limit must be an integer from 1 to 100, got 101"}}"#;
    let check = |status: u16, body: &str, retry: Option<u64>, expected: ApiError| {
        assert_eq!(
            ApiError::from_status(status, body, retry),
            expected,
            "{status} {body}"
        );
    };
    check(
        400,
        body,
        None,
        ApiError::BadRequest {
            status: 400,
            code: "INVALID_PARAMETER".into(),
            message: "limit must be an integer from 1 to 100, got 101".into(),
        },
    );
    check(
        401,
        r#"{"error":{"code":"UNAUTHORIZED","message":"Invalid API key"}}"#,
        None,
        ApiError::Unauthorized {
            message: "Invalid API key".into(),
        },
    );
    check(429, "", Some(7), ApiError::RateLimited { retry_after_s: 7 });
    check(
        503,
        "<html>oops</html>",
        None,
        ApiError::Server {
            status: 503,
            message: "HTTP 503".into(),
        },
    );
    assert!(ApiError::from_status(500, "", None).is_retryable());
    assert!(!ApiError::from_status(400, body, None).is_retryable());
    assert!(!ApiError::from_status(401, "", None).is_retryable());
    // The sentence a user sees carries the server's message.
    let shown = ApiError::from_status(400, body, None).to_string();
    assert!(shown.contains("got 101"), "{shown}");
}

fn check_url(url: &str, expected: CallQuery) {
    assert_eq!(CallQuery::from_url_query(url), expected, "parsing {url:?}");
}

#[test]
fn parses_page_urls() {
    let base = CallQuery::new();
    check_url("", base.clone());
    check_url("?", base.clone());
    check_url(
        "?status=failed&trunk=conn_abc&page=3&size=50&tz=utc",
        base.with_status(Some(StatusFilter::Failed))
            .with_trunk(TrunkId::new("conn_abc"))
            .with_page_size(PageSize::Fifty)
            .with_page(3)
            .with_tz(TimeZoneMode::Utc),
    );
    check_url(
        "range=24h",
        base.with_range(DateRange::Preset(Preset::Last24Hours)),
    );
    // Invalid values fall back to defaults, valid neighbours survive.
    check_url(
        "status=ringing&page=-2&size=1000&tz=mars&trunk=&range=2y",
        base.clone(),
    );
    check_url(
        "page=0&status=connected",
        base.with_status(Some(StatusFilter::Connected)),
    );
    // A reversed custom range is swapped rather than dropped.
    check_url(
        "from=2024-03-06T00:00:00Z&to=2024-03-05T00:00:00Z",
        base.with_range(DateRange::Custom {
            start: Some(utc("2024-03-05T00:00:00Z")),
            end: Some(utc("2024-03-06T00:00:00Z")),
        }),
    );
    // An open-ended range, and an offset date normalised to UTC.
    check_url(
        "from=2024-03-05T02:00:00%2B02:00",
        base.with_range(DateRange::Custom {
            start: Some(utc("2024-03-05T00:00:00Z")),
            end: None,
        }),
    );
    check_url("from=yesterday", base.clone());
    check_url("slo=650", base.with_slo(Slo::new(650)));
    check_url("slo=0&slo=abc", base.clone());
    check_url("slo=600001", base);
}

#[test]
fn renders_api_queries() {
    let now = Utc.with_ymd_and_hms(2024, 3, 5, 12, 0, 0).unwrap();
    let check = |q: CallQuery, expected: &str| assert_eq!(q.api_query(now), expected);
    check(CallQuery::new(), "limit=20&offset=0");
    check(
        CallQuery::new()
            .with_status(Some(StatusFilter::Connected))
            .with_trunk(TrunkId::new("conn abc&x"))
            .with_page_size(PageSize::Ten)
            .with_page(3),
        "limit=10&offset=20&status=connected&trunk_id=conn+abc%26x",
    );
    check(
        CallQuery::new().with_range(DateRange::Preset(Preset::Last24Hours)),
        "limit=20&offset=0&start_date=2024-03-04T12%3A00%3A00Z&end_date=2024-03-05T12%3A00%3A00Z",
    );
    check(
        CallQuery::new().with_range(DateRange::Custom {
            start: None,
            end: Some(utc("2024-03-01T23:59:59Z")),
        }),
        "limit=20&offset=0&end_date=2024-03-01T23%3A59%3A59Z",
    );
}

#[test]
fn filter_changes_return_to_page_one_and_clear_keeps_view_settings() {
    let q = CallQuery::new()
        .with_page_size(PageSize::Hundred)
        .with_tz(TimeZoneMode::Utc)
        .with_status(Some(StatusFilter::Failed))
        .with_page(7);
    let changed = q.with_trunk(TrunkId::new("conn_1"));
    assert_eq!(changed.page(), 1);
    assert_eq!(changed.status(), Some(StatusFilter::Failed));
    // Display settings keep the page; filters and the page size go back to page 1.
    assert_eq!(q.with_tz(TimeZoneMode::Local).page(), 7);
    assert_eq!(q.with_slo(Slo::new(500)).page(), 7);
    assert_eq!(q.with_page_size(PageSize::Ten).page(), 1);
    let cleared = q.cleared();
    assert!(!cleared.has_filters());
    assert_eq!(
        (cleared.page(), cleared.page_size(), cleared.tz()),
        (1, PageSize::Hundred, TimeZoneMode::Utc)
    );
}

#[test]
fn a_query_cannot_be_built_invalid() {
    // Page 0 reads as 1; a trunk must be non-empty and short; an SLO in range.
    assert_eq!(CallQuery::new().with_page(0).page(), 1);
    assert_eq!(CallQuery::new().offset(), 0);
    assert_eq!(CallQuery::new().with_page(3).offset(), 40);
    assert_eq!(TrunkId::new("   "), None);
    assert_eq!(TrunkId::new(&"x".repeat(129)), None);
    assert_eq!(TrunkId::new(" conn_1 ").unwrap().as_str(), "conn_1");
    // A call id is kept as the API spells it (shown as text, encoded in links).
    assert!(CallId::new("<img src=x onerror=1>#0").is_some());
    assert_eq!(
        CallId::new(" call_a ").map(|c| c.as_str().to_owned()),
        Some("call_a".into())
    );
    assert_eq!(CallId::new("call\u{0}x"), None);
    assert_eq!(CallId::new(&"c".repeat(129)), None);
    assert_eq!(Slo::new(0), None);
    assert_eq!(Slo::new(600_001), None);
    assert_eq!(Slo::parse(" 650 ").map(Slo::ms), Ok(650));
    assert!(Slo::parse("fast").is_err());
    assert!(Slo::parse("-5").is_err());
}

fn arb_instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_000_000_000).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
}

fn arb_query() -> impl Strategy<Value = CallQuery> {
    let status = prop::option::of(prop::sample::select(StatusFilter::ALL.to_vec()));
    let trunk = prop::option::of("[ -~\\u{e9}\\u{4e2d}]{0,40}".prop_filter_map(
        "trimmed non-empty",
        |s| {
            let t = s.trim().to_owned();
            (!t.is_empty()).then_some(t)
        },
    ));
    let range = prop_oneof![
        Just(DateRange::All),
        prop::sample::select(Preset::ALL.to_vec()).prop_map(DateRange::Preset),
        (
            prop::option::of(arb_instant()),
            prop::option::of(arb_instant())
        )
            .prop_filter("a custom range has a bound", |(s, e)| s.is_some()
                || e.is_some())
            .prop_map(|(s, e)| match (s, e) {
                (Some(a), Some(b)) if a > b => DateRange::Custom {
                    start: Some(b),
                    end: Some(a)
                },
                (start, end) => DateRange::Custom { start, end },
            }),
    ];
    let size = prop::sample::select(PageSize::ALL.to_vec());
    let tz = prop::sample::select(vec![TimeZoneMode::Local, TimeZoneMode::Utc]);
    let slo = prop::option::of(1u32..=600_000);
    (status, trunk, range, 1u32..100_000, size, tz, slo).prop_map(
        |(status, trunk, range, page, page_size, tz, slo_ms)| {
            CallQuery::new()
                .with_filters(|f| {
                    f.status = status;
                    f.trunk = trunk.as_deref().and_then(TrunkId::new);
                    f.range = range;
                })
                .with_page_size(page_size)
                .with_page(page)
                .with_tz(tz)
                .with_slo(slo_ms.and_then(Slo::new))
        },
    )
}

proptest! {
    #[test]
    fn url_round_trips(q in arb_query()) {
        prop_assert_eq!(CallQuery::from_url_query(&q.to_url_query()), q.clone());
        prop_assert_eq!(CallQuery::from_url_query(&format!("?{}", q.to_url_query())), q);
    }

    #[test]
    fn any_url_parses_without_panicking(s in ".{0,200}") {
        let q = CallQuery::from_url_query(&s);
        prop_assert!(q.page() >= 1);
    }
}

mod retry {
    use call_dashboard::api::{retry_after_seconds, ApiError, Attempts, RetryPolicy};

    fn server() -> ApiError {
        ApiError::Server {
            status: 503,
            message: "x".into(),
        }
    }

    #[test]
    fn server_errors_back_off_exponentially_capped_then_stop() {
        let policy = RetryPolicy::default();
        let mut attempts = Attempts::default();
        // With jitter 1.0 the wait is the full step: 400, 800, 1600, then give up.
        let waits: Vec<_> = (0..4)
            .map(|_| policy.delay_ms(&server(), &mut attempts, 1.0))
            .collect();
        assert_eq!(waits, vec![Some(400), Some(800), Some(1600), None]);
        let policy = RetryPolicy {
            max_server_retries: 10,
            ..RetryPolicy::default()
        };
        let mut attempts = Attempts::default();
        let waits: Vec<_> = (0..6)
            .filter_map(|_| policy.delay_ms(&server(), &mut attempts, 1.0))
            .collect();
        assert_eq!(waits, vec![400, 800, 1600, 3200, 4000, 4000]);
    }

    #[test]
    fn jitter_spreads_waits_but_never_to_zero() {
        let policy = RetryPolicy::default();
        let network = ApiError::Network { base: "/v1".into() };
        assert_eq!(
            policy.delay_ms(&network, &mut Attempts::default(), 0.0),
            Some(40)
        );
        assert_eq!(
            policy.delay_ms(&network, &mut Attempts::default(), 0.5),
            Some(200)
        );
        assert_eq!(
            policy.delay_ms(&network, &mut Attempts::default(), 7.0),
            Some(400)
        );
    }

    #[test]
    fn rate_limits_wait_as_told_and_other_4xx_never_retry() {
        let policy = RetryPolicy::default();
        let mut attempts = Attempts::default();
        let limited = ApiError::RateLimited { retry_after_s: 3 };
        assert_eq!(policy.delay_ms(&limited, &mut attempts, 0.0), Some(3000));
        assert_eq!(attempts.rate_limited, 1);
        let too_long = ApiError::RateLimited {
            retry_after_s: 3600,
        };
        assert_eq!(policy.delay_ms(&too_long, &mut attempts, 0.0), None);
        for final_error in [
            ApiError::Unauthorized {
                message: String::new(),
            },
            ApiError::NotFound {
                message: String::new(),
            },
            ApiError::BadRequest {
                status: 400,
                code: String::new(),
                message: String::new(),
            },
            ApiError::Decode {
                what: String::new(),
                detail: String::new(),
            },
            ApiError::Aborted,
        ] {
            assert_eq!(
                policy.delay_ms(&final_error, &mut Attempts::default(), 1.0),
                None
            );
        }
    }

    #[test]
    fn retry_after_header_then_reset_header() {
        let check = |ra: Option<&str>, reset: Option<&str>, expected: u64| {
            assert_eq!(
                retry_after_seconds(ra, reset, 1_000),
                expected,
                "{ra:?} {reset:?}"
            )
        };
        check(Some("7"), Some("1500"), 7);
        check(Some(" 0 "), None, 1);
        check(None, Some("1012"), 12);
        check(None, Some("900"), 1);
        check(Some("soon"), Some("garbage"), 1);
        check(None, None, 1);
    }
}

#[test]
fn the_servers_sign_in_answer_is_its_own_error() {
    let body = r#"{"error":{"code":"SIGN_IN_REQUIRED","message":"Sign in to see the calls."}}"#;
    assert_eq!(
        ApiError::from_status(401, body, None),
        ApiError::SignInRequired
    );
    let key = r#"{"error":{"code":"UNAUTHORIZED","message":"Invalid API key"}}"#;
    let e = ApiError::from_status(401, key, None);
    assert_eq!(
        e,
        ApiError::Unauthorized {
            message: "Invalid API key".into()
        }
    );
    // In server mode the key is the server's: the administrator's to fix.
    let server = e.in_server_mode();
    assert!(matches!(server, ApiError::ServerKeyRejected { .. }));
    assert!(server.to_string().contains("administrator"), "{server}");
    assert!(!ApiError::SignInRequired.is_retryable());
}
