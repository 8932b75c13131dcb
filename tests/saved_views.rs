//! Native tests of `saved_views`: validation of names and queries, rename, delete, the
//! default view, and the file's round trip and refusals (nothing changes on a refusal).

use call_dashboard::links::View;
use call_dashboard::saved_views::*;

fn view(name: &str, page: View, query: &str) -> SavedView {
    SavedView::new(name, page, query).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn names(v: &SavedViews) -> Vec<&str> {
    v.list().iter().map(SavedView::name).collect()
}

/// Three views, the second the default.
fn three() -> SavedViews {
    let mut v = SavedViews::new();
    v.save(view(
        "EU failed",
        View::Calls,
        "status=failed&trunk=conn_eu&range=24h",
    ))
    .expect("save");
    v.save(view(
        "Latency week",
        View::Analytics,
        "?range=7d&slo=500&tz=utc",
    ))
    .expect("save");
    v.save(view("Yesterday", View::Report, "day=2024-03-04&tz=utc"))
        .expect("save");
    v.set_default(Some("Latency week")).expect("default");
    v
}

#[test]
fn a_query_keeps_only_what_the_page_knows() {
    // (page, raw query, kept)
    let cases = [
        (
            View::Calls,
            "status=failed&range=24h",
            "status=failed&range=24h",
        ),
        (
            View::Calls,
            "?status=failed&from_number=%2B15551234567&to=%2B4915123456789&key=sk_live_x&phone=1",
            "status=failed",
        ),
        (
            View::Analytics,
            "status=bogus&range=7d&page=3",
            "range=7d&page=3",
        ),
        (
            View::Report,
            "day=2024-03-04&tz=utc&status=failed",
            "day=2024-03-04&tz=utc",
        ),
        (View::Report, "day=yesterday", ""),
        (View::Calls, "", ""),
    ];
    for (page, raw, kept) in cases {
        assert_eq!(view("v", page, raw).query(), kept, "{raw}");
    }
    assert_eq!(
        view("v", View::Analytics, "range=7d").href(),
        "analytics?range=7d"
    );
    assert_eq!(view("v", View::Calls, "").href(), "./");
    assert_eq!(
        view("v", View::Report, "day=2024-03-04").href(),
        "report?day=2024-03-04"
    );
}

#[test]
fn names_are_trimmed_and_bounded() {
    // (name, accepted as)
    let long = "x".repeat(MAX_NAME_CHARS + 1);
    let longest = "é".repeat(MAX_NAME_CHARS);
    let cases: [(&str, Option<&str>); 5] = [
        ("  EU support  ", Some("EU support")),
        ("", None),
        ("   ", None),
        ("two\nlines", None),
        (&long, None),
    ];
    for (name, kept) in cases {
        let got = SavedView::new(name, View::Calls, "");
        assert_eq!(got.as_ref().ok().map(SavedView::name), kept, "{name:?}");
        if kept.is_none() {
            assert_eq!(got, Err(SavedViewsError::InvalidName));
        }
    }
    assert!(SavedView::new(&longest, View::Calls, "").is_ok());
}

#[test]
fn save_rename_delete_and_the_default() {
    let mut v = three();
    assert_eq!(names(&v), ["EU failed", "Latency week", "Yesterday"]);
    assert_eq!(v.default_view().map(SavedView::name), Some("Latency week"));
    // Saving under an existing name replaces it in place.
    assert_eq!(
        v.save(view("EU failed", View::Calls, "status=failed&range=1h")),
        Ok(Saved::Replaced)
    );
    assert_eq!(v.list()[0].query(), "status=failed&range=1h");
    // The default follows a rename.
    v.rename("Latency week", "Latency, 7 days").expect("rename");
    assert_eq!(
        v.default_view().map(SavedView::name),
        Some("Latency, 7 days")
    );
    assert_eq!(
        v.rename("Yesterday", "EU failed"),
        Err(SavedViewsError::NameTaken("EU failed".into()))
    );
    assert_eq!(
        v.rename("Nope", "X"),
        Err(SavedViewsError::NotFound("Nope".into()))
    );
    assert_eq!(
        v.rename("Yesterday", " "),
        Err(SavedViewsError::InvalidName)
    );
    v.rename("Yesterday", "Yesterday")
        .expect("same name is fine");
    // Deleting the default clears it.
    v.delete("Latency, 7 days").expect("delete");
    assert_eq!(v.default_view(), None);
    assert_eq!(names(&v), ["EU failed", "Yesterday"]);
    assert!(v.delete("Latency, 7 days").is_err());
    v.set_default(Some("Yesterday")).expect("default");
    v.set_default(None).expect("no default");
    assert_eq!(v.default_view(), None);
}

#[test]
fn at_most_two_hundred_views_are_kept() {
    let mut v = SavedViews::new();
    for i in 0..MAX_VIEWS {
        v.save(view(&format!("v{i}"), View::Calls, ""))
            .expect("room");
    }
    assert_eq!(
        v.save(view("one more", View::Calls, "")),
        Err(SavedViewsError::TooMany)
    );
    assert_eq!(
        v.save(view("v7", View::Calls, "status=failed")),
        Ok(Saved::Replaced)
    );
}

#[test]
fn the_file_round_trips_and_says_what_it_is() {
    let v = three();
    let text = v.to_json();
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["format"], "telepath-saved-views");
    assert_eq!(value["version"], 1);
    assert_eq!(value["views"][1]["path"], "analytics");
    assert_eq!(value["views"][1]["default"], true);
    assert_eq!(value["views"][0].get("default"), None);
    assert_eq!(SavedViews::from_json(&text), Ok(v));
}

