//! What the local API answers: ordering, totals against SQL, the detail and trunk
//! endpoints, auth, rate limiting, CORS and demo mode.

mod common;
use common::*;
use serde_json::Value;

fn is_rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
        && s.chars()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19].contains(&i) || c.is_ascii_digit())
}

fn sql_count(s: &TestServer, where_clause: &str) -> u64 {
    s.sql()
        .query_row(
            &format!("SELECT count(*) FROM calls WHERE {where_clause}"),
            [],
            |r| r.get(0),
        )
        .expect("count")
}

#[tokio::test]
async fn default_page_shape() {
    let s = start("api", &[]).await;
    let (status, headers, body) = s.get_json("/v1/calls").await;
    assert_eq!(status, 200);
    assert_eq!(
        body["pagination"],
        serde_json::json!({"limit": 20, "offset": 0, "total": CALLS})
    );
    let calls = body["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 20);
    for c in calls {
        for field in [
            "id",
            "trunk_id",
            "from",
            "to",
            "status",
            "duration_seconds",
            "start_time",
            "end_time",
            "carrier_lag_ms",
            "ai_latency_ms",
            "gateway_processing_ms",
        ] {
            assert!(c.get(field).is_some(), "missing {field} in {c}");
        }
        assert!(c["id"].as_str().unwrap_or("").starts_with("call_"));
        assert!(
            is_rfc3339_utc(c["start_time"].as_str().unwrap_or("")),
            "{c}"
        );
        assert!(c["end_time"].is_null() || is_rfc3339_utc(c["end_time"].as_str().unwrap_or("")));
    }
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(header(&headers, name).parse::<i64>().is_ok(), "{name}");
    }
}

