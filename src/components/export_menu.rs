//! Export: the page on screen, or every call of the current filter up to the export
//! cap, as CSV or JSON. A whole set is gathered through the loader (progress "n of N",
//! Cancel, Retry from where it stopped); past the cap it says how many calls the
//! filter holds and asks to narrow the range, and exports nothing.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::api::{Call, CallQuery};
use crate::app::{AppState, TrunkList};
use crate::client::SiteConfig;
use crate::components::LoadBanners;
use crate::download;
use crate::export::{file_name, ExportFormat, ExportScope};
use crate::parts::export_calls_file;
use crate::format;
use crate::gather::GatherOptions;
use crate::gatherer::{gather_all_or_count, Capped, PageCache};
use crate::load::Phase;
use crate::loader::{use_loader, LoaderOptions};

/// One export of a whole filtered set: what to export, as of when, and a counter so
/// the same export asked twice is two exports.
#[derive(Debug, Clone, PartialEq)]
struct Job {
    query: CallQuery,
    now: DateTime<Utc>,
    format: ExportFormat,
    seq: u32,
}

/// How an export ended.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// The file was handed to the browser.
    Saved { file: String, calls: u64 },
    /// The filter holds more calls than the cap: nothing was exported.
    TooMany { total: u64, cap: u64 },
    /// The file could not be written or saved.
    NotSaved(String),
}

