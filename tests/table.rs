//! Native tests of the call table's sorting and latency bar, and of date inputs.

use call_dashboard::api::{Call, CallStatus, TimeZoneMode};
use call_dashboard::format::{datetime_input_value, parse_datetime_input};
use call_dashboard::sort::{Sort, SortDir};
use call_dashboard::table::{latency_bar, latency_scale_ms, sort_calls, SortColumn, API_ORDER};
use call_dashboard::trunks::TrunkDirectory;
use chrono::{TimeZone, Utc};

fn call(id: &str, minute: u32, status: &str, latencies: [u32; 3], duration: u64) -> Call {
    Call {
        id: id.into(),
        trunk_id: format!("conn_{id}"),
        from: "+1-555-123-4567".into(),
        to: "+15559876543".into(),
        status: CallStatus::from_wire(status),
        duration_seconds: duration,
        start_time: Utc.with_ymd_and_hms(2024, 3, 5, 10, minute, 0).unwrap(),
        end_time: None,
        carrier_lag_ms: Some(latencies[0]),
        ai_latency_ms: Some(latencies[1]),
        gateway_processing_ms: Some(latencies[2]),
    }
}

/// Cells in UTC with no trunk names.
const UTC: call_dashboard::table::CellContext<'static> = call_dashboard::table::CellContext {
    tz: TimeZoneMode::Utc,
    trunks: &NO_NAMES,
};
static NO_NAMES: TrunkDirectory = TrunkDirectory::EMPTY;

fn page() -> Vec<Call> {
    vec![
        call("c", 3, "connected", [80, 200, 20], 300),
        call("a", 2, "failed", [0, 0, 0], 0),
        call("b", 1, "ringing", [120, 900, 30], 10),
        call("d", 3, "disconnected", [80, 200, 20], 60),
    ]
}

fn check(sort: Sort<SortColumn>, expected: &str) {
    let mut calls = page();
    sort_calls(&mut calls, sort, &TrunkDirectory::default());
    let ids: String = calls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, expected, "{sort:?}");
}

#[test]
fn sorts_by_any_column_with_api_order_as_tie_break() {
    let s = |column, dir| Sort { column, dir };
    check(API_ORDER, "dcab");
    check(s(SortColumn::Start, SortDir::Asc), "badc");
    check(s(SortColumn::Id, SortDir::Asc), "abcd");
    // c and d tie on total (300 ms): newest first, then id descending.
    check(s(SortColumn::Total, SortDir::Desc), "bdca");
    check(s(SortColumn::Total, SortDir::Asc), "adcb");
    check(s(SortColumn::Status, SortDir::Asc), "cdab");
    check(s(SortColumn::Duration, SortDir::Desc), "cdba");
    check(s(SortColumn::Ai, SortDir::Desc), "bdca");
}

#[test]
fn header_clicks_flip_or_pick_a_natural_direction() {
    let start = API_ORDER;
    assert_eq!(start.toggled(SortColumn::Start).dir, SortDir::Asc);
    assert_eq!(start.toggled(SortColumn::Total).dir, SortDir::Desc);
    assert_eq!(start.toggled(SortColumn::Trunk).dir, SortDir::Asc);
    assert_eq!(start.aria(SortColumn::Start), "descending");
    assert_eq!(start.aria(SortColumn::Id), "none");
}

#[test]
fn latency_bars_share_one_scale() {
    // Totals 300, 0, 300 and a lone 1050: drawn against 1.5 × the 90th percentile
    // (300), so the usual rows are not squeezed by the one outlier.
    let calls = page();
    let scale = latency_scale_ms(&calls);
    assert_eq!(scale, 450);
    let bar = latency_bar(&calls[0], scale);
    let [c, a, g] = bar.widths;
    assert!(!bar.over);
    assert!((c - 80.0 / 4.5).abs() < 1e-9 && (a - 200.0 / 4.5).abs() < 1e-9);
    assert!((g - 20.0 / 4.5).abs() < 1e-9);
    // The outlier fills its bar in its own proportions, marked as over the scale.
    let bar = latency_bar(&calls[2], scale);
    let [c, a, g] = bar.widths;
    assert!(bar.over);
    assert!((c + a + g - 100.0).abs() < 1e-9);
    assert!((a - 900.0 / 10.5).abs() < 1e-9);
    assert_eq!(latency_scale_ms(&[]), 1);
    let zero = latency_bar(&calls[1], 1);
    assert_eq!((zero.widths, zero.over), ([0.0, 0.0, 0.0], false));
}