#[tokio::test]
async fn newest_first_stable_across_pages() {
    let s = start("api", &["--rate-limit", "0"]).await;
    let mut seen: Vec<(String, String)> = Vec::new();
    for offset in (0..CALLS).step_by(100) {
        let (_, _, body) = s
            .get_json(&format!("/v1/calls?limit=100&offset={offset}"))
            .await;
        for c in body["calls"].as_array().expect("calls") {
            seen.push((
                c["start_time"].as_str().unwrap_or("").to_string(),
                c["id"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    assert_eq!(seen.len() as u64, CALLS);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "strictly descending (start_time, id)"
    );
    let (_, _, past_end) = s.get_json(&format!("/v1/calls?offset={CALLS}")).await;
    assert_eq!(past_end["calls"], serde_json::json!([]));
    assert_eq!(past_end["pagination"]["total"], CALLS);
}

#[tokio::test]
async fn totals_match_sql() {
    let s = start("api", &["--rate-limit", "0"]).await;
    let trunk = trunk_ids(&s.db)[2].clone();
    // 2024-03-10T00:00:00Z = 1710028800, 2024-03-12T00:00:00Z = 1710201600
    let cases = [
        ("status=failed".to_string(), "status = 'failed'".to_string()),
        (format!("trunk_id={trunk}"), format!("trunk_id = '{trunk}'")),
        (
            format!("trunk_id={trunk}&status=connected"),
            format!("trunk_id = '{trunk}' AND status = 'connected'"),
        ),
        (
            "start_date=2024-03-10&end_date=2024-03-12".into(),
            "start_time BETWEEN 1710028800 AND 1710201600".into(),
        ),
        (
            "start_date=2024-03-10T00:00:00&status=disconnected".into(),
            "start_time >= 1710028800 AND status = 'disconnected'".into(),
        ),
        (
            "end_date=2024-03-10T02:00:00%2B02:00".into(),
            "start_time <= 1710028800".into(),
        ),
        (
            format!("start_date=2024-03-11T00:00:00Z&end_date=2024-03-11T23:59:59Z&trunk_id={trunk}&status=failed"),
            format!("start_time BETWEEN 1710115200 AND 1710201599 AND trunk_id = '{trunk}' AND status = 'failed'"),
        ),
        ("trunk_id=conn_nope".into(), "trunk_id = 'conn_nope'".into()),
    ];
    for (query, sql) in cases {
        let (_, _, body) = s.get_json(&format!("/v1/calls?limit=100&{query}")).await;
        let total = body["pagination"]["total"].as_u64().expect("total");
        assert_eq!(total, sql_count(&s, &sql), "?{query}");
        for c in body["calls"].as_array().expect("calls") {
            if query.contains("status=failed") {
                assert_eq!(c["status"], "failed");
            }
            if query.contains("trunk_id=") {
                assert_eq!(
                    c["trunk_id"].as_str(),
                    query
                        .split("trunk_id=")
                        .nth(1)
                        .map(|t| t.split('&').next().unwrap_or(""))
                );
            }
        }
    }
}

#[tokio::test]
async fn date_bounds_are_inclusive() {
    let s = start("api", &[]).await;
    let (id, start): (String, i64) = s
        .sql()
        .query_row(
            "SELECT id, start_time FROM calls WHERE seq = 500",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    let at = dashboard_server::db::rfc3339(start);
    let (_, _, body) = s
        .get_json(&format!(
            "/v1/calls?limit=100&start_date={at}&end_date={at}"
        ))
        .await;
    let ids: Vec<&str> = body["calls"]
        .as_array()
        .expect("calls")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(ids.contains(&id.as_str()), "{id} at {at} in {ids:?}");
    assert_eq!(
        body["pagination"]["total"].as_u64(),
        Some(sql_count(&s, &format!("start_time = {start}")))
    );
}

#[tokio::test]
async fn detail_matches_list_row() {
    let s = start("api", &[]).await;
    let (_, _, list) = s.get_json("/v1/calls?limit=100&status=connected").await;
    let row = list["calls"]
        .as_array()
        .and_then(|c| c.iter().find(|c| !c["end_time"].is_null()))
        .expect("a finished call")
        .clone();
    let id = row["id"].as_str().expect("id");
    let (status, _, detail) = s.get_json(&format!("/v1/calls/{id}")).await;
    assert_eq!(status, 200);
    for (k, v) in row.as_object().expect("object") {
        assert_eq!(&detail[k], v, "field {k}");
    }
    assert_eq!(detail["disconnect_reason"], "normal_disconnect");
    assert!(detail["metrics"]["packet_loss_percent"].is_number());
    assert!(detail["metrics"]["jitter_ms"].is_number());
    assert!(detail["metrics"]["codec_used"].is_string());
    let turns = detail["turns"].as_array().expect("turns");
    assert!(turns.len() >= 2);
    assert_eq!(turns[0]["turn_number"], 1);
    assert_eq!(turns[0]["speaker"], "agent");
    let total_ms: i64 = turns.iter().filter_map(|t| t["duration_ms"].as_i64()).sum();
    let duration_ms = row["duration_seconds"].as_i64().unwrap_or(0) * 1000;
    assert!((total_ms - duration_ms).abs() <= turns.len() as i64);
    let agent: Vec<i64> = turns
        .iter()
        .filter(|t| t["speaker"] == "agent")
        .filter_map(|t| t["processing_time_ms"].as_i64())
        .collect();
    let mean = agent.iter().sum::<i64>() as f64 / agent.len() as f64;
    let ai = row["ai_latency_ms"].as_f64().unwrap_or(0.0);
    assert!((mean - ai).abs() <= 1.0, "agent mean {mean} vs ai {ai}");
}

#[tokio::test]
async fn failed_call_detail_has_no_turns() {
    let s = start("api", &[]).await;
    let (_, _, list) = s.get_json("/v1/calls?limit=1&status=failed").await;
    let id = list["calls"][0]["id"].as_str().expect("a failed call");
    let (_, _, detail) = s.get_json(&format!("/v1/calls/{id}")).await;
    assert_eq!(detail["turns"], serde_json::json!([]));
    assert_eq!(detail["duration_seconds"], 0);
    assert_eq!(detail["start_time"], detail["end_time"]);
    let reason = detail["disconnect_reason"].as_str().unwrap_or("");
    assert!(
        [
            "no_answer",
            "connection_failed",
            "ai_provider_error",
            "carrier_error"
        ]
        .contains(&reason),
        "{reason}"
    );
}

#[tokio::test]
async fn unknown_call_and_paths() {
    let s = start("api", &[]).await;
    let (status, _, body) = s.get_json("/v1/calls/call_doesnotexist").await;
    assert_eq!((status.as_u16(), code(&body)), (404, "CALL_NOT_FOUND"));
    for path in ["/v1/nope", "/v1", "/v1/calls/x/y", "/elsewhere"] {
        let (status, _, body) = s.get_json(path).await;
        assert_eq!((status.as_u16(), code(&body)), (404, "NOT_FOUND"), "{path}");
    }
    let resp = s
        .client
        .post(s.url("/v1/calls"))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("post");
    let (status, _, body) = json(resp).await;
    assert_eq!((status.as_u16(), code(&body)), (405, "METHOD_NOT_ALLOWED"));
}

#[tokio::test]
async fn in_progress_calls_have_null_end_time() {
    let s = start("api", &[]).await;
    let running = sql_count(&s, "end_time IS NULL");
    let (_, _, body) = s.get_json("/v1/calls?limit=100").await;
    let nulls = body["calls"]
        .as_array()
        .expect("calls")
        .iter()
        .filter(|c| c["end_time"].is_null())
        .inspect(|c| assert_eq!(c["status"], "connected"))
        .count() as u64;
    assert_eq!(nulls, running.min(100));
}

#[tokio::test]
async fn trunks_list() {
    let s = start("api", &[]).await;
    let (status, _, body) = s.get_json("/v1/trunks").await;
    assert_eq!(status, 200);
    let trunks = body["trunks"].as_array().expect("trunks");
    assert!((5..=8).contains(&trunks.len()));
    assert_eq!(
        body["pagination"]["total"].as_u64(),
        Some(trunks.len() as u64)
    );
    for t in trunks {
        let id = t["id"].as_str().unwrap_or("");
        assert!(
            id.starts_with("conn_")
                && id[5..]
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert!(t["name"].as_str().is_some_and(|n| !n.is_empty()));
    }
    let (_, _, page) = s.get_json("/v1/trunks?limit=2&offset=1").await;
    assert_eq!(page["trunks"][0]["id"], trunks[1]["id"]);
    assert_eq!(page["trunks"].as_array().map(Vec::len), Some(2));
}

async fn send(s: &TestServer, auth: Option<&str>) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut req = s.client.get(s.url("/v1/calls?limit=1"));
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    let (status, headers, body) = json(req.send().await.expect("send")).await;
    (status.as_u16(), headers, body)
}

#[tokio::test]
async fn auth_is_required_in_api_mode() {
    let s = start("api", &[]).await;
    let good = format!("Bearer {KEY}");
    let cases: &[(Option<&str>, u16)] = &[
        (None, 401),
        (Some("Bearer sk_live_wrong"), 401),
        (Some(KEY), 401),
        (Some("Basic dXNlcjpwYXNz"), 401),
        (Some(""), 401),
        (Some(&good), 200),
    ];
    for (auth, expected) in cases {
        let (status, headers, body) = send(&s, *auth).await;
        assert_eq!(status, *expected, "{auth:?}");
        assert!(!header(&headers, "x-ratelimit-limit").is_empty());
        if status == 401 {
            assert_eq!(code(&body), "UNAUTHORIZED");
            assert!(!body.to_string().contains(KEY), "401 must not echo a key");
        }
    }
}

#[tokio::test]
async fn custom_key() {
    let s = start("api", &["--key", "sk_live_custom123"]).await;
    assert_eq!(send(&s, Some(&format!("Bearer {KEY}"))).await.0, 401);
    assert_eq!(send(&s, Some("Bearer sk_live_custom123")).await.0, 200);
}

#[tokio::test]
async fn demo_mode_needs_no_key_but_rejects_a_wrong_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dist = fake_dist(dir.path());
    let dist = dist.to_string_lossy().into_owned();
    let s = start_in(dir, "demo", &["--dist", &dist]).await;
    assert_eq!(send(&s, None).await.0, 200);
    assert_eq!(send(&s, Some(&format!("Bearer {KEY}"))).await.0, 200);
    assert_eq!(send(&s, Some("Bearer sk_live_wrong")).await.0, 401);
    let resp = s
        .client
        .get(s.url("/config.json"))
        .send()
        .await
        .expect("config");
    let (status, headers, body) = json(resp).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        serde_json::json!({"api_base": "/v1", "key_mode": "server", "max_page": 100})
    );
    assert_eq!(header(&headers, "cache-control"), "no-cache");
}

#[tokio::test]
async fn rate_limit_answers_429_with_headers() {
    let s = start("api", &["--rate-limit", "3"]).await;
    let good = format!("Bearer {KEY}");
    // Up to two windows' worth, in case the minute turns during the test.
    let mut in_window: Vec<(u16, String, String)> = Vec::new();
    let mut limited = None;
    for _ in 0..8 {
        let (status, headers, body) = send(&s, Some(&good)).await;
        let reset = header(&headers, "x-ratelimit-reset").to_string();
        if in_window.last().is_some_and(|(_, r, _)| *r != reset) {
            in_window.clear();
        }
        assert_eq!(header(&headers, "x-ratelimit-limit"), "3");
        if status == 429 {
            limited = Some((headers, body));
            break;
        }
        in_window.push((
            status,
            reset,
            header(&headers, "x-ratelimit-remaining").to_string(),
        ));
    }
    let (headers, body) = limited.expect("a 429 within two windows");
    assert_eq!(code(&body), "RATE_LIMITED");
    let remaining: Vec<&str> = in_window.iter().map(|(_, _, r)| r.as_str()).collect();
    assert_eq!(remaining, ["2", "1", "0"]);
    assert_eq!(header(&headers, "x-ratelimit-remaining"), "0");
    let retry: u64 = header(&headers, "retry-after")
        .parse()
        .expect("Retry-After");
    assert!((1..=60).contains(&retry));
    let reset: i64 = header(&headers, "x-ratelimit-reset")
        .parse()
        .expect("reset");
    assert_eq!(reset % 60, 0);
    // Wrong keys draw from their own bucket: still a 401, not a 429.
    assert_eq!(send(&s, Some("Bearer nope")).await.0, 401);
}

#[tokio::test]
async fn cors_preflight_and_exposed_headers() {
    let s = start("api", &[]).await;
    let resp = s
        .client
        .request(reqwest::Method::OPTIONS, s.url("/v1/calls"))
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "GET")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        )
        .send()
        .await
        .expect("preflight");
    assert!(resp.status().is_success(), "{}", resp.status());
    let h = resp.headers();
    assert_eq!(header(h, "access-control-allow-origin"), "*");
    let allowed = header(h, "access-control-allow-headers").to_ascii_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    assert!(header(h, "access-control-allow-methods").contains("GET"));

    let resp = s
        .client
        .get(s.url("/v1/calls?limit=1"))
        .header("Origin", "http://localhost:3000")
        .bearer_auth(KEY)
        .send()
        .await
        .expect("get");
    let h = resp.headers();
    assert_eq!(header(h, "access-control-allow-origin"), "*");
    let exposed = header(h, "access-control-expose-headers").to_ascii_lowercase();
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "retry-after",
    ] {
        assert!(exposed.contains(name), "{name} not in {exposed}");
    }
}

