//! Every query parameter of the list endpoints at and around its boundaries: accepted
//! values answer 200, everything else 400 `INVALID_PARAMETER` naming the parameter.

mod common;
use common::*;

/// `(query, expected status, parameter the 400 message must name)`.
const CASES: &[(&str, u16, &str)] = &[
    ("", 200, ""),
    ("limit=1", 200, ""),
    ("limit=20", 200, ""),
    ("limit=100", 200, ""),
    ("limit=0", 400, "limit"),
    ("limit=101", 400, "limit"),
    ("limit=1000", 400, "limit"),
    ("limit=-1", 400, "limit"),
    ("limit=abc", 400, "limit"),
    ("limit=", 400, "limit"),
    ("limit=1.5", 400, "limit"),
    ("limit=99999999999999999999", 400, "limit"),
    ("offset=0", 200, ""),
    ("offset=1999", 200, ""),
    ("offset=5000000", 200, ""),
    ("offset=-1", 400, "offset"),
    ("offset=abc", 400, "offset"),
    ("offset=", 400, "offset"),
    ("status=connected", 200, ""),
    ("status=failed", 200, ""),
    ("status=disconnected", 200, ""),
    ("status=Connected", 400, "status"),
    ("status=ringing", 400, "status"),
    ("status=", 400, "status"),
    ("trunk_id=conn_doesnotexist", 200, ""),
    ("trunk_id=", 400, "trunk_id"),
    ("start_date=2024-03-10T00:00:00Z", 200, ""),
    ("start_date=2024-03-10T02:00:00%2B02:00", 200, ""),
    ("start_date=2024-03-10T02:00:00+02:00", 200, ""), // `+` decoded as a space
    ("start_date=2024-03-09T19:00:00-05:00", 200, ""),
    ("start_date=2024-03-10T00:00:00", 200, ""),
    ("start_date=2024-03-10T00:00:00.123456", 200, ""),
    ("start_date=2024-03-10", 200, ""),
    ("start_date=2024-03-10%2000:00:00", 400, "start_date"),
    ("start_date=2024-03-10T00:00", 400, "start_date"),
    ("start_date=yesterday", 400, "start_date"),
    ("start_date=2024-13-01", 400, "start_date"),
    ("start_date=1710028800", 400, "start_date"),
    ("start_date=", 400, "start_date"),
    ("end_date=2024-03-10T00:00:00Z", 200, ""),
    ("end_date=2024-03-10", 200, ""),
    ("end_date=10/03/2024", 400, "end_date"),
    (
        "start_date=2024-03-10&end_date=2024-03-09",
        400,
        "start_date",
    ),
    ("start_date=2024-03-10&end_date=2024-03-10", 200, ""),
    (
        "limit=5&status=failed&trunk_id=conn_x&start_date=2024-03-01&end_date=2024-03-15",
        200,
        "",
    ),
    ("limit=5&status=bogus&trunk_id=conn_x", 400, "status"),
    ("foo=bar&limit=3", 200, ""),
    ("limit=5&limit=6", 400, "limit"),
];

#[tokio::test]
async fn list_calls_parameters() {
    let s = start("api", &["--rate-limit", "0"]).await;
    for (query, status, param) in CASES {
        let (got, headers, body) = s.get_json(&format!("/v1/calls?{query}")).await;
        assert_eq!(got.as_u16(), *status, "?{query}: {body}");
        assert!(
            header(&headers, "content-type").starts_with("application/json"),
            "?{query}"
        );
        if *status == 400 {
            assert_eq!(code(&body), "INVALID_PARAMETER", "?{query}");
            let message = body["error"]["message"].as_str().unwrap_or("");
            assert!(message.contains(param), "?{query}: {message}");
        } else {
            let calls = body["calls"].as_array().expect("calls array");
            let limit = body["pagination"]["limit"].as_u64().expect("limit");
            assert!(calls.len() as u64 <= limit, "?{query}");
        }
    }
}

#[tokio::test]
async fn limit_message_is_exact() {
    let s = start("api", &[]).await;
    let (_, _, body) = s.get_json("/v1/calls?limit=101").await;
    assert_eq!(
        body["error"]["message"],
        "limit must be an integer from 1 to 100, got 101"
    );
    let (_, _, body) = s.get_json("/v1/calls?offset=-1").await;
    assert_eq!(
        body["error"]["message"],
        "offset must be an integer of 0 or more, got -1"
    );
}

#[tokio::test]
async fn trunks_parameters() {
    let s = start("api", &[]).await;
    let cases: &[(&str, u16)] = &[
        ("", 200),
        ("limit=1", 200),
        ("limit=100", 200),
        ("limit=2&offset=5", 200),
        ("limit=0", 400),
        ("limit=101", 400),
        ("offset=-1", 400),
        ("offset=x", 400),
    ];
    for (query, status) in cases {
        let (got, _, body) = s.get_json(&format!("/v1/trunks?{query}")).await;
        assert_eq!(got.as_u16(), *status, "?{query}: {body}");
    }
}

#[tokio::test]
async fn long_trunk_id_is_rejected() {
    let s = start("api", &[]).await;
    let ok = "c".repeat(128);
    let long = "c".repeat(129);
    let (status, _, _) = s.get_json(&format!("/v1/calls?trunk_id={ok}")).await;
    assert_eq!(status, 200);
    let (status, _, body) = s.get_json(&format!("/v1/calls?trunk_id={long}")).await;
    assert_eq!((status.as_u16(), code(&body)), (400, "INVALID_PARAMETER"));
}