#[test]
fn without_outliers_the_scale_is_the_largest_total() {
    // Totals spread evenly from 100 to 1,000 ms: nothing is far above the rest.
    let calls: Vec<Call> = (1..=10u32)
        .map(|i| {
            call(
                &format!("c{i}"),
                1,
                "connected",
                [10 * i, 80 * i, 10 * i],
                60,
            )
        })
        .collect();
    let scale = latency_scale_ms(&calls);
    assert_eq!(scale, 1000);
    assert!(calls.iter().all(|c| !latency_bar(c, scale).over));
    let [c, a, g] = latency_bar(&calls[9], scale).widths;
    assert!((c + a + g - 100.0).abs() < 1e-9);
}

#[test]
fn datetime_inputs_in_utc() {
    let t = Utc.with_ymd_and_hms(2024, 3, 5, 10, 30, 0).unwrap();
    let check = |s: &str, expected: Option<chrono::DateTime<Utc>>| {
        assert_eq!(parse_datetime_input(s, TimeZoneMode::Utc), expected, "{s}")
    };
    check("2024-03-05T10:30", Some(t));
    check("2024-03-05T10:30:00", Some(t));
    check("", None);
    check("2024-13-05T10:30", None);
    check("yesterday", None);
    assert_eq!(
        datetime_input_value(t, TimeZoneMode::Utc),
        "2024-03-05T10:30"
    );
    // Local round-trips whatever the machine's zone is.
    let local = datetime_input_value(t, TimeZoneMode::Local);
    assert_eq!(parse_datetime_input(&local, TimeZoneMode::Local), Some(t));
}

fn trunk(id: &str, name: Option<&str>) -> call_dashboard::api::Trunk {
    call_dashboard::api::Trunk {
        id: id.into(),
        name: name.map(Into::into),
    }
}

#[test]
fn trunk_choices_prefer_the_listed_trunks_and_keep_the_selected_one() {
    use call_dashboard::table::trunk_choices;
    let listed = vec![
        trunk("conn_b", Some("Sales")),
        trunk("conn_a", None),
        trunk("conn_c", Some("Support")),
        trunk("conn_d", Some("Support")),
    ];
    let names = TrunkDirectory::from_trunks(&listed);
    let labels = |v: Vec<(String, String)>| v.into_iter().map(|(_, l)| l).collect::<Vec<_>>();
    // Names, an id where there is none, and the id beside a name two trunks share.
    assert_eq!(
        labels(trunk_choices(Some(&listed), ["conn_z"], None, &names)),
        ["Sales", "Support (conn_c)", "Support (conn_d)", "conn_a"]
    );
    assert_eq!(
        labels(trunk_choices(
            None,
            ["conn_z", "conn_a", "conn_z"],
            Some("conn_q"),
            &TrunkDirectory::default()
        )),
        ["conn_a", "conn_q", "conn_z"]
    );
    assert!(trunk_choices(Some(&[]), [], None, &names).is_empty());
}

#[test]
fn trunks_show_their_names_and_keep_their_ids() {
    use call_dashboard::table::{CellContext, COLUMNS};
    use call_dashboard::trunks::shorten;
    let names = TrunkDirectory::from_trunks(&[
        trunk("conn_c", Some("APAC Overflow (Plivo)")),
        trunk("conn_blank", Some("  ")),
    ]);
    assert_eq!(names.label("conn_c"), "APAC Overflow (Plivo)");
    assert_eq!(names.label("conn_unknown"), "conn_unknown");
    assert_eq!(names.label("conn_blank"), "conn_blank");
    assert_eq!(
        names.name_and_id("conn_c"),
        "APAC Overflow (Plivo) · conn_c"
    );
    // Shortened at a word boundary with an ellipsis, or mid-word when no boundary is
    // past half the room.
    assert_eq!(shorten("APAC Overflow (Plivo)", 16), "APAC Overflow…");
    assert_eq!(shorten("Appointments", 16), "Appointments");
    assert_eq!(shorten("conn_reqolbnmje08xyz", 12), "conn_reqolb…");
    assert_eq!(shorten("A Verylongsinglename", 10), "A Verylon…");
    // The call table shows the name, with the id in the cell's tooltip.
    let c = call("c", 3, "connected", [80, 200, 20], 342);
    let c = Call {
        trunk_id: "conn_c".into(),
        ..c
    };
    let cx = CellContext {
        tz: TimeZoneMode::Utc,
        trunks: &names,
    };
    let col = COLUMNS
        .iter()
        .find(|col| col.key == SortColumn::Trunk)
        .unwrap();
    assert_eq!(col.text(&c, &cx), "APAC Overflow (Plivo)");
    assert_eq!(col.title(&c, &cx).as_deref(), Some("conn_c"));
    let unnamed = CellContext {
        tz: TimeZoneMode::Utc,
        trunks: &TrunkDirectory::default(),
    };
    assert_eq!(col.text(&c, &unnamed), "conn_c");
    assert_eq!(col.title(&c, &unnamed), None);
}

