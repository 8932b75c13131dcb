//! The calls view: filters, the table, the pager and the detail panel, and the
//! requests that feed them.
//!
//! Requests are started by effects, not `LocalResource`s, so that each view owns a
//! [`RequestSlot`]: a newer selection aborts the older request on the wire, and a
//! result that arrives for an aborted request is dropped. The rows on screen change
//! only when the new page has arrived (no blank flash while the next page loads).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use futures::future::join_all;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiError, Call, CallQuery, CallsPage, StatusFilter, Trunk};
use crate::app::AppState;
use crate::client::{RequestSlot, RetryNotice};
use crate::components::filter_bar::StatusCounts;
use crate::components::{CallTable, DetailPanel, ErrorBanner, FilterBar, Pager, RetryBanner};
use crate::format;
use crate::table::trunk_choices;
use crate::url_state::use_call_query;

/// What the list shows and what it is waiting for.
#[derive(Clone, Default, PartialEq)]
struct ListState {
    /// The last page that arrived, and the view it belongs to.
    shown: Option<(CallQuery, CallsPage)>,
    /// A request is in flight.
    loading: bool,
    /// The last request failed.
    error: Option<ApiError>,
}

/// The calls view.
#[component]
pub fn CallsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (query, set_query) = use_call_query();
    let list = RwSignal::new(ListState::default());
    let retry_notice = RwSignal::new(None::<RetryNotice>);
    let reload = RwSignal::new(0u32);
    let counts = RwSignal::new(StatusCounts::default());
    let listed_trunks = RwSignal::new(None::<Vec<Trunk>>);
    let seen_trunks = RwSignal::new(BTreeSet::<String>::new());
    let selected = RwSignal::new(None::<Call>);
    let list_slot = StoredValue::new_local(RequestSlot::default());
    let count_slot = StoredValue::new_local(RequestSlot::default());
    let trunk_slot = StoredValue::new_local(RequestSlot::default());

    // Presets ("last 24 h") are anchored when the filters change or the user refreshes,
    // so paging through them neither skips nor repeats calls as time passes.
    let filters = Memo::new(move |_| query.with(|q| (q.status, q.trunk_id.clone(), q.range)));
    let anchor = Memo::new(move |_| {
        filters.track();
        reload.track();
        Utc::now()
    });

    let fail = move |e: ApiError| {
        if let ApiError::Unauthorized { message } = &e {
            state.key_rejected(message.clone());
        }
        e
    };

    // The page of calls.
    Effect::new(move |_| {
        let q = query.get();
        let now: DateTime<Utc> = anchor.get();
        let Some(client) = state.client.get() else {
            return;
        };
        let signal = list_slot.with_value(RequestSlot::begin);
        list.update(|s| {
            s.loading = true;
            s.error = None;
        });
        spawn_local(async move {
            let notify = move |n: Option<RetryNotice>| retry_notice.set(n);
            let result = client.calls(&q, now, &signal, &notify).await;
            match result {
                Err(ApiError::Aborted) => {}
                Ok(page) => {
                    seen_trunks.update(|seen| {
                        for c in &page.calls {
                            if !seen.contains(&c.trunk_id) {
                                seen.insert(c.trunk_id.clone());
                            }
                        }
                    });
                    list.set(ListState {
                        shown: Some((q, page)),
                        loading: false,
                        error: None,
                    });
                }
                Err(e) => {
                    let e = fail(e);
                    list.update(|s| {
                        s.loading = false;
                        s.error = Some(e);
                    });
                }
            }
        });
    });

    // Counts per status under the other filters: four one-row requests in parallel.
    Effect::new(move |_| {
        let q = query.with(CallQuery::without_status).with_page(1);
        let now = anchor.get();
        let Some(client) = state.client.get() else {
            return;
        };
        let signal = count_slot.with_value(RequestSlot::begin);
        counts.set(StatusCounts::default());
        spawn_local(async move {
            let variants: Vec<CallQuery> = std::iter::once(q.clone())
                .chain(StatusFilter::ALL.into_iter().map(|s| CallQuery {
                    status: Some(s),
                    ..q.clone()
                }))
                .collect();
            let requests = variants
                .iter()
                .map(|v| client.calls_window(v, now, 1, 0, &signal, &|_| {}));
            let results = join_all(requests).await;
            if signal.aborted() {
                return;
            }
            let mut c = StatusCounts::default();
            for (slot, r) in c.iter_mut().zip(results) {
                *slot = r.ok().map(|p| p.pagination.total);
            }
            counts.set(c);
        });
    });

    // The account's trunks, once per connection; a 404 falls back to trunks seen.
    Effect::new(move |_| {
        let Some(client) = state.client.get() else {
            return;
        };
        let signal = trunk_slot.with_value(RequestSlot::begin);
        spawn_local(async move {
            match client.trunks(&signal, &|_| {}).await {
                Ok(page) => listed_trunks.set(Some(page.trunks)),
                Err(_) => listed_trunks.set(None),
            }
        });
    });
    on_cleanup(move || {
        for slot in [list_slot, count_slot, trunk_slot] {
            slot.with_value(RequestSlot::cancel);
        }
    });

    let trunks = Signal::derive(move || {
        let selected = query.with(|q| q.trunk_id.clone());
        listed_trunks.with(|listed| {
            seen_trunks.with(|seen| {
                trunk_choices(
                    listed.as_deref(),
                    seen.iter().map(String::as_str),
                    selected.as_deref(),
                )
            })
        })
    });

    let calls = Signal::derive(move || {
        list.with(|s| {
            s.shown
                .as_ref()
                .map(|(_, p)| p.calls.clone())
                .unwrap_or_default()
        })
    });
    let total = Signal::derive(move || {
        list.with(|s| {
            s.shown
                .as_ref()
                .map(|(_, p)| p.pagination.total)
                .unwrap_or(0)
        })
    });
    let shown = Signal::derive(move || {
        list.with(|s| {
            s.shown
                .as_ref()
                .map(|(_, p)| p.calls.len() as u64)
                .unwrap_or(0)
        })
    });
    // The pager shows the page of the rows on screen, not the one being fetched.
    let shown_page = Signal::derive(move || {
        list.with(|s| s.shown.as_ref().map(|(q, _)| q.page))
            .unwrap_or_else(|| query.with(|q| q.page))
    });
    let page_size = Signal::derive(move || query.with(|q| q.page_size));
    let tz = Signal::derive(move || query.with(|q| q.tz));
    let first_load = Signal::derive(move || list.with(|s| s.shown.is_none() && s.error.is_none()));
    let empty = move || {
        list.with(|s| s.shown.as_ref().is_some_and(|(_, p)| p.calls.is_empty()) && !s.loading)
    };

    view! {
        <div class="calls-page" class:busy=move || list.with(|s| s.loading)>
            <FilterBar query=query counts=counts trunks=trunks on_change=set_query />
            <div class="status-line">
                <span class="loading-indicator" role="status" aria-live="polite">
                    {move || list.with(|s| s.loading).then_some("Loading…")}
                </span>
                <span class="as-of muted">
                    {move || format!("As of {}", format::instant_with(anchor.get(), tz.get(), "%H:%M:%S"))}
                </span>
                <button type="button" class="btn btn-ghost" on:click=move |_| reload.update(|n| *n += 1)>
                    "Refresh"
                </button>
            </div>
            {move || retry_notice.get().map(|n| view! { <RetryBanner notice=n /> })}
            {move || list.with(|s| s.error.clone()).map(|e| view! {
                <ErrorBanner error=e on_retry=move |_| reload.update(|n| *n += 1) />
            })}
            <Show when=move || !empty() fallback=move || view! {
                <div class="empty card">
                    <h2>"No calls match these filters"</h2>
                    <p class="muted">"Widen the date range or clear the filters."</p>
                    <button type="button" class="btn btn-primary"
                        disabled=move || !query.with(CallQuery::has_filters)
                        on:click=move |_| set_query.run(query.get_untracked().cleared())>
                        "Clear filters"
                    </button>
                </div>
            }>
                <CallTable calls=calls tz=tz skeleton=first_load
                    on_select=move |c| selected.set(Some(c)) />
            </Show>
            <Pager total=total shown=shown page=shown_page page_size=page_size
                on_page=move |p| set_query.run(query.get_untracked().with_page(p))
                on_size=move |size| set_query.run(query.get_untracked().with_filters(|q| q.page_size = size)) />
            {move || selected.get().map(|c| view! {
                <DetailPanel call=c tz=tz on_close=move |_| selected.set(None) />
            })}
        </div>
    }
}