#[tokio::test]
async fn existing_database_is_reused_and_mismatch_regenerates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("calls.db");
    let db_str = db.to_string_lossy().into_owned();
    let first = start_in(dir, "api", &[]).await;
    drop(first.running);
    let dir = first.dir;
    let modified = std::fs::metadata(&db)
        .and_then(|m| m.modified())
        .expect("mtime");
    // Same flags: reused as is.
    let again = start_in(dir, "api", &[]).await;
    assert_eq!(
        std::fs::metadata(&db)
            .and_then(|m| m.modified())
            .expect("mtime"),
        modified
    );
    drop(again.running);
    // A different --calls: regenerated.
    let running = launch(&[
        "api", "--port", "0", "--db", &db_str, "--calls", "300", "--now", NOW,
    ])
    .await
    .expect("start");
    let (_, _, body) = json(
        client()
            .get(format!("{}/v1/calls", running.url()))
            .bearer_auth(KEY)
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(body["pagination"]["total"], 300);
    drop(again.dir);
}

#[tokio::test]
async fn a_foreign_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("other.db");
    rusqlite::Connection::open(&db)
        .and_then(|c| c.execute_batch("CREATE TABLE calls (x INTEGER);"))
        .expect("foreign db");
    let err = launch(&["api", "--port", "0", "--db", &db.to_string_lossy()])
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("--fresh"), "{err}");
}
