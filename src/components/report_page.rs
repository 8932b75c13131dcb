//! The daily report (the vendor's third job) for a chosen day, ready to print.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_location;

use crate::api::{ApiError, CallQuery, DateRange};
use crate::app::AppState;
use crate::client::RequestSlot;
use crate::components::ErrorBanner;
use crate::format;
use crate::gather::{GatherOptions, Progress};
use crate::gatherer::{gather, Listeners, PageCache};
use crate::stats::Report;

#[derive(Clone, PartialEq)]
enum ReportState {
    Loading(Progress),
    Ready(Report, Progress),
    Failed(ApiError),
}

/// `report?day=YYYY-MM-DD[&tz=utc]`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let cache = use_context::<StoredValue<PageCache, LocalStorage>>()
        .unwrap_or_else(|| StoredValue::new_local(PageCache::default()));
    let location = use_location();
    let query = Memo::new(move |_| CallQuery::from_url_query(&location.search.get()));
    let today = move || format::instant_with(chrono::Utc::now(), query.with(|q| q.tz), "%Y-%m-%d");
    let day = Memo::new(move |_| {
        location
            .query
            .with(|q| q.get("day"))
            .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
    });
    let report = RwSignal::new(ReportState::Loading(Progress::default()));
    let retry = RwSignal::new(0u32);
    let slot = StoredValue::new_local(RequestSlot::default());
    let navigate = leptos_router::hooks::use_navigate();

    Effect::new(move |_| {
        retry.track();
        let tz = query.with(|q| q.tz);
        let day = day
            .get()
            .or_else(|| chrono::NaiveDate::parse_from_str(&today(), "%Y-%m-%d").ok());
        let (Some(client), Some(day)) = (state.client.get(), day) else {
            return;
        };
        let Some((start, end)) = format::day_bounds(day, tz) else {
            return;
        };
        let q = CallQuery {
            range: DateRange::Custom {
                start: Some(start),
                end: Some(end),
            },
            ..CallQuery::new()
        };
        let signal = slot.with_value(RequestSlot::begin);
        let cache = cache.get_value();
        report.set(ReportState::Loading(Progress::default()));
        spawn_local(async move {
            let now = chrono::Utc::now();
            let opts = GatherOptions {
                cap: u64::MAX,
                ..GatherOptions::default()
            };
            let progress = move |p: Progress| report.set(ReportState::Loading(p));
            let listen = Listeners {
                progress: &progress,
                ..Listeners::QUIET
            };
            match gather(&client, &q, now, opts, &cache, &signal, &listen).await {
                Ok(g) => report.set(ReportState::Ready(Report::from_calls(&g.calls), g.progress)),
                Err(ApiError::Aborted) => {}
                Err(e) => report.set(ReportState::Failed(e)),
            }
        });
    });
    on_cleanup(move || slot.with_value(RequestSlot::cancel));

    let day_text = move || {
        day.get()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(today)
    };
    let choose_day = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let mut params = query.get_untracked().to_url_query();
        if !params.is_empty() {
            params.insert(0, '&');
        }
        let path = location.pathname.get_untracked();
        navigate(
            &format!("{path}?day={value}{params}"),
            leptos_router::NavigateOptions {
                resolve: false,
                ..Default::default()
            },
        );
    };
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };

    view! {
        <section class="report card" aria-labelledby="report-title">
            <header class="report-head">
                <h1 id="report-title">{move || format!(
                    "Daily report for {} ({})",
                    day_text(),
                    format::zone_label(query.with(|q| q.tz)),
                )}</h1>
                <div class="report-controls">
                    <label class="field">
                        <span>{move || format!("Day ({})", format::zone_label(query.with(|q| q.tz)))}</span>
                        <input type="date" id="report-day" prop:value=day_text on:change=choose_day />
                    </label>
                    <button type="button" class="btn" on:click=print>"Print"</button>
                </div>
            </header>
            {move || match report.get() {
                ReportState::Loading(p) => view! {
                    <p class="muted" role="status">{format!("Gathering {}…", p.text())}</p>
                }.into_any(),
                ReportState::Failed(e) => view! { <ErrorBanner error=e on_retry=move |_| retry.update(|n| *n += 1) /> }.into_any(),
                ReportState::Ready(r, p) => view! {
                    <dl class="report-lines">
                        {r.rows().into_iter().map(|[k, v]| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                    <p class="muted small">{format!(
                        "Over {} with the definitions of Telepath's daily-report example: shares of all calls, talk time summed over all calls, AI latency averaged over all calls.",
                        p.text()
                    )}</p>
                }.into_any(),
            }}
        </section>
    }
}
