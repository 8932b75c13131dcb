//! Shared test harness: start a server in-process on a free port over a small generated
//! database in a temporary directory, and talk to it with reqwest.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

pub mod serve;

use clap::Parser;
use dashboard_server::cli::Cli;
use dashboard_server::Running;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The fixed end of the generated history in tests.
pub const NOW: &str = "2024-03-15T12:00:00Z";
/// `NOW` as Unix seconds.
pub const NOW_UNIX: i64 = 1_710_504_000;
/// Calls in the test database.
pub const CALLS: u64 = 2_000;
/// The demo key.
pub const KEY: &str = dashboard_server::auth::DEMO_KEY;

/// A running server and what it needs to live.
pub struct TestServer {
    pub running: Running,
    pub dir: TempDir,
    pub db: PathBuf,
    pub client: reqwest::Client,
}

/// A client that neither decompresses nor follows redirects, so tests see the wire.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Starts `dashboard-server SUB --port 0 --db <tmp> --calls 2000 --now NOW EXTRA...`
/// (`serve` gets no database flags).
pub async fn start(sub: &str, extra: &[&str]) -> TestServer {
    let dir = tempfile::tempdir().expect("tempdir");
    start_in(dir, sub, extra).await
}

/// Starts `dashboard-server ARGS...` exactly as given (no defaults added).
pub async fn launch(args: &[&str]) -> Result<Running, dashboard_server::error::ServerError> {
    let argv = std::iter::once("dashboard-server").chain(args.iter().copied());
    let cli = Cli::try_parse_from(argv).expect("valid command line");
    dashboard_server::start(cli.command).await
}

/// Like `start`, in a given directory (whose `calls.db` is used).
pub async fn start_in(dir: TempDir, sub: &str, extra: &[&str]) -> TestServer {
    let db = dir.path().join("calls.db");
    let db_str = db.to_string_lossy().into_owned();
    let calls = CALLS.to_string();
    let mut argv: Vec<&str> = vec!["dashboard-server", sub, "--port", "0"];
    if sub != "serve" {
        argv.extend([
            "--db", &db_str, "--calls", &calls, "--seed", "7", "--now", NOW,
        ]);
    }
    argv.extend(extra);
    let cli = Cli::try_parse_from(&argv).expect("valid command line");
    let running = dashboard_server::start(cli.command)
        .await
        .expect("server starts");
    TestServer {
        running,
        dir,
        db,
        client: client(),
    }
}

impl TestServer {
    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.running.url(), path)
    }

    /// GET with the demo key.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(KEY)
            .send()
            .await
            .expect("request")
    }

    /// GET with the demo key, body parsed as JSON.
    pub async fn get_json(&self, path: &str) -> (StatusCode, HeaderMap, Value) {
        json(self.get(path).await).await
    }

    /// A read-only SQL connection to the server's database.
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(&self.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open db")
    }
}

/// Status, headers and JSON body of a response.
pub async fn json(resp: reqwest::Response) -> (StatusCode, HeaderMap, Value) {
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.expect("body");
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, headers, value)
}

/// GETs `url` and reads the answer as JSON.
pub async fn get_json(client: &reqwest::Client, url: String) -> (StatusCode, HeaderMap, Value) {
    json(client.get(url).send().await.expect("get")).await
}

/// The `error.code` of an error body.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no code>")
}

/// A header as a string ("" when absent).
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The trunk ids in the database, in listing order.
pub fn trunk_ids(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open db");
    let mut stmt = conn
        .prepare("SELECT id FROM trunks ORDER BY position")
        .expect("prepare");
    let ids = stmt
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<Vec<String>, _>>()
        .expect("rows");
    ids
}

/// Hashed asset names of the fake dist/.
pub const WASM: &str = "call-dashboard-0123456789abcdef_bg.wasm";
pub const JS: &str = "call-dashboard-0123456789abcdef.js";
pub const CSS: &str = "style-fedcba9876543210.css";

/// Writes a small fake `dist/` into `dir` and returns its path.
pub fn fake_dist(dir: &Path) -> PathBuf {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).expect("mkdir dist");
    let index = format!(
        "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"/{CSS}\"></head>\
         <body><script type=\"module\">import init from '/{JS}'; init('/{WASM}');</script>\
         {}</body></html>",
        "<!-- padding so the page is worth compressing -->".repeat(20)
    );
    std::fs::write(dist.join("index.html"), index).expect("write");
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(std::iter::repeat_n(0u8, 4096));
    std::fs::write(dist.join(WASM), wasm).expect("write");
    std::fs::write(
        dist.join(JS),
        "export default function init() {}\n".repeat(100),
    )
    .expect("write");
    std::fs::write(dist.join(CSS), "body { margin: 0; }\n".repeat(100)).expect("write");
    std::fs::write(dist.join("robots.txt"), "User-agent: *\n").expect("write");
    dist
}
