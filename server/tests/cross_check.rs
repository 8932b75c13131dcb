//! Cross-check: the statistics the dashboard computes (its pure layer, fed by paging
//! through `/v1/calls` exactly as the browser does) equal the same numbers computed
//! independently with SQL over the server's database for the same filter. Percentiles
//! are computed in SQL with the same method (numpy's linear interpolation).

mod common;

use call_dashboard::api::{decode_calls_page, Call, CallQuery, DateRange, StatusFilter, TrunkId};
use call_dashboard::stats::{Analysis, AnalysisOptions, PerSegment, Segment, StatusKind};
use chrono::{DateTime, TimeZone, Utc};
use common::{start, trunk_ids, TestServer, KEY, NOW_UNIX};

const SLO_MS: u32 = 600;

/// Pages through the filter with `limit=100`, as the gatherer does.
async fn gather(server: &TestServer, q: &CallQuery, now: DateTime<Utc>) -> Vec<Call> {
    let mut calls = Vec::new();
    let mut offset = 0u64;
    loop {
        let url = server.url(&format!(
            "/v1/calls?{}",
            q.api_query_window(now, 100, offset)
        ));
        let resp = server
            .client
            .get(url)
            .bearer_auth(KEY)
            .send()
            .await
            .expect("answer");
        assert!(resp.status().is_success());
        let page = decode_calls_page(&resp.text().await.expect("body")).expect("a call list");
        let n = page.calls.len() as u64;
        calls.extend(page.calls);
        offset += n;
        if n == 0 || offset >= page.pagination.total {
            assert_eq!(calls.len() as u64, page.pagination.total);
            return calls;
        }
    }
}

/// The filter as SQL over `calls` (the same meaning as the API's parameters).
fn where_clause(q: &CallQuery, now: DateTime<Utc>) -> String {
    let mut parts = vec!["1=1".to_owned()];
    if let Some(s) = q.status() {
        parts.push(format!("status = '{}'", s.as_str()));
    }
    if let Some(t) = q.trunk_id() {
        parts.push(format!("trunk_id = '{t}'"));
    }
    let (start, end) = q.range().bounds(now);
    if let Some(s) = start {
        parts.push(format!("start_time >= {}", s.timestamp()));
    }
    if let Some(e) = end {
        parts.push(format!("start_time <= {}", e.timestamp()));
    }
    parts.join(" AND ")
}

const LATENCY_CALLS: &str = "status IN ('connected', 'disconnected')";

fn column(s: Segment) -> &'static str {
    match s {
        Segment::Carrier => "carrier_lag_ms",
        Segment::Ai => "ai_latency_ms",
        Segment::Gateway => "gateway_processing_ms",
        Segment::Total => "(carrier_lag_ms + ai_latency_ms + gateway_processing_ms)",
    }
}

/// numpy's linear percentile, in SQL: h = q/100·(n−1), interpolate between ranks.
fn sql_percentile(db: &rusqlite::Connection, filter: &str, value: &str, q: f64) -> Option<f64> {
    let sql = format!(
        "WITH v AS (SELECT {value} AS x, ROW_NUMBER() OVER (ORDER BY {value}) - 1 AS i,
                           COUNT(*) OVER () AS n FROM calls WHERE {filter}),
              h AS (SELECT ?1 / 100.0 * (MAX(n) - 1) AS h, MAX(n) - 1 AS last FROM v)
         SELECT (SELECT x FROM v WHERE i = CAST(h.h AS INTEGER))
              + (h.h - CAST(h.h AS INTEGER))
              * ((SELECT x FROM v WHERE i = MIN(CAST(h.h AS INTEGER) + 1, h.last))
                 - (SELECT x FROM v WHERE i = CAST(h.h AS INTEGER)))
         FROM h"
    );
    db.query_row(&sql, [q], |r| r.get::<_, Option<f64>>(0))
        .expect("percentile query")
}

fn sql_f64(db: &rusqlite::Connection, sql: &str) -> Option<f64> {
    db.query_row(sql, [], |r| r.get::<_, Option<f64>>(0))
        .expect(sql)
}

fn close(a: Option<f64>, b: Option<f64>, what: &str) {
    match (a, b) {
        (Some(a), Some(b)) => assert!(
            (a - b).abs() <= 1e-9 * a.abs().max(1.0),
            "{what}: dashboard {a} vs SQL {b}"
        ),
        (a, b) => assert_eq!(a, b, "{what}"),
    }
}

