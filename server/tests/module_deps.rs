//! House rule checked on the source tree (as rust-analyzer's tidy test does): the
//! database modules never use `generate` (generating writes a database through
//! `db::schema` and `db::rows`; the reverse would be an import cycle). Fails with the
//! file and line of each breach.

use std::path::Path;

fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

/// `file:line: text` of every code line under `dir` that mentions one of `needles`.
fn breaches(dir: &Path, needles: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "no Rust files in {}", dir.display());
    for path in entries {
        for (n, line) in code_lines(&path) {
            if needles.iter().any(|needle| line.contains(needle)) {
                out.push(format!("{}:{n}: {}", path.display(), line.trim()));
            }
        }
    }
    out
}

#[test]
fn db_does_not_use_generate() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = breaches(&src.join("db"), &["crate::generate", "generate::"]);
    assert!(
        found.is_empty(),
        "db must not use generate:\n{}",
        found.join("\n")
    );
    // The check sees what it is meant to: generate does use db.
    let generate = code_lines(&src.join("generate.rs"));
    assert!(generate.iter().any(|(_, l)| l.contains("crate::db::")));
}

#[test]
fn no_hand_written_rfc3339_formatting() {
    // Times are formatted by chrono (db::rows::rfc3339), not by a civil-date algorithm.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = breaches(&src.join("db"), &["civil_from_days", "719_468", "146_097"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
}
