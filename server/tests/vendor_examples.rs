//! The vendor's own Python examples (server/examples/vendor_examples.py) against `api`,
//! over data ending now (they ask for "the last 24 hours" by the clock).
//!
//! They need `python3` with the `requests` package. When either is missing this test
//! FAILS, saying how to install them (`make tools`), rather than passing without having
//! run: a green run must mean the examples ran.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// `Ok` if `python` runs and can import `requests`, else what to do about it.
fn python_with_requests(python: &str) -> Result<(), String> {
    let out = Command::new(python)
        .args(["-c", "import requests"])
        .output()
        .map_err(|e| {
            format!(
                "cannot run {python} ({e}). The vendor-examples test needs Python 3 with \
                 `requests`: run `make tools`, or install Python 3 and then \
                 `python3 -m pip install requests`."
            )
        })?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "{python} cannot import `requests`: run `make tools` (it runs `python3 -m pip install \
         requests` for the python3 on PATH; for Debian's own /usr/bin/python3, which refuses \
         pip, use `apt-get install python3-requests`).\n{}",
        String::from_utf8_lossy(&out.stderr).trim()
    ))
}

#[test]
fn a_missing_interpreter_is_a_failure_not_a_skip() {
    let err = python_with_requests("/nonexistent/python3")
        .err()
        .unwrap_or_default();
    assert!(err.contains("make tools"), "{err}");
}

#[tokio::test]
async fn vendor_examples_run_unchanged() {
    if let Err(why) = python_with_requests("python3") {
        panic!("{why}");
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
