//! The binary itself: `dashboard-server user ...` reading passwords from standard input
//! when it is not a terminal, and `serve --no-auth` warning on every start.

mod common;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_dashboard-server");

/// Runs `dashboard-server ARGS` with `stdin` piped in; (success, stdout, stderr).
fn run(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dashboard-server");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn user_add_passwd_remove_list_from_stdin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let users = dir.path().join("users");
    let u = users.to_string_lossy().into_owned();
    let (ok, out, err) = run(
        &["user", "add", "alice", "--users-file", &u],
        "a long password 1\n",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("added alice (generation 1)"), "{out}");
    let text = std::fs::read_to_string(&users).expect("users file");
    assert!(text.contains("alice:1:$argon2id$"), "{text}");
    assert!(
        !text.contains("a long password"),
        "no plain password in the file"
    );
    let store = dashboard_server::users::UserStore::open(&users).expect("store");
    assert_eq!(store.check_password("alice", "a long password 1"), Some(1));
    // Windows line ends are stripped too; the flag may come before the action.
    let (ok, out, _) = run(
        &["user", "--users-file", &u, "passwd", "alice"],
        "another password 2\r\n",
    );
    assert!(ok && out.contains("generation 2"), "{out}");
    assert_eq!(store.check_password("alice", "another password 2"), Some(2));
    let (ok, _, err) = run(&["user", "add", "bob", "--users-file", &u], "short\n");
    assert!(!ok && err.contains("at least 10 characters"), "{err}");
    let (ok, _, err) = run(
        &["user", "add", "alice", "--users-file", &u],
        "whatever password\n",
    );
    assert!(!ok && err.contains("exists already"), "{err}");
    let (ok, _, err) = run(
        &["user", "add", "bad:name", "--users-file", &u],
        "whatever password\n",
    );
    assert!(!ok && err.contains("user name"), "{err}");
    let (ok, out, _) = run(&["user", "list", "--users-file", &u], "");
    assert!(ok);
    assert_eq!(out, "alice\tgeneration 2\n");
    let (ok, out, _) = run(&["user", "remove", "alice", "--users-file", &u], "");
    assert!(ok && out.contains("generation 3"), "{out}");
    assert_eq!(store.check_password("alice", "another password 2"), None);
    let (ok, _, err) = run(&["user", "list"], "");
    assert!(!ok && err.contains("--users-file"), "{err}");
}

#[test]
fn no_auth_warns_on_every_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dist = common::fake_dist(dir.path()).to_string_lossy().into_owned();
    for _ in 0..2 {
        let mut child = Command::new(BIN)
            .args([
                "serve",
                "--port",
                "0",
                "--dist",
                &dist,
                "--no-auth",
                "--upstream",
                "http://127.0.0.1:9/v1",
            ])
            .env("TELEPATH_API_KEY", "sk_test_anything")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("listening line");
        assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
        child.kill().expect("kill");
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--no-auth: nobody is asked to sign in"),
            "warning missing: {err}"
        );
    }
    // Without any method it does not start, and says what to do.
    let out = Command::new(BIN)
        .args(["serve", "--port", "0", "--dist", &dist])
        .env("TELEPATH_API_KEY", "sk_test_anything")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--users-file") && err.contains("--no-auth"),
        "{err}"
    );
}
