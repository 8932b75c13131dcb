//! The call list: a page of calls with its pager, banners and detail panel.
//!
//! The page comes through the loader ([`use_loader`]): a newer selection aborts the
//! older request on the wire, the rows on screen change only when the new page has
//! arrived (no blank flash while the next page loads), and after a failed change the
//! rows kept are greyed and said to be the previous view's.

use std::collections::BTreeSet;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::api::{Call, CallId, CallQuery, CallsPage, PageSize};
use crate::components::{CallTable, DetailPanel, ExportMenu, LiveControl, LoadBanners, Pager};
use crate::live::{pill_text, LiveInterval};
use crate::live_list::{list_page, use_live_list};
use crate::loader::{use_loader, LoaderOptions};
use crate::perf;
use crate::url_state::UrlWriter;
use crate::view_clock::ViewClock;

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
    /// The page shows the live control itself (the analytics view, above its figures).
    #[prop(optional)]
    live_control_above: bool,
) -> impl IntoView {
    // The open detail panel is in the URL (`call=`), so a link to one call can be
    // shared and reloaded. The row that opened it gets the focus back when it closes.
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let open = move |c: Call| {
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
        opener.set_value(active);
        on_change.run(query.get_untracked().with_call(CallId::new(&c.id)));
    };
    let close = move || {
        on_change.run(query.get_untracked().with_call(None));
        if let Some(el) = opener.get_value() {
            let _ = el.focus();
        }
    };
    // The page's URL writer: the view asked for goes to the URL once it is on screen.
    let url_writer = use_context::<UrlWriter>();
    let on_result = move |_: &(CallQuery, DateTime<Utc>), result: &Result<CallsPage, _>| {
        perf::measure("dashboard:rows-fetch");
        if let Some(w) = url_writer {
            w.write_soon();
        }
        if let Ok(page) = result {
            // Only a new trunk changes the trunk filter's choices.
            let new_trunk = seen_trunks
                .try_with_untracked(|seen| page.calls.iter().any(|c| !seen.contains(&c.trunk_id)))
                .unwrap_or(false);
            if new_trunk {
                seen_trunks.update(|seen| {
                    seen.extend(page.calls.iter().map(|c| c.trunk_id.clone()));
                });
            }
            perf::measure_after_paint("dashboard:rows");
            // Rows are on screen: the other views' code can come now (see `parts`).
            crate::parts::prefetch_views_when_idle();
        }
    };
    let list = use_loader(
        // The open detail panel is no part of what the list asks for.
        move || {
            let q = query.with(|q| q.with_call(None).with_live(LiveInterval::Off));
            Some((q, clock.now.get()))
        },
        |(q, now), job| {
            perf::start("dashboard:rows");
            perf::start("dashboard:rows-fetch");
            Box::pin(
                job.client
                    .calls(q, *now, job.signal.clone(), job.notifier()),
            )
        },
        LoaderOptions {
            busy: Some(busy),
            on_result: Some(Rc::new(on_result)),
        },
    );

    // Memos, not derived signals: a new query must not re-render the table, the pager
    // or the page-size menu until something they show has changed (a page change would
    // otherwise rebuild them twice, once when asked and once when the rows arrive).
    let page_of = move |f: fn(&CallsPage) -> u64| {
        Memo::new(move |_| list.with(|l| l.data().map(f).unwrap_or(0)))
    };
    // The live view (page 1 only) merges new calls into the page on screen.
    let to_page_one = Callback::new(move |()| {
        on_change.run(query.get_untracked().with_page(1));
        clock.refresh();
    });
    let live = use_live_list(query, clock, list_page(list), to_page_one);
    let calls = Memo::new(move |_| {
        let size = query.with(|q| q.page_size().get() as usize);
        live.calls
            .with(|l| l.as_ref().map(|l| l.shown().iter().take(size).cloned().collect::<Vec<_>>()))
            .or_else(|| list.with(|l| l.data().map(|p| p.calls.clone())))
            .unwrap_or_default()
    });
    let base_total = page_of(|p| p.pagination.total);
    let total = Memo::new(move |_| base_total.get() + live.added.get());
    let shown = Memo::new(move |_| calls.with(|c| c.len() as u64));
    // The pager shows the page of the rows on screen, not the one being fetched.
    let shown_page = Memo::new(move |_| {
        list.with(|l| l.shown_key().map(|(q, _)| q.page()))
            .unwrap_or_else(|| query.with(CallQuery::page))
    });
    let page_size = Memo::new(move |_| query.with(CallQuery::page_size));
    let tz = Memo::new(move |_| query.with(CallQuery::tz));
    let first_load = Memo::new(move |_| list.with(|l| l.data().is_none() && l.error().is_none()));
    let status = list.status();
    let stale = Memo::new(move |_| status.with(|s| s.stale));
    let empty =
        move || list.with(|l| !l.is_running() && l.data().is_some_and(|p| p.calls.is_empty()));

    // The panel shows the row's fields at once when the call is on screen; a shared
    // link or a search names a call by id alone, and the panel reads it.
    let selected = Memo::new(move |_| query.with(|q| q.call().cloned()));

    view! {
        {(!live_control_above).then(|| view! { <LiveControl query=query on_change=on_change status=live.status /> })}
        {move || (live.pending.get() > 0).then(|| view! {
            <button type="button" class="btn live-pill" on:click=move |_| live.show()>
                {pill_text(live.pending.get() as usize)}
            </button>
        })}
        <ExportMenu query=query now=clock.now page_calls=calls />
        <LoadBanners status=status on_retry=move |_| clock.refresh()
            stale_note="The rows below are the previous view's, kept until this one loads."
            stale_class="rows-note" />
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
            <div class="rows" class:stale=move || stale.get()
                on:pointerenter=move |_| live.pointer_over.set(true)
                on:pointerleave=move |_| live.pointer_over.set(false)>
                <CallTable calls=calls tz=tz skeleton=first_load fresh=live.fresh
                    on_select=open />
            </div>
        </Show>
        <Pager total=total shown=shown page=shown_page page_size=page_size
            on_page=move |p| on_change.run(query.get_untracked().with_page(p))
            on_size=move |size: PageSize| on_change.run(query.get_untracked().with_page_size(size)) />
        {move || selected.get().map(|id| {
            let row = calls.with_untracked(|c| c.iter().find(|c| c.id == id.as_str()).cloned());
            view! { <DetailPanel id=id row=row tz=tz on_close=move |_| close() /> }
        })}
    }
}
