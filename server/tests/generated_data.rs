//! The generated data: deterministic, and telling the stories the dashboard's charts
//! are meant to show.

use dashboard_server::generate::{generate, incident_window, GenerateOptions};
use rusqlite::Connection;
use std::path::Path;

const NOW: i64 = 1_710_504_000; // 2024-03-15T12:00:00Z, a Friday
const CALLS: u64 = 20_000;

fn make(dir: &Path, name: &str, seed: u64) -> Connection {
    let path = dir.join(name);
    generate(
        &path,
        GenerateOptions {
            calls: CALLS,
            seed,
            now: NOW,
        },
    )
    .expect("generate");
    Connection::open(path).expect("open")
}

fn one<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str) -> T {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn dump(conn: &Connection) -> String {
    one(
        conn,
        "SELECT group_concat(id || trunk_id || from_number || status || duration_seconds || \
         start_time || coalesce(end_time, '-') || carrier_lag_ms || ai_latency_ms || \
         gateway_processing_ms || coalesce(disconnect_reason, '-') || packet_loss_percent || \
         jitter_ms || codec_used, ';') FROM (SELECT * FROM calls ORDER BY seq)",
    )
}

/// Median of a column over a WHERE clause.
fn median(conn: &Connection, column: &str, where_clause: &str) -> f64 {
    let n: i64 = one(
        conn,
        &format!("SELECT count(*) FROM calls WHERE {where_clause}"),
    );
    one(
        conn,
        &format!(
            "SELECT {column} FROM calls WHERE {where_clause} ORDER BY {column} LIMIT 1 OFFSET {}",
            n / 2
        ),
    )
}

fn trunk(conn: &Connection, name_prefix: &str) -> String {
    one(
        conn,
        &format!("SELECT id FROM trunks WHERE name LIKE '{name_prefix}%'"),
    )
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = make(dir.path(), "a.db", 42);
    let b = make(dir.path(), "b.db", 42);
    let c = make(dir.path(), "c.db", 43);
    assert_eq!(dump(&a), dump(&b));
    assert_ne!(dump(&a), dump(&c));
}

#[test]
fn stories() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = make(dir.path(), "calls.db", 42);
    let count = |w: &str| -> f64 {
        one::<i64>(&db, &format!("SELECT count(*) FROM calls WHERE {w}")) as f64
    };
    let n = CALLS as f64;

    // Shape and invariants.
    assert_eq!(count("1"), n);
    assert_eq!(
        one::<i64>(&db, "SELECT count(DISTINCT id) FROM calls"),
        CALLS as i64
    );
    assert_eq!(count("id NOT GLOB 'call_[0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z][0-9a-z]'"), 0.0);
    let trunks: i64 = one(&db, "SELECT count(*) FROM trunks");
    assert!((5..=8).contains(&trunks));
    assert_eq!(
        count(&format!(
            "start_time < {} OR start_time >= {NOW}",
            NOW - 14 * 86_400
        )),
        0.0
    );
    assert_eq!(
        one::<i64>(&db, "SELECT count(*) FROM calls a JOIN calls b ON b.seq = a.seq + 1 \
                         WHERE a.start_time < b.start_time OR (a.start_time = b.start_time AND a.id <= b.id)"),
        0,
        "seq follows start_time DESC, id DESC"
    );

    // Status mix ≈ 85 / 8 / 7 %.
    let share = |s: &str| count(&format!("status = '{s}'")) / n;
    assert!(
        (0.81..0.89).contains(&share("connected")),
        "{}",
        share("connected")
    );
    assert!(
        (0.06..0.11).contains(&share("failed")),
        "{}",
        share("failed")
    );
    assert!(
        (0.05..0.09).contains(&share("disconnected")),
        "{}",
        share("disconnected")
    );

    // Status-consistent fields.
    assert_eq!(count("status = 'failed' AND (duration_seconds != 0 OR end_time != start_time OR ai_latency_ms != 0)"), 0.0);
    assert_eq!(count("status = 'connected' AND end_time IS NOT NULL AND disconnect_reason != 'normal_disconnect'"), 0.0);
    assert_eq!(count("status = 'failed' AND disconnect_reason NOT IN ('no_answer','connection_failed','ai_provider_error','carrier_error')"), 0.0);
    assert_eq!(count("end_time IS NULL AND (status != 'connected' OR start_time + duration_seconds != 1710504000)"), 0.0);
    assert_eq!(
        count("end_time IS NOT NULL AND end_time != start_time + duration_seconds"),
        0.0
    );
    assert!(
        count("end_time IS NULL") >= 1.0,
        "some calls are still running"
    );

    // Both number styles, in both fields.
    for col in ["from_number", "to_number"] {
        assert!(
            count(&format!(
                "{col} GLOB '+1-555-[0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'"
            )) > 0.0,
            "{col}"
        );
        assert!(
            count(&format!("{col} GLOB '+[1-9]*' AND {col} NOT GLOB '*-*'")) > 0.0,
            "{col}"
        );
    }

    // Chronic carrier lag on one trunk.
    let apac = trunk(&db, "APAC");
    let lag_apac = median(&db, "carrier_lag_ms", &format!("trunk_id = '{apac}'"));
    let lag_rest = median(&db, "carrier_lag_ms", &format!("trunk_id != '{apac}'"));
    assert!(lag_apac > 2.5 * lag_rest, "{lag_apac} vs {lag_rest}");
    assert!((60.0..=120.0).contains(&lag_rest), "{lag_rest}");

    // The AI-latency incident: the same trunk and hours, other days vs incident day.
    let billing = trunk(&db, "Billing");
    let (a, b) = incident_window(NOW);
    let (a, b) = (a + 1800, b - 1800); // the plateau
    let during = median(
        &db,
        "ai_latency_ms",
        &format!(
            "trunk_id = '{billing}' AND status != 'failed' AND start_time BETWEEN {a} AND {b}"
        ),
    );
    let usual = median(&db, "ai_latency_ms", &format!(
        "trunk_id = '{billing}' AND status != 'failed' AND start_time NOT BETWEEN {} AND {} AND (start_time % 86400) BETWEEN {} AND {}",
        a - 3600, b + 3600, a % 86_400, b % 86_400));
    assert!(during > 3.0 * usual, "{during} vs {usual}");
    let ai_all = median(&db, "ai_latency_ms", "status != 'failed'");
    assert!((180.0..=320.0).contains(&ai_all), "{ai_all}");
    let p99: i64 = one(&db, "SELECT ai_latency_ms FROM calls WHERE status != 'failed' ORDER BY ai_latency_ms LIMIT 1 OFFSET (SELECT count(*) * 99 / 100 FROM calls WHERE status != 'failed')");
    assert!(
        p99 as f64 > 2.5 * ai_all,
        "heavy tail: p99 {p99} vs median {ai_all}"
    );

    // One trunk noticeably worse.
    let appts = trunk(&db, "Appointments");
    let fail_rate = |w: &str| count(&format!("{w} AND status != 'connected'")) / count(w);
    assert!(
        fail_rate(&format!("trunk_id = '{appts}'"))
            > 1.6 * fail_rate(&format!("trunk_id != '{appts}'"))
    );

    // Daily rhythm (Support EU, UTC+1): office hours busier than the night...
    let eu = trunk(&db, "Support EU");
    let hourly = |h0: i64, h1: i64| {
        count(&format!(
            "trunk_id = '{eu}' AND ((start_time + 3600) % 86400) / 3600 BETWEEN {h0} AND {h1}"
        ))
    };
    assert!(hourly(9, 16) / 8.0 > 8.0 * (hourly(0, 5) / 6.0));
    // ...and weekdays busier than weekends (day 0 = Thursday, so 2 = Sat, 3 = Sun).
    let weekday = |days: &str| {
        count(&format!(
            "trunk_id = '{eu}' AND ((start_time + 3600) / 86400) % 7 IN ({days})"
        )) / days.split(',').count() as f64
    };
    assert!(weekday("4,5,6,0,1") > 1.8 * weekday("2,3"));
}
