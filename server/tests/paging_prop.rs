//! Property: for random filter combinations and page sizes, paging through every page
//! returns exactly `total` distinct calls, in API order, and they are exactly the rows a
//! direct SQL query over the same database selects.

mod common;
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Start of the generated history.
const FIRST: i64 = NOW_UNIX - 14 * 86_400;

/// How a date bound is written in the query string.
#[derive(Debug, Clone, Copy)]
enum DateForm {
    Zulu,
    Offset,
    Naive,
    BareDate,
}

/// The text sent and the Unix second the server must use.
fn render(t: i64, form: DateForm) -> (String, i64) {
    let dt = chrono::DateTime::from_timestamp(t, 0).expect("valid time");
    match form {
        DateForm::Zulu => (dt.format("%Y-%m-%dT%H:%M:%SZ").to_string(), t),
        DateForm::Offset => {
            let east = chrono::FixedOffset::east_opt(2 * 3600).expect("offset");
            (dt.with_timezone(&east).to_rfc3339(), t)
        }
        DateForm::Naive => (dt.format("%Y-%m-%dT%H:%M:%S").to_string(), t),
        DateForm::BareDate => (dt.format("%Y-%m-%d").to_string(), t - t.rem_euclid(86_400)),
    }
}

fn date_form() -> impl Strategy<Value = DateForm> {
    prop_oneof![
        Just(DateForm::Zulu),
        Just(DateForm::Offset),
        Just(DateForm::Naive),
        Just(DateForm::BareDate)
    ]
}

#[derive(Debug, Clone)]
struct Case {
    status: Option<usize>,
    trunk: Option<usize>,
    start: Option<(i64, DateForm)>,
    end: Option<(i64, DateForm)>,
    limit: u32,
}

fn case() -> impl Strategy<Value = Case> {
    let instant = || (FIRST - 86_400..NOW_UNIX + 3_600, date_form());
    (
        proptest::option::of(0..3usize),
        proptest::option::of(0..7usize),
        proptest::option::of(instant()),
        proptest::option::of(instant()),
        7..=100u32,
    )
        .prop_map(|(status, trunk, start, end, limit)| Case {
            status,
            trunk,
            start,
            end,
            limit,
        })
}

#[test]
fn paging_returns_exactly_the_sql_rows() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let s = rt.block_on(start("api", &["--rate-limit", "0"]));
    let mut trunks = trunk_ids(&s.db);
    trunks.push("conn_unknown000000".into()); // index 6: matches nothing
    let conn = s.sql();
    let mut runner = TestRunner::new(Config {
        cases: 40,
        ..Config::default()
    });
    runner
        .run(&case(), |c| {
            let status = c.status.map(|i| ["connected", "failed", "disconnected"][i]);
            let trunk = c.trunk.map(|i| trunks[i].clone());
            let start = c.start.map(|(t, f)| render(t, f));
            let end = c.end.map(|(t, f)| render(t, f));
            let mut query: Vec<(&str, String)> = vec![("limit", c.limit.to_string())];
            if let Some(v) = status {
                query.push(("status", v.into()));
            }
            if let Some(v) = &trunk {
                query.push(("trunk_id", v.clone()));
            }
            if let Some((text, _)) = &start {
                query.push(("start_date", text.clone()));
            }
            if let Some((text, _)) = &end {
                query.push(("end_date", text.clone()));
            }
            let (lo, hi) = (start.as_ref().map(|s| s.1), end.as_ref().map(|e| e.1));

            let fetch = |offset: u64| {
                let mut q = query.clone();
                q.push(("offset", offset.to_string()));
                let req = s.client.get(s.url("/v1/calls")).bearer_auth(KEY).query(&q);
                rt.block_on(async move { json(req.send().await.expect("send")).await })
            };

            if let (Some(a), Some(b)) = (lo, hi) {
                if a > b {
                    let (status, _, body) = fetch(0);
                    prop_assert_eq!(status.as_u16(), 400, "{}", body);
                    return Ok(());
                }
            }

            let expected: Vec<String> = {
                let mut stmt = conn
                    .prepare(
                        "SELECT id FROM calls WHERE (?1 IS NULL OR status = ?1) \
                         AND (?2 IS NULL OR trunk_id = ?2) AND (?3 IS NULL OR start_time >= ?3) \
                         AND (?4 IS NULL OR start_time <= ?4) ORDER BY start_time DESC, id DESC",
                    )
                    .expect("prepare");
                stmt.query_map(rusqlite::params![status, trunk, lo, hi], |r| r.get(0))
                    .expect("query")
                    .collect::<Result<_, _>>()
                    .expect("rows")
            };

            let mut got: Vec<String> = Vec::new();
            let mut offset = 0u64;
            loop {
                let (code, _, body) = fetch(offset);
                prop_assert_eq!(code.as_u16(), 200, "{}", body);
                let total = body["pagination"]["total"].as_u64().expect("total");
                prop_assert_eq!(total, expected.len() as u64);
                let page = body["calls"].as_array().expect("calls");
                prop_assert!(page.len() <= c.limit as usize);
                got.extend(
                    page.iter()
                        .filter_map(|call| call["id"].as_str().map(String::from)),
                );
                offset += u64::from(c.limit);
                if offset >= total {
                    break;
                }
                prop_assert_eq!(
                    page.len(),
                    c.limit as usize,
                    "only the last page may be short"
                );
            }
            let mut distinct = got.clone();
            distinct.sort();
            distinct.dedup();
            prop_assert_eq!(distinct.len(), got.len(), "no call repeats across pages");
            prop_assert_eq!(got, expected);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