/// A file with these views (raw JSON objects).
fn file(version: u64, views: &str) -> String {
    format!(r#"{{"format":"telepath-saved-views","version":{version},"views":[{views}]}}"#)
}

#[test]
fn an_import_refuses_with_a_sentence_and_changes_nothing() {
    let big = format!(
        r#"{{"format":"telepath-saved-views","version":1,"views":[],"pad":"{}"}}"#,
        "x".repeat(MAX_FILE_BYTES)
    );
    let many = file(
        1,
        &(0..=MAX_VIEWS)
            .map(|i| format!(r#"{{"name":"v{i}","path":"calls","query":""}}"#))
            .collect::<Vec<_>>()
            .join(","),
    );
    // (file, error, words the sentence must hold)
    let cases: Vec<(String, SavedViewsError, &str)> = vec![
        (
            "not json".into(),
            SavedViewsError::NotOurs,
            "not a saved-views file",
        ),
        (
            r#"{"format":"grafana-dashboard","version":1,"views":[]}"#.into(),
            SavedViewsError::NotOurs,
            "Nothing was imported",
        ),
        (
            r#"[1, 2, 3]"#.into(),
            SavedViewsError::NotOurs,
            "not a saved-views",
        ),
        (big, SavedViewsError::TooLarge(257), "at most 256 KiB"),
        (
            file(2, ""),
            SavedViewsError::NewerVersion(2),
            "newer version",
        ),
        (many, SavedViewsError::ImportTooMany(201), "at most 200"),
        (
            file(1, r#"{"name":"a","path":"settings","query":""}"#),
            SavedViewsError::InvalidEntry {
                index: 1,
                reason: "its path must be calls, analytics or report.".into(),
            },
            "View 1",
        ),
        (
            file(
                1,
                r#"{"name":"a","path":"calls","query":""},{"name":"","path":"calls","query":""}"#,
            ),
            SavedViewsError::InvalidEntry {
                index: 2,
                reason: SavedViewsError::InvalidName.to_string(),
            },
            "View 2",
        ),
        (
            file(1, r#"{"name":"a","path":"calls"}"#),
            SavedViewsError::InvalidEntry {
                index: 1,
                reason: "it needs a name, a path (calls, analytics or report) and a query.".into(),
            },
            "needs a name",
        ),
        (
            file(
                1,
                r#"{"name":"a","path":"calls","query":""},{"name":"a","path":"report","query":""}"#,
            ),
            SavedViewsError::InvalidEntry {
                index: 2,
                reason: "another view of the file has the same name.".into(),
            },
            "same name",
        ),
        (
            file(
                1,
                r#"{"name":"a","path":"calls","query":"","default":true},{"name":"b","path":"calls","query":"","default":true}"#,
            ),
            SavedViewsError::InvalidEntry {
                index: 2,
                reason: "only one view can be the default.".into(),
            },
            "default",
        ),
    ];
    for (text, error, words) in cases {
        let mut v = three();
        let got = v.import(&text);
        assert_eq!(got, Err(error.clone()), "{}", &text[..text.len().min(80)]);
        assert!(error.to_string().contains(words), "{error}");
        assert_eq!(v, three(), "nothing changed");
    }
}

#[test]
fn an_import_adds_replaces_and_drops_unknown_parameters() {
    let mut v = three();
    let text = file(
        1,
        r#"{"name":"EU failed","path":"calls","query":"status=failed&from=2024-03-01T00:00:00Z&caller=%2B15551234567","extra":"ignored"},
           {"name":"Night shift","path":"analytics","query":"range=24h&api_key=sk_live_123","default":true}"#,
    );
    assert_eq!(
        v.import(&text),
        Ok(Imported {
            added: 1,
            replaced: 1
        })
    );
    assert_eq!(
        names(&v),
        ["EU failed", "Latency week", "Yesterday", "Night shift"]
    );
    assert_eq!(
        v.list()[0].query(),
        "status=failed&from=2024-03-01T00%3A00%3A00Z"
    );
    assert_eq!(v.list()[3].query(), "range=24h");
    assert_eq!(v.default_view().map(SavedView::name), Some("Night shift"));
    assert!(!v.to_json().contains("+1555") && !v.to_json().contains("sk_live"));
    // A full list refuses an import that would overflow it.
    let mut full = SavedViews::new();
    for i in 0..MAX_VIEWS {
        full.save(view(&format!("v{i}"), View::Calls, ""))
            .expect("room");
    }
    let before = full.clone();
    assert_eq!(
        full.import(&file(1, r#"{"name":"new","path":"calls","query":""}"#)),
        Err(SavedViewsError::ImportTooMany(201))
    );
    assert_eq!(full, before);
    assert!(full
        .import(&file(
            1,
            r#"{"name":"v3","path":"calls","query":"range=1h"}"#
        ))
        .is_ok());
}