fn check(server: &TestServer, q: &CallQuery, now: DateTime<Utc>, a: &Analysis) {
    let db = server.sql();
    let f = where_clause(q, now);
    let count = |extra: &str| {
        sql_f64(
            &db,
            &format!("SELECT COUNT(*) FROM calls WHERE {f} AND {extra}"),
        )
        .unwrap_or(0.0)
    };
    let total = count("1=1");
    assert!(total > 0.0, "the filter {f} matches nothing");
    assert_eq!(a.report.total_calls() as f64, total, "total calls for {f}");
    for (kind, status) in [
        (StatusKind::Connected, "connected"),
        (StatusKind::Failed, "failed"),
        (StatusKind::Disconnected, "disconnected"),
    ] {
        let n = count(&format!("status = '{status}'"));
        close(
            a.report.share(kind),
            Some(n / total),
            &format!("{status} share for {f}"),
        );
    }
    close(
        Some(a.report.total_duration_hours()),
        sql_f64(
            &db,
            &format!("SELECT SUM(duration_seconds) / 3600.0 FROM calls WHERE {f}"),
        ),
        "talk time",
    );
    close(
        a.report.avg_ai_latency_ms(),
        sql_f64(
            &db,
            &format!("SELECT AVG(ai_latency_ms) FROM calls WHERE {f}"),
        ),
        "average AI latency (the vendor's definition: over all calls)",
    );
    let lf = format!("{f} AND {LATENCY_CALLS}");
    for s in Segment::ALL {
        let summary = a.latency.get(s);
        let col = column(s);
        close(
            summary.mean,
            sql_f64(
                &db,
                &format!("SELECT AVG(1.0 * {col}) FROM calls WHERE {lf}"),
            ),
            &format!("mean {s:?} for {f}"),
        );
        for (p, value) in [
            (50.0, summary.p50),
            (90.0, summary.p90),
            (95.0, summary.p95),
            (99.0, summary.p99),
        ] {
            close(
                value,
                sql_percentile(&db, &lf, col, p),
                &format!("p{p} {s:?} for {f}"),
            );
        }
        close(
            summary.min.map(f64::from),
            sql_f64(&db, &format!("SELECT MIN({col}) FROM calls WHERE {lf}")),
            &format!("min {s:?}"),
        );
        close(
            summary.max.map(f64::from),
            sql_f64(&db, &format!("SELECT MAX({col}) FROM calls WHERE {lf}")),
            &format!("max {s:?}"),
        );
    }
    close(
        a.latency.total.over_slo_share(),
        sql_f64(
            &db,
            &format!(
                "SELECT AVG({} > {SLO_MS}) FROM calls WHERE {lf}",
                column(Segment::Total)
            ),
        ),
        "share over the SLO",
    );
    // Per trunk: calls, failure share, mean and p95 of each segment.
    assert!(!a.trunks.is_empty());
    for row in &a.trunks {
        let tf = format!("{f} AND trunk_id = '{}'", row.trunk_id);
        let calls = sql_f64(&db, &format!("SELECT COUNT(*) FROM calls WHERE {tf}")).unwrap_or(0.0);
        assert_eq!(row.calls as f64, calls, "calls of {}", row.trunk_id);
        let failed = sql_f64(
            &db,
            &format!("SELECT COUNT(*) FROM calls WHERE {tf} AND status = 'failed'"),
        )
        .unwrap_or(0.0);
        close(
            row.failure_share(),
            Some(failed / calls),
            "trunk failure share",
        );
        let tlf = format!("{tf} AND {LATENCY_CALLS}");
        for s in Segment::ALL {
            let col = column(s);
            close(
                *row.mean.get(s),
                sql_f64(
                    &db,
                    &format!("SELECT AVG(1.0 * {col}) FROM calls WHERE {tlf}"),
                ),
                &format!("trunk {} mean {s:?}", row.trunk_id),
            );
            close(
                *row.p95.get(s),
                sql_percentile(&db, &tlf, col, 95.0),
                &format!("trunk {} p95 {s:?}", row.trunk_id),
            );
        }
    }
}

#[tokio::test]
async fn dashboard_statistics_equal_sql_over_the_same_filter() {
    let server = start("api", &["--rate-limit", "0"]).await;
    let now = Utc.timestamp_opt(NOW_UNIX, 0).unwrap();
    let trunks = trunk_ids(&server.db);
    let filters = [
        CallQuery::new(),
        CallQuery::new().with_trunk(TrunkId::new(&trunks[0])),
        CallQuery::new().with_range(DateRange::Custom {
            start: Some(now - chrono::Duration::days(3)),
            end: Some(now - chrono::Duration::days(1)),
        }),
        CallQuery::new()
            .with_status(Some(StatusFilter::Connected))
            .with_trunk(TrunkId::new(&trunks[1])),
    ];
    for q in filters {
        let calls = gather(&server, &q, now).await;
        let opts = AnalysisOptions {
            slo_ms: PerSegment {
                total: Some(SLO_MS),
                ..PerSegment::default()
            },
            range: q.range().bounds(now),
            ..AnalysisOptions::default()
        };
        let analysis = Analysis::compute(&calls, &opts);
        check(&server, &q, now, &analysis);
    }
}
