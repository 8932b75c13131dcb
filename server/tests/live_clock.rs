//! Calls that arrive: the local API reveals the calls generated ahead of the history's
//! end by its clock. A test moves the clock by hand (`Hooks::data_clock`) and checks
//! the answers against an independent SQL reading of `generated_calls` at that time;
//! two tests run the real clocks of `--now` (still) and `--now --speed` (running).

mod common;
use common::*;
use dashboard_server::clock::{Clock, ManualClock};
use dashboard_server::Hooks;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;
use std::sync::Arc;

/// An `api` over the test database (`--now NOW`) whose data clock the test moves.
async fn start_at_clock(extra: &[&str]) -> (TestServer, Arc<ManualClock>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("calls.db");
    let db_str = db.to_string_lossy().into_owned();
    let calls = CALLS.to_string();
    let mut argv = vec![
        "dashboard-server",
        "api",
        "--port",
        "0",
        "--db",
        &db_str,
        "--calls",
        &calls,
        "--seed",
        "7",
        "--now",
        NOW,
        "--rate-limit",
        "0",
    ];
    argv.extend(extra);
    let cli = <dashboard_server::cli::Cli as clap::Parser>::try_parse_from(&argv)
        .expect("valid command line");
    let clock = Arc::new(ManualClock::new(NOW_UNIX));
    let hooks = Hooks {
        data_clock: Some(clock.clone() as Arc<dyn Clock>),
        ..Hooks::default()
    };
    let running = dashboard_server::start_with(cli.command, hooks)
        .await
        .expect("server starts");
    let server = TestServer {
        running,
        dir,
        db,
        client: client(),
    };
    (server, clock)
}

/// Sets a manual clock to `t`.
fn set(clock: &ManualClock, t: i64) {
    clock.advance(t - clock.now());
}

