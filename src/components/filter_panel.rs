//! The filter bar with its data: per-status counts and the trunk list.

use std::collections::BTreeSet;

use futures::future::join_all;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{CallQuery, StatusFilter, Trunk};
use crate::app::AppState;
use crate::client::RequestSlot;
use crate::components::filter_bar::StatusCounts;
use crate::components::{FilterBar, ViewClock};
use crate::table::trunk_choices;

/// The filters, fed by four one-row count requests and `GET /v1/trunks`.
#[component]
pub fn FilterPanel(
    /// The current view.
    query: Memo<CallQuery>,
    /// Apply a new view.
    #[prop(into)]
    on_change: Callback<CallQuery>,
    /// The view's clock.
    clock: ViewClock,
    /// Trunks seen in calls so far (the fallback where `/v1/trunks` is missing).
    #[prop(into)]
    seen_trunks: Signal<BTreeSet<String>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let counts = RwSignal::new(StatusCounts::default());
    let listed_trunks = RwSignal::new(None::<Vec<Trunk>>);
    let count_slot = StoredValue::new_local(RequestSlot::default());
    let trunk_slot = StoredValue::new_local(RequestSlot::default());

    // Counts per status under the other filters: four one-row requests in parallel.
    let count_query = Memo::new(move |_| query.with(CallQuery::counts_scope));
    // Keyed on what would be asked, not on the anchor: a status click re-anchors the
    // view, but with no relative range the counts' requests are the same, so they are
    // not sent again beside the rows. Refresh and Retry (`reload`) always refetch.
    let count_key = Memo::new(move |_| {
        let asked = count_query.with(|q| q.api_query(clock.now.get()));
        (asked, clock.reload.get())
    });
    Effect::new(move |_| {
        count_key.with(|_| ());
        let q = count_query.get_untracked();
        let now = clock.now.get_untracked();
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

    // The account's trunks, once per connection; an error or 404 falls back to trunks seen.
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
        count_slot.with_value(RequestSlot::cancel);
        trunk_slot.with_value(RequestSlot::cancel);
    });

    // A memo, so the trunk menu is rebuilt only when its choices change, not on every
    // page change.
    let selected_trunk = Memo::new(move |_| query.with(|q| q.trunk_id.clone()));
    let trunks = Memo::new(move |_| {
        let selected = selected_trunk.get();
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

    view! { <FilterBar query=query counts=counts trunks=trunks on_change=on_change /> }
}