/// The export control of a call list.
#[component]
pub fn ExportMenu(
    /// The view whose calls are exported.
    query: Memo<CallQuery>,
    /// The view's "now" (presets resolve against it).
    #[prop(into)]
    now: Signal<DateTime<Utc>>,
    /// The calls on screen ("this page").
    #[prop(into)]
    page_calls: Signal<Vec<Call>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let names = expect_context::<TrunkList>().names;
    let cache = use_context::<StoredValue<PageCache, LocalStorage>>()
        .unwrap_or_else(|| StoredValue::new_local(PageCache::default()));
    let scope = RwSignal::new(ExportScope::All);
    let export_format = RwSignal::new(ExportFormat::Csv);
    let job = RwSignal::new(None::<Job>);
    let page_note = RwSignal::new(None::<String>);
    let seq = StoredValue::new(0u32);

    let export = use_loader(
        move || job.get(),
        move |job, task| {
            let (q, now, fmt) = (job.query.frozen(job.now), job.now, job.format);
            let cap = state
                .config
                .with_untracked(|c| c.as_ref().map_or(100_000, |c| c.export_cap));
            let opts = state
                .config
                .with_untracked(|c| c.as_ref().map(SiteConfig::gather_options))
                .unwrap_or_default();
            let (cache, names, view) = (cache.get_value(), names.get_untracked(), job.query.clone());
            Box::pin(async move {
                let ctx = task.gather_ctx(&cache, true);
                let g = match gather_all_or_count(&ctx, &q, now, GatherOptions { cap, ..opts }).await? {
                    Capped::TooMany { total, cap } => return Ok(Outcome::TooMany { total, cap }),
                    Capped::All(g) => g,
                };
                let file = file_name("calls", &view, ExportScope::All, fmt, now);
                let saved = export_calls_file(&g.calls, fmt, view.tz(), &names)
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|text| download::save(&file, fmt.mime(), &text).map_err(|e| e.to_string()));
                Ok(match saved {
                    Ok(()) => Outcome::Saved {
                        file,
                        calls: g.calls.len() as u64,
                    },
                    Err(e) => Outcome::NotSaved(e),
                })
            })
        },
        LoaderOptions::default(),
    );

    let start = move |_| {
        let fmt = export_format.get_untracked();
        let q = query.get_untracked();
        match scope.get_untracked() {
            ExportScope::Page => {
                let file = file_name("calls", &q, ExportScope::Page, fmt, now.get_untracked());
                let (calls, names) = (page_calls.get_untracked(), names.get_untracked());
                // The export code may have to be fetched first (see `parts`).
                leptos::task::spawn_local(async move {
                    let saved = export_calls_file(&calls, fmt, q.tz(), &names)
                        .await
                        .map_err(|e| e.to_string())
                        .and_then(|text| download::save(&file, fmt.mime(), &text).map_err(|e| e.to_string()));
                    page_note.set(Some(match saved {
                        Ok(()) => format!("Saved {} as {file}.", format::calls(calls.len() as u64)),
                        Err(e) => e,
                    }));
                });
            }
            ExportScope::All => {
                page_note.set(None);
                seq.update_value(|n| *n += 1);
                job.set(Some(Job {
                    query: q,
                    now: now.get_untracked(),
                    format: fmt,
                    seq: seq.get_value(),
                }));
            }
        }
    };

    let phase = Memo::new(move |_| export.phase());
    let status_line = move || match phase.get() {
        Phase::Loading | Phase::RateLimited => {
            let p = export.with(|l| l.progress().unwrap_or_default());
            Some(view! {
                <div class="gather export-progress" role="status" aria-live="polite">
                    <div class="progress" role="progressbar" aria-label="Exporting calls"
                        aria-valuemin="0" aria-valuemax=p.target.to_string() aria-valuenow=p.fetched.to_string()>
                        <span class="progress-fill" style:width=format::percent_width(p.fraction())></span>
                    </div>
                    <span class="gather-text">{format!("Exporting {}", p.text())}</span>
                    <button type="button" class="btn" on:click=move |_| export.cancel()>"Cancel"</button>
                </div>
            }.into_any())
        }
        Phase::Cancelled => Some(view! {
            <p class="export-note" role="status">
                {format!("Export cancelled at {}. ", export.with(|l| l.progress().unwrap_or_default().text()))}
                <button type="button" class="btn btn-link" on:click=move |_| export.retry()>"Resume"</button>
            </p>
        }.into_any()),
        Phase::Loaded => export.with(|l| l.data().cloned()).map(|o| match o {
            Outcome::Saved { file, calls } => view! {
                <p class="export-note" role="status">{format!("Saved {} as {file}.", format::calls(calls))}</p>
            }.into_any(),
            Outcome::TooMany { total, cap } => view! {
                <p class="export-note banner banner-warn" role="alert">{format!(
                    "This filter holds {}, more than the export cap of {}. Narrow the date range (or another filter) and export again.",
                    format::calls(total),
                    format::thousands(cap)
                )}</p>
            }.into_any(),
            Outcome::NotSaved(e) => view! { <p class="export-note banner banner-error" role="alert">{e}</p> }.into_any(),
        }),
        Phase::Idle | Phase::Stale | Phase::Failed => None,
    };

    view! {
        <section class="export" aria-label="Export">
            <label class="field-inline">
                <span>"Export"</span>
                <select id="export-scope" on:change=move |ev| scope.set(if event_target_value(&ev) == "page" { ExportScope::Page } else { ExportScope::All })>
                    <option value="all" selected=true>"Every call of this filter"</option>
                    <option value="page">"This page"</option>
                </select>
            </label>
            <label class="field-inline">
                <span class="visually-hidden">"Format"</span>
                <select id="export-format" on:change=move |ev| export_format.set(if event_target_value(&ev) == "json" { ExportFormat::Json } else { ExportFormat::Csv })>
                    <option value="csv" selected=true>"CSV (spreadsheets)"</option>
                    <option value="json">"JSON (scripts)"</option>
                </select>
            </label>
            <button type="button" class="btn" id="export-start" on:click=start
                disabled=move || export.is_running()>"Export"</button>
            {status_line}
            {move || page_note.get().map(|n| view! { <p class="export-note" role="status">{n}</p> })}
            <LoadBanners status=export.status() on_retry=move |_| export.retry() />
        </section>
    }
}