#[test]
fn day_bounds_cover_the_whole_day() {
    use call_dashboard::format::day_bounds;
    let day = chrono::NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
    let (s, e) = day_bounds(day, TimeZoneMode::Utc).unwrap();
    assert_eq!(s, Utc.with_ymd_and_hms(2024, 3, 5, 0, 0, 0).unwrap());
    assert_eq!(e, Utc.with_ymd_and_hms(2024, 3, 5, 23, 59, 59).unwrap());
    let (s, e) = day_bounds(day, TimeZoneMode::Local).unwrap();
    assert!(e > s && (e - s).num_hours() >= 22);
}

#[test]
fn unknown_latencies_show_as_unknown_sort_last_and_draw_no_bar() {
    use call_dashboard::table::COLUMNS;
    let mut calls = page();
    let mut unknown = call("e", 4, "connected", [0, 0, 0], 5);
    unknown.ai_latency_ms = None;
    calls.push(unknown.clone());
    // Neither the fastest nor the slowest: last both ways.
    let mut sorted = calls.clone();
    let none = TrunkDirectory::default();
    sort_calls(
        &mut sorted,
        Sort::new(SortColumn::Total, SortDir::Asc),
        &none,
    );
    assert_eq!(sorted.last().map(|c| c.id.as_str()), Some("e"));
    sort_calls(
        &mut sorted,
        Sort::new(SortColumn::Total, SortDir::Desc),
        &none,
    );
    assert_eq!(sorted.last().map(|c| c.id.as_str()), Some("e"));
    // It does not move the scale, and its bar is empty rather than a guess.
    assert_eq!(latency_scale_ms(&calls), latency_scale_ms(&page()));
    let bar = latency_bar(&unknown, 450);
    assert_eq!((bar.widths, bar.over), ([0.0; 3], false));
    let text = |key: SortColumn| {
        COLUMNS
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.text(&unknown, &UTC))
    };
    assert_eq!(text(SortColumn::Ai).as_deref(), Some("–"));
    assert_eq!(text(SortColumn::Total).as_deref(), Some("–"));
    assert_eq!(text(SortColumn::Carrier).as_deref(), Some("0 ms"));
}

#[test]
fn every_column_is_described_once_and_knows_its_cell() {
    use call_dashboard::table::{CellKind, COLUMNS};
    // Each sort key appears once, so a heading cannot sort by another column's value.
    for (i, a) in COLUMNS.iter().enumerate() {
        assert!(
            COLUMNS[i + 1..].iter().all(|b| b.key != a.key),
            "{:?} twice",
            a.key
        );
    }
    let c = call("c", 3, "connected", [80, 200, 20], 342);
    let cells: Vec<(String, String)> = COLUMNS
        .iter()
        .map(|col| (col.label.to_owned(), col.text(&c, &UTC)))
        .collect();
    let get = |label: &str| {
        cells
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, t)| t.as_str())
    };
    assert_eq!(get("Call"), Some("c"));
    assert_eq!(get("Status"), Some("connected"));
    assert_eq!(get("Started"), Some("2024-03-05 10:03:00"));
    assert_eq!(get("Duration"), Some("5m 42s"));
    assert_eq!(get("Total latency"), Some("300 ms"));
    let total = COLUMNS.iter().find(|c| c.key == SortColumn::Total).unwrap();
    assert_eq!(total.kind, CellKind::Total);
    assert_eq!(total.class(), "num total c-total");
    let from = COLUMNS.iter().find(|c| c.key == SortColumn::From).unwrap();
    assert!(from.wide_only());
    assert_eq!(from.class(), "mono wide-only");
}
