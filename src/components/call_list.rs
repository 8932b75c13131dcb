//! The call list: a page of calls with its pager, banners and detail panel.
//!
//! The page request is started by an effect, not a `LocalResource`, so that the list
//! owns a [`RequestSlot`]: a newer selection aborts the older request on the wire, and
//! a result arriving for an aborted request is dropped. The rows on screen change only
//! when the new page has arrived (no blank flash while the next page loads).

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiError, Call, CallQuery, CallsPage};
use crate::app::AppState;
use crate::client::{Client, RequestSlot, RetryNotice};
use crate::components::{CallTable, DetailPanel, ErrorBanner, Pager, RetryBanner, ViewClock};
use crate::perf;
use crate::url_state::UrlWriter;

/// A page request in flight.
type PageRequest = Pin<Box<dyn Future<Output = Result<CallsPage, ApiError>>>>;

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

/// The list of calls for `query`.
#[component]
pub fn CallList(
    /// The current view.
    query: Memo<CallQuery>,
    /// Move to another view (pager, "clear filters").
    #[prop(into)]
    on_change: Callback<CallQuery>,
    /// The view's clock.
    clock: ViewClock,
    /// Receives every trunk seen in calls (feeds the trunk filter's fallback).
    seen_trunks: RwSignal<BTreeSet<String>>,
    /// Set while a page request is in flight.
    busy: RwSignal<bool>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let list = RwSignal::new(ListState::default());
    let retry_notice = RwSignal::new(None::<RetryNotice>);
    let selected = RwSignal::new(None::<Call>);
    // The row that opened the detail panel gets the focus back when it closes.
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let open = move |c: Call| {
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
        opener.set_value(active);
        selected.set(Some(c));
    };
    let close = move || {
        selected.set(None);
        if let Some(el) = opener.get_value() {
            let _ = el.focus();
        }
    };
    let slot = StoredValue::new_local(RequestSlot::default());
    // The page's URL writer: the view asked for goes to the URL once it is on screen.
    let url_writer = use_context::<UrlWriter>();
    let send = move |client: &Client, q: &CallQuery, now: DateTime<Utc>| -> PageRequest {
        let signal = slot.with_value(RequestSlot::begin);
        perf::start("dashboard:rows");
        perf::start("dashboard:rows-fetch");
        Box::pin(client.calls(q, now, signal, move |n| {
            let _ = retry_notice.try_set(n);
        }))
    };
    // The first page is asked for now, while the rest of the view is still being built
    // (tens of milliseconds on a cold start): the effect's first run takes the request
    // and adopts it if it still wants the same page; later runs find it gone.
    let early = StoredValue::new_local(state.client.get_untracked().map(|client| {
        let (q, now) = (query.get_untracked(), clock.now.get_untracked());
        let request = send(&client, &q, now);
        (q, now, request)
    }));

    Effect::new(move |_| {
        let q = query.get();
        let now = clock.now.get();
        let early = early.try_update_value(Option::take).flatten();
        let Some(client) = state.client.get() else {
            return;
        };
        // A superseded request's retry notice goes with it: the aborted request itself
        // never notifies again.
        retry_notice.set(None);
        // The request leaves here, before the re-render this change causes (`send`
        // aborts the early request if it is not the one wanted).
        let request = match early {
            Some((eq, enow, request)) if eq == q && enow == now => request,
            _ => send(&client, &q, now),
        };
        spawn_local(async move {
            let result = request.await;
            perf::measure("dashboard:rows-fetch");
            if !matches!(result, Err(ApiError::Aborted)) {
                if let Some(w) = url_writer {
                    w.write_soon();
                }
            }
            match result {
                Err(ApiError::Aborted) => return,
                Ok(page) => {
                    // Only a new trunk changes the trunk filter's choices.
                    let new_trunk = seen_trunks.with_untracked(|seen| {
                        page.calls.iter().any(|c| !seen.contains(&c.trunk_id))
                    });
                    if new_trunk {
                        seen_trunks.update(|seen| {
                            seen.extend(page.calls.iter().map(|c| c.trunk_id.clone()));
                        });
                    }
                    list.set(ListState {
                        shown: Some((q, page)),
                        loading: false,
                        error: None,
                    });
                    perf::measure_after_paint("dashboard:rows");
                }
                Err(e) => {
                    if let ApiError::Unauthorized { message } = &e {
                        state.key_rejected(message.clone());
                    }
                    list.update(|s| {
                        s.loading = false;
                        s.error = Some(e);
                    });
                }
            }
            busy.set(false);
        });
        list.update(|s| {
            s.loading = true;
            s.error = None;
        });
        busy.set(true);
    });
    on_cleanup(move || slot.with_value(RequestSlot::cancel));

    // Memos, not derived signals: a new query must not re-render the table, the pager
    // or the page-size menu until something they show has changed (a page change would
    // otherwise rebuild them twice, once when asked and once when the rows arrive).
    let page_of = move |f: fn(&CallsPage) -> u64| {
        Memo::new(move |_| list.with(|s| s.shown.as_ref().map(|(_, p)| f(p)).unwrap_or(0)))
    };
    let calls = Memo::new(move |_| {
        list.with(|s| {
            s.shown
                .as_ref()
                .map(|(_, p)| p.calls.clone())
                .unwrap_or_default()
        })
    });
    let total = page_of(|p| p.pagination.total);
    let shown = page_of(|p| p.calls.len() as u64);
    // The pager shows the page of the rows on screen, not the one being fetched.
    let shown_page = Memo::new(move |_| {
        list.with(|s| s.shown.as_ref().map(|(q, _)| q.page))
            .unwrap_or_else(|| query.with(|q| q.page))
    });
    let page_size = Memo::new(move |_| query.with(|q| q.page_size));
    let tz = Memo::new(move |_| query.with(|q| q.tz));
    let first_load = Memo::new(move |_| list.with(|s| s.shown.is_none() && s.error.is_none()));
    // After a failed change, the rows on screen are the previous view's: they stay (a
    // blank page loses what the user was reading) but are greyed and said to be old,
    // so they are not read as the answer to the filter now pressed.
    let stale = Memo::new(move |_| {
        list.with(|s| {
            s.error.is_some()
                && s.shown
                    .as_ref()
                    .is_some_and(|(shown, _)| query.with(|q| q != shown))
        })
    });
    let empty = move || {
        list.with(|s| !s.loading && s.shown.as_ref().is_some_and(|(_, p)| p.calls.is_empty()))
    };

    view! {
        {move || retry_notice.get().map(|n| view! { <RetryBanner notice=n /> })}
        {move || list.with(|s| s.error.clone()).map(|e| view! {
            <ErrorBanner error=e on_retry=move |_| clock.refresh() />
        })}
        <Show when=move || stale.get()>
            <p class="stale-note rows-note">"The rows below are the previous view's, kept until this one loads."</p>
        </Show>
        <Show when=move || !empty() fallback=move || view! {
            <div class="empty card">
                <h2>"No calls match these filters"</h2>
                <p class="muted">"Widen the date range or clear the filters."</p>
                <button type="button" class="btn btn-primary"
                    disabled=move || !query.with(CallQuery::has_filters)
                    on:click=move |_| on_change.run(query.get_untracked().cleared())>
                    "Clear filters"
                </button>
            </div>
        }>
            <div class="rows" class:stale=move || stale.get()>
                <CallTable calls=calls tz=tz skeleton=first_load
                    on_select=open />
            </div>
        </Show>
        <Pager total=total shown=shown page=shown_page page_size=page_size
            on_page=move |p| on_change.run(query.get_untracked().with_page(p))
            on_size=move |size| on_change.run(query.get_untracked().with_filters(|q| q.page_size = size)) />
        {move || selected.get().map(|c| view! {
            <DetailPanel call=c tz=tz on_close=move |_| close() />
        })}
    }
}