/// The ids a correct API lists at `t` (newest first), read from `generated_calls`
/// independently of the server's code: started by `t`, status as shown at `t`.
fn expected_ids(
    conn: &rusqlite::Connection,
    t: i64,
    status: Option<&str>,
    trunk: Option<&str>,
) -> Vec<String> {
    let mut stmt = conn
        .prepare(
            "SELECT id FROM generated_calls WHERE start_time <= ?1 \
             AND (?2 IS NULL OR (CASE WHEN end_time > ?1 THEN 'connected' ELSE status END) = ?2) \
             AND (?3 IS NULL OR trunk_id = ?3) ORDER BY start_time DESC, id DESC",
        )
        .expect("prepare");
    stmt.query_map(rusqlite::params![t, status, trunk], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// One stored call: (id, start, end, final status, reason).
fn stored(conn: &rusqlite::Connection, where_clause: &str) -> (String, i64, i64, String, String) {
    conn.query_row(
        &format!(
            "SELECT id, start_time, end_time, status, disconnect_reason FROM generated_calls \
             WHERE {where_clause}"
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
    .expect("such a call exists")
}

fn total(body: &Value) -> u64 {
    body["pagination"]["total"].as_u64().expect("total")
}

fn ids(body: &Value) -> Vec<String> {
    body["calls"]
        .as_array()
        .expect("calls")
        .iter()
        .filter_map(|c| c["id"].as_str().map(String::from))
        .collect()
}

#[tokio::test]
async fn a_call_appears_once_its_start_time_has_passed() {
    let (s, clock) = start_at_clock(&[]).await;
    // The first call ahead of the history (seq 0) and every call sharing its second.
    let (id, start, ..) = stored(&s.sql(), "seq = 0");
    assert!(start > NOW_UNIX);
    let history = CALLS;

    set(&clock, start - 1);
    let (_, _, body) = s.get_json("/v1/calls?limit=5").await;
    assert_eq!(
        total(&body),
        history,
        "nothing ahead shows before it starts"
    );
    assert!(!ids(&body).contains(&id));
    let (status, _, body) = s.get_json(&format!("/v1/calls/{id}")).await;
    assert_eq!((status.as_u16(), code(&body)), (404, "CALL_NOT_FOUND"));

    set(&clock, start);
    let (_, _, body) = s.get_json("/v1/calls?limit=5").await;
    let appeared = expected_ids(&s.sql(), start, None, None).len() as u64 - history;
    assert!(appeared >= 1);
    assert_eq!(total(&body), history + appeared);
    assert!(
        ids(&body).contains(&id),
        "the new call is on the first page"
    );
    let (status, _, body) = s.get_json(&format!("/v1/calls/{id}")).await;
    assert_eq!(status.as_u16(), 200, "{body}");
}

#[tokio::test]
async fn a_running_call_is_connected_without_end_then_shows_how_it_ended() {
    let (s, clock) = start_at_clock(&[]).await;
    let (id, start, end, status, reason) = stored(
        &s.sql(),
        "seq <= 0 AND status = 'disconnected' AND end_time - start_time >= 10 \
         ORDER BY seq DESC LIMIT 1",
    );
    let find = |body: &Value| -> Value {
        body["calls"]
            .as_array()
            .expect("calls")
            .iter()
            .find(|c| c["id"] == id.as_str())
            .cloned()
            .unwrap_or(Value::Null)
    };
    let window = format!(
        "/v1/calls?limit=100&start_date={}&end_date={}",
        dashboard_server::db::rfc3339(start),
        dashboard_server::db::rfc3339(start)
    );

    // (clock, status, duration so far, end, reason)
    let midway = start + (end - start) / 2;
    let end_text = dashboard_server::db::rfc3339(end);
    let cases: [(i64, &str, i64, Value, Value); 3] = [
        (start, "connected", 0, Value::Null, Value::Null),
        (
            midway,
            "connected",
            midway - start,
            Value::Null,
            Value::Null,
        ),
        (
            end,
            &status,
            end - start,
            end_text.clone().into(),
            reason.clone().into(),
        ),
    ];
    for (at, status, duration, end_time, reason) in cases {
        set(&clock, at);
        let (_, _, body) = s.get_json(&window).await;
        let row = find(&body);
        assert_eq!(row["status"], status, "list at {at}: {row}");
        assert_eq!(row["duration_seconds"], duration, "list at {at}");
        assert_eq!(row["end_time"], end_time, "list at {at}");
        let (_, _, detail) = s.get_json(&format!("/v1/calls/{id}")).await;
        assert_eq!(detail["status"], status, "detail at {at}");
        assert_eq!(detail["duration_seconds"], duration, "detail at {at}");
        assert_eq!(detail["end_time"], end_time, "detail at {at}");
        assert_eq!(detail["disconnect_reason"], reason, "detail at {at}");
    }
    assert_eq!(status, "disconnected");
}

#[tokio::test]
async fn status_totals_move_with_the_clock_and_match_an_independent_count() {
    let (s, clock) = start_at_clock(&[]).await;
    let conn = s.sql();
    let trunk = trunk_ids(&s.db).remove(0);
    let hour = 3600;
    let times = [
        NOW_UNIX,
        NOW_UNIX + 60,
        NOW_UNIX + 30 * 60,
        NOW_UNIX + 2 * hour + 17,
        NOW_UNIX + 5 * hour,
        NOW_UNIX + 23 * hour,
        NOW_UNIX + 26 * hour, // past the calls ahead: the last ones have ended
    ];
    let mut unfiltered = Vec::new();
    for t in times {
        set(&clock, t);
        let mut by_status = 0;
        for status in [
            None,
            Some("connected"),
            Some("failed"),
            Some("disconnected"),
        ] {
            for trunk in [None, Some(trunk.as_str())] {
                let mut path = "/v1/calls?limit=1".to_string();
                if let Some(v) = status {
                    path += &format!("&status={v}");
                }
                if let Some(v) = trunk {
                    path += &format!("&trunk_id={v}");
                }
                let (code, _, body) = s.get_json(&path).await;
                assert_eq!(code.as_u16(), 200, "{body}");
                let want = expected_ids(&conn, t, status, trunk);
                assert_eq!(total(&body), want.len() as u64, "{path} at {t}");
                assert_eq!(ids(&body), want.into_iter().take(1).collect::<Vec<_>>());
                if status.is_some() && trunk.is_none() {
                    by_status += total(&body);
                }
                if status.is_none() && trunk.is_none() {
                    unfiltered.push(total(&body));
                }
            }
        }
        assert_eq!(
            Some(&by_status),
            unfiltered.last(),
            "statuses add up at {t}"
        );
    }
    assert!(
        unfiltered.windows(2).all(|w| w[0] <= w[1]) && unfiltered[0] < unfiltered[6],
        "calls arrive: {unfiltered:?}"
    );
}

#[test]
fn paging_stays_stable_under_a_moving_clock() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (s, clock) = rt.block_on(start_at_clock(&[]));
    let conn = s.sql();
    let trunks = trunk_ids(&s.db);
    let fetch_all = |t: i64, limit: u32, status: Option<&str>, trunk: Option<&str>| {
        set(&clock, t);
        let mut got = Vec::new();
        let mut offset = 0;
        loop {
            let mut q = vec![("limit", limit.to_string()), ("offset", offset.to_string())];
            if let Some(v) = status {
                q.push(("status", v.to_string()));
            }
            if let Some(v) = trunk {
                q.push(("trunk_id", v.to_string()));
            }
            let req = s.client.get(s.url("/v1/calls")).bearer_auth(KEY).query(&q);
            let (_, _, body) =
                rt.block_on(async move { json(req.send().await.expect("send")).await });
            got.extend(ids(&body));
            offset += u64::from(limit);
            if offset >= total(&body) {
                return (got, total(&body));
            }
        }
    };
    let mut runner = TestRunner::new(Config {
        cases: 12,
        ..Config::default()
    });
    let strategy = (
        0..26 * 3600i64,
        0..6 * 3600i64,
        40..=100u32,
        proptest::option::of(0..3usize),
        proptest::option::of(0..6usize),
    );
    runner
        .run(&strategy, |(from, step, limit, status, trunk)| {
            let (t1, t2) = (NOW_UNIX + from, NOW_UNIX + from + step);
            let status = status.map(|i| ["connected", "failed", "disconnected"][i]);
            let trunk = trunk.map(|i| trunks[i].as_str());
            let (before, total1) = fetch_all(t1, limit, status, trunk);
            let (after, total2) = fetch_all(t2, limit, status, trunk);
            prop_assert_eq!(&before, &expected_ids(&conn, t1, status, trunk));
            prop_assert_eq!(&after, &expected_ids(&conn, t2, status, trunk));
            prop_assert_eq!((before.len() as u64, after.len() as u64), (total1, total2));
            if status.is_none() {
                // Calls only ever appear at the top: what was listed keeps its order
                // and moves down by exactly the number of calls that appeared.
                let appeared = after.len() - before.len();
                prop_assert_eq!(&after[appeared..], &before[..]);
            } else {
                // A call may leave a status (it ended) but the rest keep their order.
                let kept: Vec<&String> = after.iter().filter(|id| before.contains(id)).collect();
                let still: Vec<&String> = before.iter().filter(|id| after.contains(id)).collect();
                prop_assert_eq!(kept, still);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn with_now_and_no_speed_the_clock_stands_still() {
    let s = start("api", &["--rate-limit", "0"]).await;
    let (_, _, first) = s.get_json("/v1/calls?limit=100").await;
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let (_, _, again) = s.get_json("/v1/calls?limit=100").await;
    assert_eq!(
        total(&first),
        CALLS,
        "the history only: nothing ahead shows"
    );
    assert_eq!(first, again, "same calls, same durations so far");
}

#[tokio::test]
async fn with_speed_the_clock_runs_from_now() {
    // 36,000 times faster: ten hours of calls per second.
    let s = start("api", &["--rate-limit", "0", "--speed", "36000"]).await;
    let (_, _, first) = s.get_json("/v1/calls?limit=1").await;
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let (_, _, later) = s.get_json("/v1/calls?limit=1").await;
    assert!(total(&first) >= CALLS);
    assert!(
        total(&later) > total(&first),
        "calls arrived: {} then {}",
        total(&first),
        total(&later)
    );
}

#[tokio::test]
async fn max_limit_raises_the_largest_page_and_refuses_beyond_it() {
    let s = start("api", &["--rate-limit", "0", "--max-limit", "1000"]).await;
    // (path, status, calls on the page, honoured limit)
    let cases: [(&str, u16, usize, u64); 4] = [
        ("/v1/calls?limit=1000", 200, 1000, 1000),
        ("/v1/calls?limit=101", 200, 101, 101),
        ("/v1/calls", 200, 20, 20),
        ("/v1/trunks?limit=1000", 200, 6, 1000),
    ];
    for (path, status, len, limit) in cases {
        let (code, _, body) = s.get_json(path).await;
        assert_eq!(code.as_u16(), status, "{path}: {body}");
        let items = body["calls"].as_array().or(body["trunks"].as_array());
        assert_eq!(items.map(Vec::len), Some(len), "{path}");
        assert_eq!(body["pagination"]["limit"], limit, "{path}");
    }
    let (code, _, body) = s.get_json("/v1/calls?limit=1001").await;
    assert_eq!((code.as_u16(), code_of(&body)), (400, "INVALID_PARAMETER"));
    assert_eq!(
        body["error"]["message"],
        "limit must be an integer from 1 to 1000, got 1001"
    );

    // Without the flag the contract's 100 holds.
    let plain = start("api", &["--rate-limit", "0"]).await;
    let (code, _, body) = plain.get_json("/v1/calls?limit=101").await;
    assert_eq!(code.as_u16(), 400);
    assert_eq!(
        body["error"]["message"],
        "limit must be an integer from 1 to 100, got 101"
    );
}

/// The error code of a body (named apart from the `code` variable above).
fn code_of(body: &Value) -> &str {
    code(body)
}

#[tokio::test]
async fn a_day_of_calls_is_generated_ahead_in_api_order() {
    let (s, _clock) = start_at_clock(&[]).await;
    let conn = s.sql();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let ahead = one("SELECT count(*) FROM generated_calls WHERE seq <= 0");
    // About a fourteenth of the history (one day of fourteen), give or take the rhythm.
    let per_day = CALLS as i64 / 14;
    assert!((per_day / 3..per_day * 3).contains(&ahead), "{ahead} ahead");
    // (what, count of rows breaking it)
    let rules = [
        (
            "ahead calls start after the history's end, within a day",
            format!(
                "SELECT count(*) FROM generated_calls WHERE seq <= 0 AND \
                 (start_time <= {NOW_UNIX} OR start_time > {NOW_UNIX} + 86400)"
            ),
        ),
        (
            "seq is contiguous",
            "SELECT max(seq) - min(seq) + 1 - count(*) FROM generated_calls".to_string(),
        ),
        (
            "seq follows API order",
            "SELECT count(*) FROM generated_calls a JOIN generated_calls b ON b.seq = a.seq + 1 \
             WHERE a.start_time < b.start_time OR (a.start_time = b.start_time AND a.id < b.id)"
                .to_string(),
        ),
        (
            "every call has its end",
            "SELECT count(*) FROM generated_calls WHERE end_time != start_time + duration_seconds"
                .to_string(),
        ),
        (
            "the view at meta.now is the history",
            format!("SELECT count(*) - {CALLS} FROM calls"),
        ),
    ];
    for (what, sql) in rules {
        assert_eq!(one(&sql), 0, "{what}");
    }
}
