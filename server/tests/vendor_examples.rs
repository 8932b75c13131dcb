//! The vendor's own Python examples (server/examples/vendor_examples.py) against `api`,
//! over data ending now (they ask for "the last 24 hours" by the clock). Skipped, with
//! a note, when python3 or its `requests` package is missing;
//! server/examples/run_vendor_examples.sh installs it.

mod common;
use common::*;
use std::path::Path;

#[tokio::test]
async fn vendor_examples_run_unchanged() {
    let has_requests = std::process::Command::new("python3")
        .args(["-c", "import requests"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_requests {
        eprintln!("skipped: python3 with requests is not installed (run server/examples/run_vendor_examples.sh)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("calls.db").to_string_lossy().into_owned();
    let running = launch(&[
        "api",
        "--port",
        "0",
        "--db",
        &db,
        "--calls",
        "5000",
        "--rate-limit",
        "0",
    ])
    .await
    .expect("start");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/vendor_examples.py");
    let out = tokio::process::Command::new("python3")
        .arg(&script)
        .env("TELEPATH_BASE_URL", format!("{}/v1", running.url()))
        .env("TELEPATH_API_KEY", KEY)
        .output()
        .await
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the examples failed:\n{stdout}");
    assert!(stdout.contains("limit=1000 is refused by design: HTTP 400"));
}
