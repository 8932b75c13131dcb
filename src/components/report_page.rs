//! The daily report a manager prints: the vendor's six figures for a day beside the
//! previous day and the same weekday a week earlier, calls by hour by outcome, the
//! latency distribution, per-trunk rows and the day's failed calls; CSV of the day.

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use leptos::prelude::*;

use crate::api::{Call, CallQuery, DateRange, StatusFilter, TimeZoneMode};
use crate::app::{AppState, TrunkList};
use crate::charts::{ChartKind, ChartOptions, Hit, HitTarget};
use crate::client::SiteConfig;
use crate::components::{ChartPanel, DrawRequest, LoadBanners, ThemeChoice};
use crate::download;
use crate::export::{calls_csv, file_name, ExportFormat, ExportScope};
use crate::format;
use crate::gather::{GatherOptions, Progress};
use crate::gatherer::{gather, PageCache};
use crate::links::View;
use crate::loader::{use_loader, LoaderOptions};
use crate::stats::{DailyReport, TrunkRow, DEFAULT_TOTAL_SLO_MS};
use crate::url_state::{self, use_report_query};
use crate::view_clock;

/// A day's calls as a query (its bounds in `tz`), or `None` for a day the zone skips.
fn day_query(day: NaiveDate, tz: TimeZoneMode) -> Option<CallQuery> {
    let (start, end) = format::day_bounds(day, tz)?;
    Some(CallQuery::new().with_tz(tz).with_range(DateRange::Custom {
        start: Some(start),
        end: Some(end),
    }))
}

/// What the report page loads: the report and the day's calls (for its CSV).
#[derive(Debug, Clone, PartialEq)]
struct Loaded {
    report: Arc<DailyReport>,
    calls: Arc<Vec<Call>>,
    progress: Progress,
}

