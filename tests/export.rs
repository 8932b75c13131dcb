//! Native tests of the exports (`export.rs`): CSV quoting, the formula-injection rule,
//! number and time formats, the JSON fields, chart tables and file names.

use call_dashboard::api::{
    Call, CallQuery, CallStatus, DateRange, Preset, StatusFilter, TimeZoneMode, Trunk, TrunkId,
};
use call_dashboard::charts::Table;
use call_dashboard::export::{
    calls_csv, calls_json, file_name, neutralise, table_csv, ExportFormat, ExportScope,
};
use call_dashboard::trunks::TrunkDirectory;
use chrono::{TimeZone, Utc};

fn call(id: &str, from: &str, to: &str, lat: Option<[u32; 3]>) -> Call {
    Call {
        id: id.into(),
        trunk_id: "conn_a".into(),
        from: from.into(),
        to: to.into(),
        status: CallStatus::Connected,
        duration_seconds: 1_342,
        start_time: Utc.with_ymd_and_hms(2024, 3, 5, 10, 30, 0).unwrap(),
        end_time: Some(Utc.with_ymd_and_hms(2024, 3, 5, 10, 52, 22).unwrap()),
        carrier_lag_ms: lat.map(|l| l[0]),
        ai_latency_ms: lat.map(|l| l[1]),
        gateway_processing_ms: lat.map(|l| l[2]),
    }
}

fn names() -> TrunkDirectory {
    TrunkDirectory::from_trunks(&[Trunk {
        id: "conn_a".into(),
        name: Some("Support, \"EU\"".into()),
    }])
}

#[test]
fn the_owasp_rule_neutralises_formulas_and_nothing_else() {
    let check = |cell: &str, expected: &str| assert_eq!(neutralise(cell), expected, "{cell:?}");
    check("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")");
    check("+1-555-123-4567", "'+1-555-123-4567");
    check("-2+3", "'-2+3");
    check("@SUM(A1)", "'@SUM(A1)");
    check("\tcmd", "'\tcmd");
    check("\rcmd", "'\rcmd");
    check("15551234567", "15551234567");
    check("call_abc", "call_abc");
    check("", "");
    check("a=b", "a=b");
}

#[test]
fn csv_quotes_per_rfc_4180_with_a_header_and_plain_numbers() {
    let calls = [
        call(
            "call_1",
            "+1-555-123-4567",
            "line\nbreak",
            Some([85, 1_215, 22]),
        ),
        call("call_2", "=cmd|' /C calc'!A0", "15559876543", None),
    ];
    let csv = calls_csv(&calls, TimeZoneMode::Utc, &names()).unwrap();
    let mut lines = csv.split("\r\n").next().unwrap().lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,trunk_id,trunk_name,from,to,status,start_time,end_time,duration_seconds,carrier_lag_ms,ai_latency_ms,gateway_processing_ms,total_latency_ms"
    );
    // A name with a comma and quotes is quoted, quotes doubled; a newline is kept in
    // quotes; thousands carry no separator; ISO 8601 in UTC; total = the three parts.
    assert!(csv.contains(
        "call_1,conn_a,\"Support, \"\"EU\"\"\",'+1-555-123-4567,\"line\nbreak\",connected,2024-03-05T10:30:00Z,2024-03-05T10:52:22Z,1342,85,1215,22,1322\n"
    ), "{csv}");
    // Unknown latencies are empty cells, not 0; a formula becomes text.
    assert!(csv.contains("call_2,conn_a,\"Support, \"\"EU\"\"\",'=cmd|' /C calc'!A0,15559876543,connected,2024-03-05T10:30:00Z,2024-03-05T10:52:22Z,1342,,,,\n"), "{csv}");
}

#[test]
fn local_time_views_add_local_columns() {
    let csv = calls_csv(
        &[call("call_1", "a", "b", None)],
        TimeZoneMode::Local,
        &TrunkDirectory::default(),
    )
    .unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("start_time,end_time,start_time_local,end_time_local,duration_seconds"),
        "{header}"
    );
    let row = csv.lines().nth(1).unwrap();
    // The UTC instant, then the same instant with the browser's offset.
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells[6], "2024-03-05T10:30:00Z");
    let local = chrono::DateTime::parse_from_rfc3339(cells[8]).expect("ISO 8601 with an offset");
    assert_eq!(
        local.with_timezone(&Utc),
        Utc.with_ymd_and_hms(2024, 3, 5, 10, 30, 0).unwrap()
    );
    // No trunk name known: an empty cell, not the id again.
    assert_eq!(cells[2], "");
}

#[test]
fn json_keeps_every_field_as_sent_plus_the_trunk_name() {
    let json = calls_json(&[call("call_1", "+1-555-123-4567", "=x", None)], &names()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let c = &v[0];
    let documented = "id trunk_id from to status duration_seconds start_time end_time \
        carrier_lag_ms ai_latency_ms gateway_processing_ms trunk_name";
    for field in documented.split_whitespace() {
        assert!(c.get(field).is_some(), "{field} missing in {c}");
    }
    // No neutralising in JSON: scripts get the values as the API sent them.
    assert_eq!(c["from"], "+1-555-123-4567");
    assert_eq!(c["to"], "=x");
    assert_eq!(c["carrier_lag_ms"], serde_json::Value::Null);
    assert_eq!(c["start_time"], "2024-03-05T10:30:00Z");
    assert_eq!(c["trunk_name"], "Support, \"EU\"");
}

#[test]
fn chart_tables_export_as_csv() {
    let t = Table {
        headers: vec!["Trunk".into(), "Calls".into()],
        rows: vec![
            vec!["=evil".into(), "1,523".into()],
            vec!["Sales".into(), "12".into()],
        ],
    };
    assert_eq!(
        table_csv(&t).unwrap(),
        "Trunk,Calls\n'=evil,\"1,523\"\nSales,12\n"
    );
}

#[test]
fn file_names_say_what_is_in_them() {
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let q = CallQuery::new()
        .with_status(Some(StatusFilter::Failed))
        .with_trunk(TrunkId::new("conn/../x y"))
        .with_range(DateRange::Preset(Preset::Last24Hours))
        .with_tz(TimeZoneMode::Utc);
    assert_eq!(
        file_name("calls", &q, ExportScope::All, ExportFormat::Csv, now),
        "telepath-calls_failed_conn----x-y_2026-11-19T1200Z_to_2026-11-20T1200Z_last-24h_utc.csv"
    );
    assert_eq!(
        file_name(
            "calls",
            &CallQuery::new().with_page(3),
            ExportScope::Page,
            ExportFormat::Json,
            now
        ),
        "telepath-calls_all-time_local-time_page-3.json"
    );
}
