//! The calls of the current filter whose number contains the digits searched for,
//! found by gathering the filter's set (progress, Cancel; the export cap, with the same
//! message past it), shown in the call table with "n matches in N calls searched".

use leptos::prelude::*;

use crate::api::{Call, CallId, CallQuery, PageSize};
use crate::app::{AppState, PhoneSearch};
use crate::client::SiteConfig;
use crate::components::{CallTable, DetailPanel, LoadBanners, Pager};
use crate::format;
use crate::gather::GatherOptions;
use crate::gatherer::{gather_all_or_count, Capped, PageCache};
use crate::load::Phase;
use crate::loader::{use_loader, LoaderOptions};
use crate::pager;
use crate::search;
use crate::view_clock::ViewClock;

/// What a number search found.
#[derive(Debug, Clone, PartialEq)]
enum Found {
    /// The matches, newest first, out of `searched` calls.
    Matches { calls: Vec<Call>, searched: u64 },
    /// The filter holds more calls than the cap: nothing was searched.
    TooMany { total: u64, cap: u64 },
}

/// The results of the number search, in place of the call list.
#[component]
pub fn SearchResults(
    /// The current view (its filters are searched).
    query: Memo<CallQuery>,
    /// Move to another view (opening a call).
    #[prop(into)]
    on_change: Callback<CallQuery>,
    /// The view's clock.
    clock: ViewClock,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let phone = expect_context::<PhoneSearch>();
    let cache = use_context::<StoredValue<PageCache, LocalStorage>>()
        .unwrap_or_else(|| StoredValue::new_local(PageCache::default()));
    let found = use_loader(
        move || {
            let digits = phone.0.get()?;
            Some((digits, query.with(|q| q.filters().clone()), clock.now.get()))
        },
        move |(digits, filters, now), job| {
            let q = CallQuery::new().with_filters(|f| *f = filters.clone()).frozen(*now);
            let (digits, now, cache) = (digits.clone(), *now, cache.get_value());
            let (cap, opts) = state.config.with_untracked(|c| {
                c.as_ref()
                    .map(|c| (c.export_cap, SiteConfig::gather_options(c)))
                    .unwrap_or((100_000, Default::default()))
            });
            Box::pin(async move {
                let ctx = job.gather_ctx(&cache, true);
                Ok(match gather_all_or_count(&ctx, &q, now, GatherOptions { cap, ..opts }).await? {
                    Capped::TooMany { total, cap } => Found::TooMany { total, cap },
                    Capped::All(g) => Found::Matches {
                        calls: search::matching(&g.calls, &digits).into_iter().cloned().collect(),
                        searched: g.calls.len() as u64,
                    },
                })
            })
        },
        LoaderOptions::default(),
    );

    let page = RwSignal::new(1u32);
    let size = RwSignal::new(PageSize::default());
    let matches = Memo::new(move |_| {
        found.with(|l| match l.data() {
            Some(Found::Matches { calls, .. }) => calls.clone(),
            _ => Vec::new(),
        })
    });
    let shown = Memo::new(move |_| {
        let (p, s) = (page.get(), size.get().get());
        matches.with(|m| pager::slice(m, p, s).to_vec())
    });
    let total = Signal::derive(move || matches.with(|m| m.len() as u64));
    // A finished search that found nothing says so instead of an empty table.
    let none_found = move || {
        found.with(|l| {
            !l.is_running()
                && matches!(l.data(), Some(Found::Matches { calls, .. }) if calls.is_empty())
        })
    };
    let tz = Memo::new(move |_| query.with(CallQuery::tz));
    let selected = Memo::new(move |_| query.with(|q| q.call().cloned()));
    let phase = Memo::new(move |_| found.phase());

    view! {
        <section class="search-results" aria-label="Search results">
            <div class="search-head">
                <h2 class="section-title">"Calls with this number"</h2>
                <button type="button" class="btn" on:click=move |_| phone.0.set(None)>"Clear search"</button>
            </div>
            <LoadBanners status=found.status() on_retry=move |_| found.retry() />
            {move || match phase.get() {
                Phase::Loading | Phase::RateLimited => {
                    let p = found.with(|l| l.progress().unwrap_or_default());
                    view! {
                        <div class="gather" role="status" aria-live="polite">
                            <div class="progress" role="progressbar" aria-label="Searching calls"
                                aria-valuemin="0" aria-valuemax=p.target.to_string() aria-valuenow=p.fetched.to_string()>
                                <span class="progress-fill" style:width=format::percent_width(p.fraction())></span>
                            </div>
                            <span class="gather-text">{format!("Searching {}", p.text())}</span>
                            <button type="button" class="btn" on:click=move |_| found.cancel()>"Cancel"</button>
                        </div>
                    }.into_any()
                }
                Phase::Cancelled => view! {
                    <p class="search-summary" role="status">"Search cancelled. "
                        <button type="button" class="btn btn-link" on:click=move |_| found.retry()>"Resume"</button>
                    </p>
                }.into_any(),
                _ => found.with(|l| match l.data() {
                    Some(Found::Matches { calls, searched }) => view! {
                        <p class="search-summary" role="status">{search::summary(calls.len(), *searched)}</p>
                    }.into_any(),
                    Some(Found::TooMany { total, cap }) => view! {
                        <p class="search-summary banner banner-warn" role="alert">{format!(
                            "This filter holds {}, more than the {} a search reads. Narrow the date range (or another filter) and search again.",
                            format::calls(*total),
                            format::thousands(*cap)
                        )}</p>
                    }.into_any(),
                    None => ().into_any(),
                }),
            }}
            <Show when=move || !none_found() fallback=|| view! {
                <div class="empty card">
                    <h2>"No calls with this number"</h2>
                    <p class="muted">"The search reads every call of the current filters: widen the date range or clear the filters to search more."</p>
                </div>
            }>
                <div class="rows">
                    <CallTable calls=shown tz=tz skeleton=Signal::derive(|| false)
                        on_select=move |c: Call| on_change.run(query.get_untracked().with_call(CallId::new(&c.id))) />
                </div>
                <Pager total=total shown=Signal::derive(move || shown.with(|s| s.len() as u64)) page=page page_size=size
                    on_page=move |p| page.set(p)
                    on_size=move |s| { size.set(s); page.set(1); } />
            </Show>
            {move || selected.get().map(|id| {
                let row = matches.with_untracked(|m| m.iter().find(|c| c.id == id.as_str()).cloned());
                view! { <DetailPanel id=id row=row tz=tz
                    on_close=move |_| on_change.run(query.get_untracked().with_call(None)) /> }
            })}
        </section>
    }
}