/// `report?day=YYYY-MM-DD[&tz=utc]`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let cache = use_context::<StoredValue<PageCache, LocalStorage>>()
        .unwrap_or_else(|| StoredValue::new_local(PageCache::default()));
    let names = expect_context::<TrunkList>().names;
    let theme = ThemeChoice::use_context();
    let query = use_report_query();
    // "Today" is read once per view of the page, like every view's clock.
    let opened = view_clock::now();
    let day = Memo::new(move |_| query.with(|q| q.day_or_today(opened)));
    let tz = Memo::new(move |_| query.with(|q| q.tz));
    let go = url_state::use_go();

    let report = use_loader(
        move || Some((day.get(), tz.get(), names.get())),
        move |(day, tz, names), job| {
            let days = [*day, *day - Duration::days(1), *day - Duration::days(7)].map(|d| day_query(d, *tz));
            let (cache, names) = (cache.get_value(), names.clone());
            // The site's gathering settings (the API's largest page among them), with
            // no cap: a day is read whole.
            let configured = state
                .config
                .with_untracked(|c| c.as_ref().map(SiteConfig::gather_options))
                .unwrap_or_default();
            Box::pin(async move {
                let invalid = || crate::api::ApiError::BadRequest {
                    status: 400,
                    code: "INVALID_DAY".to_owned(),
                    message: "that day does not exist in this time zone".to_owned(),
                };
                let [Some(q0), Some(q1), Some(q7)] = days else {
                    return Err(invalid());
                };
                let (_, end) = q0.range().bounds(chrono::DateTime::UNIX_EPOCH);
                let (start, end) = (q0.range().bounds(chrono::DateTime::UNIX_EPOCH).0.ok_or_else(invalid)?, end.ok_or_else(invalid)?);
                let all = GatherOptions {
                    cap: u64::MAX,
                    ..configured
                };
                let listen = |progress: bool| job.gather_ctx(&cache, progress);
                let g0 = gather(&listen(true), &q0, end, all).await?;
                let g1 = gather(&listen(false), &q1, end, all).await?;
                let g7 = gather(&listen(false), &q7, end, all).await?;
                let mut r = DailyReport::compute(&g0.calls, &g1.calls, &g7.calls, (start, end), DEFAULT_TOTAL_SLO_MS);
                TrunkRow::named(&mut r.analysis.trunks, &names);
                Ok(Loaded {
                    report: Arc::new(r),
                    calls: Arc::new(g0.calls),
                    progress: g0.progress,
                })
            })
        },
        LoaderOptions::default(),
    );

    let day_text = move || day.get().format("%Y-%m-%d").to_string();
    let choose_day = move |ev: leptos::ev::Event| {
        let next = query.get_untracked().with_day_text(&event_target_value(&ev));
        go(next.href());
    };
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let export_problem = RwSignal::new(None::<String>);
    let export_day = move |_| {
        let Some(q) = day_query(day.get_untracked(), tz.get_untracked()) else {
            return;
        };
        let file = file_name("day", &q, ExportScope::All, ExportFormat::Csv, opened);
        let saved = report
            .with_untracked(|l| l.data().map(|d| calls_csv(&d.calls, tz.get_untracked(), &names.get_untracked())))
            .unwrap_or_else(|| Ok(String::new()))
            .map_err(|e| e.to_string())
            .and_then(|text| download::save(&file, ExportFormat::Csv.mime(), &text).map_err(|e| e.to_string()));
        export_problem.set(saved.err());
    };
    let failed_href = move || {
        let q = day_query(day.get(), tz.get())?.with_status(Some(StatusFilter::Failed));
        Some(View::Calls.href(&q))
    };
    let column_days = move || {
        let d = day.get();
        [
            d.format("%a %b %d").to_string(),
            format!("Previous day ({})", (d - Duration::days(1)).format("%a %b %d")),
            format!("A week earlier ({})", (d - Duration::days(7)).format("%a %b %d")),
        ]
    };

    // The hourly chart, drawn by the same registry as the analytics view.
    let analysis = Memo::new(move |_| report.with(|l| l.data().map(|d| d.report.clone())));
    let options = Memo::new(move |_| ChartOptions {
        tz: tz.get(),
        slo_ms: DEFAULT_TOTAL_SLO_MS,
    });
    let kind = ChartKind::Volume;
    let draw = Callback::new(move |r: DrawRequest| {
        let o = options.get();
        analysis.with(|a| a.as_ref().map(|a| r.draw(|root, style| kind.draw(root, &a.analysis, o, style))))
    });
    let summary = Signal::derive(move || {
        let o = options.get();
        analysis.with(|a| a.as_ref().map(|a| kind.summary(&a.analysis, o)).unwrap_or_default())
    });
    let table = Signal::derive(move || {
        let o = options.get();
        analysis.with(|a| a.as_ref().map(|a| kind.table(&a.analysis, o)).unwrap_or_default())
    });
    let tooltip = Callback::new(move |hit: Hit| {
        let o = options.get_untracked();
        analysis.with_untracked(|a| kind.tooltip(&a.as_ref()?.analysis, o, &hit))
    });
    let chart_file = Signal::derive(move || {
        day_query(day.get(), tz.get())
            .map(|q| file_name("day-by-hour", &q, ExportScope::All, ExportFormat::Csv, opened))
            .unwrap_or_default()
    });
    let trunk_table = move |r: &DailyReport| {
        let rows = r.trunk_rows();
        view! {
            <table class="report-table">
                <thead><tr>
                    <th scope="col">"Trunk"</th><th scope="col" class="num">"Calls"</th>
                    <th scope="col" class="num">"Connected"</th><th scope="col" class="num">"Failed"</th>
                    <th scope="col" class="num">"Mean AI latency"</th><th scope="col" class="num">"p95 total latency"</th>
                </tr></thead>
                <tbody>{rows.into_iter().map(|[name, calls, conn, failed, ai, p95]| view! {
                    <tr><td>{name}</td><td class="num">{calls}</td><td class="num">{conn}</td>
                        <td class="num">{failed}</td><td class="num">{ai}</td><td class="num">{p95}</td></tr>
                }).collect_view()}</tbody>
            </table>
        }
    };
    let failed_list = move |r: &DailyReport| {
        let zone = tz.get_untracked();
        let names = names.get_untracked();
        view! {
            <table class="report-table">
                <thead><tr>
                    <th scope="col">{format!("Started ({})", format::zone_label(zone))}</th><th scope="col">"Call"</th>
                    <th scope="col">"Trunk"</th><th scope="col">"From"</th><th scope="col">"To"</th>
                </tr></thead>
                <tbody>{r.failed.iter().map(|c| view! {
                    <tr><td class="nowrap">{format::instant(c.start_time, zone)}</td><td class="mono">{c.id.clone()}</td>
                        <td>{names.label(&c.trunk_id)}</td><td class="mono">{c.from.clone()}</td><td class="mono">{c.to.clone()}</td></tr>
                }).collect_view()}</tbody>
            </table>
        }
    };

    view! {
        <section class="report card" aria-labelledby="report-title">
            <header class="report-head">
                <h1 id="report-title">{move || format!("Daily report for {} ({})", day_text(), format::zone_label(tz.get()))}</h1>
                <div class="report-controls">
                    <label class="field">
                        <span>{move || format!("Day ({})", format::zone_label(tz.get()))}</span>
                        <input type="date" id="report-day" prop:value=day_text on:change=choose_day />
                    </label>
                    <button type="button" class="btn" on:click=print>"Print"</button>
                    <button type="button" class="btn" id="report-csv" on:click=export_day
                        disabled=move || report.with(|l| l.data().is_none())>"Export calls (CSV)"</button>
                </div>
            </header>
            {move || export_problem.get().map(|p| view! { <p class="banner banner-error" role="alert">{p}</p> })}
            <LoadBanners status=report.status() on_retry=move |_| report.retry() />
            {move || report.with(|l| l.is_running().then(|| {
                let p: Progress = l.progress().unwrap_or_default();
                view! { <p class="muted" role="status">{format!("Gathering {}…", p.text())}</p> }
            }))}
            {move || report.with(|l| l.data().cloned()).map(|d| {
                let r = d.report.clone();
                let [today, previous, week] = column_days();
                view! {
                    <h2>"The day in figures"</h2>
                    <table class="report-table report-figures">
                        <thead><tr><th scope="col">"Figure"</th><th scope="col" class="num">{today}</th>
                            <th scope="col" class="num">{previous}</th><th scope="col" class="num">{week}</th></tr></thead>
                        <tbody>{r.comparison_rows().into_iter().map(|[k, a, b, c]| view! {
                            <tr><th scope="row">{k}</th><td class="num">{a}</td><td class="num">{b}</td><td class="num">{c}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                    <p class="muted small">{format!(
                        "Over {} with the definitions of Telepath's daily-report example: shares of all calls, talk time summed over all calls, AI latency averaged over all calls.",
                        d.progress.text()
                    )}</p>
                    <h2>"Latency"</h2>
                    <p class="report-latency">{r.latency_line()}</p>
                }
            })}
            <div class="report-chart">
                <ChartPanel title="Calls by hour by outcome" name="report-hours" draw=draw
                    dark=Signal::derive(move || theme.is_dark())
                    summary=summary table=table tooltip=tooltip on_pick=|_: HitTarget| {} file_name=chart_file />
            </div>
            {move || report.with(|l| l.data().cloned()).map(|d| {
                let r = d.report.clone();
                view! {
                    <h2>"Trunks"</h2>
                    {trunk_table(&r)}
                    <h2>{format!("Failed calls ({})", format::thousands(r.failed_total()))}</h2>
                    {(r.failed_total() > r.failed.len() as u64).then(|| view! {
                        <p class="muted small">{format!("The first {} are listed.", r.failed.len())}</p>
                    })}
                    {failed_list(&r)}
                    {failed_href().map(|href| view! {
                        <p><a href=href class="report-link">"All failed calls of the day in the calls view"</a></p>
                    })}
                }
            })}
        </section>
    }
}
