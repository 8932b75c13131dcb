//! The daily report (the vendor's third job) for a chosen day, ready to print.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{CallQuery, DateRange};
use crate::components::LoadBanners;
use crate::format;
use crate::gather::{GatherOptions, Progress};
use crate::gatherer::{gather, Listeners, PageCache};
use crate::loader::{use_loader, LoaderOptions};
use crate::navigation;
use crate::stats::Report;
use crate::url_state::use_report_query;
use crate::view_clock;

/// `report?day=YYYY-MM-DD[&tz=utc]`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let cache = use_context::<StoredValue<PageCache, LocalStorage>>()
        .unwrap_or_else(|| StoredValue::new_local(PageCache::default()));
    let query = use_report_query();
    // "Today" is read once per view of the page, like every view's clock.
    let opened = view_clock::now();
    let day = Memo::new(move |_| query.with(|q| q.day_or_today(opened)));
    let tz = Memo::new(move |_| query.with(|q| q.tz));
    let navigate = use_navigate();

    let report = use_loader(
        move || Some((day.get(), tz.get())),
        move |(day, tz), job| {
            let bounds = format::day_bounds(*day, *tz);
            let cache = cache.get_value();
            Box::pin(async move {
                let (start, end) = bounds.ok_or_else(|| crate::api::ApiError::BadRequest {
                    status: 400,
                    code: "INVALID_DAY".to_owned(),
                    message: "that day does not exist in this time zone".to_owned(),
                })?;
                let q = CallQuery::new().with_range(DateRange::Custom {
                    start: Some(start),
                    end: Some(end),
                });
                let opts = GatherOptions {
                    cap: u64::MAX,
                    ..GatherOptions::default()
                };
                let listen = Listeners {
                    progress: job.progress(),
                    notify: job.notify(),
                    ..Listeners::QUIET
                };
                let g = gather(&job.client, &q, end, opts, &cache, &job.signal, &listen).await?;
                Ok((Report::from_calls(&g.calls), g.progress))
            })
        },
        LoaderOptions::default(),
    );

    let day_text = move || day.get().format("%Y-%m-%d").to_string();
    let choose_day = move |ev: leptos::ev::Event| {
        let next = query
            .get_untracked()
            .with_day_text(&event_target_value(&ev));
        navigate(
            &navigation::resolve(&next.href()),
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
                    format::zone_label(tz.get()),
                )}</h1>
                <div class="report-controls">
                    <label class="field">
                        <span>{move || format!("Day ({})", format::zone_label(tz.get()))}</span>
                        <input type="date" id="report-day" prop:value=day_text on:change=choose_day />
                    </label>
                    <button type="button" class="btn" on:click=print>"Print"</button>
                </div>
            </header>
            <LoadBanners status=report.status() on_retry=move |_| report.retry() />
            {move || report.with(|l| match (l.is_running(), l.data()) {
                (true, _) => {
                    let p: Progress = l.progress().unwrap_or_default();
                    view! { <p class="muted" role="status">{format!("Gathering {}…", p.text())}</p> }.into_any()
                }
                (false, Some((r, p))) => view! {
                    <dl class="report-lines">
                        {r.rows().into_iter().map(|[k, v]| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                    <p class="muted small">{format!(
                        "Over {} with the definitions of Telepath's daily-report example: shares of all calls, talk time summed over all calls, AI latency averaged over all calls.",
                        p.text()
                    )}</p>
                }.into_any(),
                (false, None) => ().into_any(),
            })}
        </section>
    }
}
