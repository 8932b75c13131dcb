//! The invariants of ARCHITECTURE.md that a machine can check, checked on the source
//! tree (as rust-analyzer's `tidy` test does): each broken rule fails the build with
//! its file and line.
//!
//! - The pure layer (every file of `src/` that is not listed in [`BROWSER_LAYER`])
//!   names no browser crate: leptos, web_sys, gloo, js_sys, wasm_bindgen.
//! - Components (`src/components/`) never read the wall clock (`Utc::now()` and
//!   friends: a view's "now" is its `ViewClock`), never build URLs or read raw query
//!   strings (`links.rs`, `url_state.rs` and `CallQuery` do).
//! - No async block anywhere in `src/` reads a signal with `get_untracked` /
//!   `with_untracked` after an `.await`: the view may be gone by then, and those
//!   panic on a disposed signal (`try_*` variants return `None` instead). This one is
//!   a `syn` walk of async blocks, not a grep, so handlers may use them freely.
//!
//! What stays a review rule: "components do no arithmetic", and async blocks written
//! inside `view!` (a macro body `syn` does not parse).

#![cfg(not(target_arch = "wasm32"))]

use std::fmt;
use std::path::{Path, PathBuf};

use proc_macro2::{LineColumn, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::Visit;

/// Files and folders of `src/` that make the browser layer; everything else is pure.
const BROWSER_LAYER: &[&str] = &[
    "main.rs",
    "app.rs",
    "client.rs",
    "components",
    "download.rs",
    "gatherer.rs",
    "list_view.rs",
    "live_list.rs",
    "loader.rs",
    "navigation.rs",
    "parts.rs",
    "perf.rs",
    "storage.rs",
    "url_state.rs",
    "use_analysis.rs",
    "use_live.rs",
    "view_clock.rs",
];

/// Crates the pure layer never names.
const BROWSER_CRATES: &[&str] = &[
    "leptos",
    "leptos_router",
    "leptos_meta",
    "web_sys",
    "gloo_net",
    "gloo_timers",
    "gloo",
    "js_sys",
    "wasm_bindgen",
    "wasm_bindgen_futures",
    "console_error_panic_hook",
];

/// Names a component never uses: URL building and raw query reading happen in
/// `links.rs`, `url_state.rs` and `CallQuery`.
const RAW_URL_NAMES: &[&str] = &[
    "form_urlencoded",
    "to_url_query",
    "from_url_query",
    "use_query",
    "use_query_map",
    "use_params_map",
    "use_location",
    "byte_serialize",
];

/// Clocks a component never reads (`Type::now`).
const CLOCKS: &[&str] = &["Utc", "Local", "SystemTime", "Instant", "Date"];

/// A broken rule, with where.
#[derive(Debug, PartialEq)]
struct Violation {
    file: String,
    line: usize,
    rule: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.rule)
    }
}

fn violation(file: &str, at: LineColumn, rule: impl Into<String>) -> Violation {
    Violation {
        file: file.to_owned(),
        line: at.line,
        rule: rule.into(),
    }
}

/// Every token of `src`, groups flattened, in source order.
fn leaves(src: &str) -> Vec<TokenTree> {
    fn walk(ts: TokenStream, out: &mut Vec<TokenTree>) {
        for tt in ts {
            match tt {
                TokenTree::Group(g) => walk(g.stream(), out),
                other => out.push(other),
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(ts) = src.parse::<TokenStream>() {
        walk(ts, &mut out);
    }
    out
}

fn ident_is(tt: &TokenTree, name: &str) -> bool {
    matches!(tt, TokenTree::Ident(i) if i == name)
}

fn punct_is(tt: &TokenTree, c: char) -> bool {
    matches!(tt, TokenTree::Punct(p) if p.as_char() == c)
}

/// The pure layer names no browser crate.
fn check_pure(file: &str, src: &str) -> Vec<Violation> {
    leaves(src)
        .iter()
        .filter_map(|tt| match tt {
            TokenTree::Ident(i) if BROWSER_CRATES.iter().any(|c| i == c) => Some(violation(
                file,
                i.span().start(),
                format!("the pure layer names the browser crate `{i}`"),
            )),
            _ => None,
        })
        .collect()
}

/// What only `parts.rs` may name, with the files that define it: naming one elsewhere
/// would pull its code (the analytics view, the report, writing an export file) back
/// into the main module the calls route boots from.
const SPLIT_ENTRIES: &[(&str, &[&str])] = &[
    (
        "AnalyticsPage",
        &["components/analytics_page.rs", "components/mod.rs"],
    ),
    (
        "ReportPage",
        &["components/report_page.rs", "components/mod.rs"],
    ),
    ("calls_file", &["export.rs"]),
];

/// A split part's entry named outside `parts.rs` and its own files (other code calls
/// the loading wrappers of `parts`: `LazyView`, `export_calls_file`).
fn check_split(file: &str, src: &str) -> Vec<Violation> {
    let rel = file.strip_prefix("src/").unwrap_or(file);
    if rel == "parts.rs" {
        return Vec::new();
    }
    leaves(src)
        .iter()
        .filter_map(|tt| match tt {
            TokenTree::Ident(i) => SPLIT_ENTRIES
                .iter()
                .find(|(name, homes)| i == name && !homes.contains(&rel))
                .map(|(name, _)| {
                    violation(
                        file,
                        i.span().start(),
                        format!("`{name}` is named outside src/parts.rs: its code would load with the calls route"),
                    )
                }),
            _ => None,
        })
        .collect()
}

/// Whether a string literal's text builds a URL query (`?day=`, `&tz=`, `}?{`).
fn builds_url(literal: &str) -> bool {
    let bytes = literal.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        if b != b'?' && b != b'&' {
            return false;
        }
        let rest = &bytes[i + 1..];
        if b == b'?' && rest.first() == Some(&b'{') {
            return true;
        }
        let name = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        name > 0 && rest.get(name) == Some(&b'=')
    })
}

/// Components read no clock, build no URL and read no raw query string.
fn check_component(file: &str, src: &str) -> Vec<Violation> {
    let tokens = leaves(src);
    let mut out = Vec::new();
    for (i, tt) in tokens.iter().enumerate() {
        let next = |k: usize| tokens.get(i + k);
        match tt {
            TokenTree::Ident(id) if CLOCKS.iter().any(|c| id == c) => {
                let path_now = next(1).is_some_and(|t| punct_is(t, ':'))
                    && next(2).is_some_and(|t| punct_is(t, ':'))
                    && next(3).is_some_and(|t| ident_is(t, "now"));
                if path_now {
                    out.push(violation(
                        file,
                        id.span().start(),
                        format!(
                            "a component reads the wall clock (`{id}::now`): use the view's clock"
                        ),
                    ));
                }
            }
            TokenTree::Ident(id) if RAW_URL_NAMES.iter().any(|n| id == n) => {
                out.push(violation(
                    file,
                    id.span().start(),
                    format!("a component builds a URL or reads the raw query (`{id}`): use links.rs / url_state.rs"),
                ));
            }
            TokenTree::Ident(id) if id == "search" || id == "query_string" || id == "hash" => {
                let field = i > 0 && punct_is(&tokens[i - 1], '.');
                if field {
                    out.push(violation(
                        file,
                        id.span().start(),
                        format!("a component reads the location's `{id}`: use url_state.rs"),
                    ));
                }
            }
            TokenTree::Literal(lit) => {
                let text = lit.to_string();
                // Doc comments arrive as `doc = "..."`: prose, not code.
                let doc =
                    i >= 2 && ident_is(&tokens[i - 2], "doc") && punct_is(&tokens[i - 1], '=');
                if !doc && text.starts_with('"') && builds_url(&text) {
                    out.push(violation(
                        file,
                        lit.span().start(),
                        format!("a component builds a URL query in {text}: use links.rs"),
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// Finds `*_untracked` reads after the first `.await` of each async block.
struct AfterAwait<'a> {
    file: &'a str,
    out: Vec<Violation>,
    seen: Vec<LineColumn>,
}

/// The awaits and untracked reads inside one async block, with where they start.
#[derive(Default)]
struct BlockScan {
    awaits: Vec<LineColumn>,
    reads: Vec<(LineColumn, String)>,
}

impl<'ast> Visit<'ast> for BlockScan {
    fn visit_expr_await(&mut self, e: &'ast syn::ExprAwait) {
        // The await happens after its operand is evaluated: its position is the
        // `.await` itself.
        self.awaits.push(e.await_token.span().start());
        syn::visit::visit_expr_await(self, e);
    }

    fn visit_expr_method_call(&mut self, e: &'ast syn::ExprMethodCall) {
        let name = e.method.to_string();
        if name.ends_with("_untracked") && !name.starts_with("try_") {
            self.reads.push((e.method.span().start(), name));
        }
        syn::visit::visit_expr_method_call(self, e);
    }
}

impl<'ast> Visit<'ast> for AfterAwait<'_> {
    fn visit_expr_async(&mut self, e: &'ast syn::ExprAsync) {
        let mut scan = BlockScan::default();
        scan.visit_block(&e.block);
        if let Some(first) = scan.awaits.iter().min() {
            for (at, name) in scan.reads.iter().filter(|(at, _)| at > first) {
                // A read in a nested block is reported once, by the outermost block.
                if self.seen.contains(at) {
                    continue;
                }
                self.seen.push(*at);
                self.out.push(violation(
                    self.file,
                    *at,
                    format!(
                        "`{name}` after an `.await` in the same async block (line {}): the view may be gone; use `try_{name}`",
                        first.line
                    ),
                ));
            }
        }
        // Nested async blocks are checked on their own too.
        syn::visit::visit_expr_async(self, e);
    }
}

fn check_untracked_after_await(file: &str, src: &str) -> Vec<Violation> {
    let Ok(parsed) = syn::parse_file(src) else {
        return vec![Violation {
            file: file.to_owned(),
            line: 1,
            rule: "does not parse".to_owned(),
        }];
    };
    let mut v = AfterAwait {
        file,
        out: Vec::new(),
        seen: Vec::new(),
    };
    v.visit_file(&parsed);
    v.out
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every rule over every file of `src_dir`.
fn check_tree(src_dir: &Path) -> Vec<Violation> {
    let mut out = Vec::new();
    for path in rust_files(src_dir) {
        let rel = path
            .strip_prefix(src_dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let shown = format!("src/{rel}");
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let browser = BROWSER_LAYER
            .iter()
            .any(|b| rel == *b || rel.starts_with(&format!("{b}/")));
        if !browser {
            out.extend(check_pure(&shown, &src));
        }
        if rel.starts_with("components/") {
            out.extend(check_component(&shown, &src));
        }
        out.extend(check_untracked_after_await(&shown, &src));
        out.extend(check_split(&shown, &src));
    }
    out
}

#[test]
fn the_source_tree_keeps_the_architecture_invariants() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    assert!(
        src.join("lib.rs").exists(),
        "no source tree at {}",
        src.display()
    );
    let broken = check_tree(&src);
    assert!(
        broken.is_empty(),
        "ARCHITECTURE.md's invariants are broken:\n{}",
        broken
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_browser_layer_entry_exists() {
    // A renamed browser module must not silently become "pure" and unchecked, nor a
    // stale entry hide a new pure file.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in BROWSER_LAYER {
        assert!(
            src.join(entry).exists(),
            "BROWSER_LAYER lists src/{entry}, which is gone"
        );
    }
}

// ---- each rule catches what it should (so the test above can fail) --------------

fn rules(v: &[Violation]) -> Vec<(usize, &str)> {
    v.iter().map(|v| (v.line, v.rule.as_str())).collect()
}

#[test]
fn a_browser_crate_in_the_pure_layer_is_caught() {
    let src =
        "//! leptos in a comment is fine\nuse crate::api;\nfn f() { let _ = web_sys::window(); }\n";
    let found = check_pure("src/x.rs", src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 3);
    assert!(found[0].rule.contains("web_sys"));
    assert!(check_pure("src/x.rs", "fn f() { let s = \"leptos\"; }").is_empty());
}

#[test]
fn a_split_part_named_outside_parts_is_caught() {
    let src =
        "use crate::components::AnalyticsPage;\nfn f() { let _ = crate::export::calls_file(); }\n";
    let found = check_split("src/app.rs", src);
    assert_eq!(
        rules(&found).iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![1, 2],
        "{found:?}"
    );
    assert!(check_split("src/parts.rs", src).is_empty());
    assert!(check_split(
        "src/components/analytics_page.rs",
        "pub fn AnalyticsPage() {}"
    )
    .is_empty());
    assert!(check_split(
        "src/components/export_menu.rs",
        "use crate::parts::export_calls_file;"
    )
    .is_empty());
}

#[test]
fn a_clock_or_a_url_in_a_component_is_caught() {
    let src = r#"
/// `report?day=YYYY-MM-DD` in a doc comment is prose.
fn view() {
    let now = chrono::Utc::now();
    let href = format!("report?day={day}");
    let s = location.search.get();
    let q = CallQuery::from_url_query(&s);
    let p = format!("{path}?{q}");
    let fine = format!("{} of {}", a, b);
    let fine_too = "Rows? 20";
}
"#;
    let found = check_component("src/components/x.rs", src);
    let lines: Vec<usize> = found.iter().map(|v| v.line).collect();
    assert_eq!(lines, vec![4, 5, 6, 7, 8], "{:#?}", rules(&found));
}

#[test]
fn an_untracked_read_after_an_await_is_caught_but_not_before_or_in_handlers() {
    let src = r#"
fn f() {
    let before = async move {
        let a = sig.get_untracked();
        let page = fetch().await;
        let b = sig.with_untracked(|s| s.len());
        let c = sig.try_get_untracked();
    };
    let handler = move |_| {
        let x = sig.get_untracked();
        x
    };
    let nested = async move {
        other().await;
        spawn(async move { sig.get_untracked() });
    };
}
"#;
    let found = check_untracked_after_await("src/x.rs", src);
    let lines: Vec<usize> = found.iter().map(|v| v.line).collect();
    // Line 6 (after line 5's await) and line 15 (in a block after line 14's await);
    // not line 4 (before it), 7 (`try_`), or 10 (a handler, no async block).
    assert_eq!(lines, vec![6, 15], "{:#?}", rules(&found));
}
