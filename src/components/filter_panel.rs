//! The filter bar with its data: per-status counts and the trunk list.

use std::collections::BTreeSet;

use futures::future::join_all;
use leptos::prelude::*;

use crate::api::{CallQuery, StatusFilter};
use crate::app::TrunkList;
use crate::components::FilterBar;
use crate::loader::{use_loader, LoaderOptions};
use crate::stats::StatusCounts;
use crate::table::trunk_choices;
use crate::view_clock::ViewClock;

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
    // Counts per status under the other filters: four one-row requests in parallel.
    // Keyed on what would be asked, not on the anchor: a status click re-anchors the
    // view, but with no relative range the counts' requests are the same, so they are
    // not sent again beside the rows. Refresh and Retry (`reload`) always refetch.
    let counts = use_loader(
        move || {
            // As of the live view's last refresh, when it is on: counts follow the list.
            let scope = query.with(|q| q.counts_scope().resolved(clock.as_of()));
            Some((scope, clock.reload.get(), clock.live_tick.get()))
        },
        |(scope, _, _), job| {
            // Resolved: presets are absolute already, so any instant gives the same query.
            let (scope, now) = (scope.clone(), chrono::DateTime::UNIX_EPOCH);
            Box::pin(async move {
                let variants: Vec<CallQuery> = std::iter::once(scope.clone())
                    .chain(
                        StatusFilter::ALL
                            .into_iter()
                            .map(|s| scope.with_status(Some(s))),
                    )
                    .collect();
                let requests = variants.iter().map(|v| {
                    job.client
                        .calls_window(v, now, 1, 0, &job.signal, job.notify())
                });
                let mut totals = Vec::with_capacity(variants.len());
                for result in join_all(requests).await {
                    totals.push(result?.pagination.total);
                }
                Ok(StatusCounts::from_totals(
                    totals[0],
                    [totals[1], totals[2], totals[3]],
                ))
            })
        },
        LoaderOptions::default(),
    );

    let trunk_list = expect_context::<TrunkList>();

    // A memo, so the trunk menu is rebuilt only when its choices change, not on every
    // page change.
    let selected_trunk = Memo::new(move |_| query.with(|q| q.trunk_id().map(str::to_owned)));
    let trunks = Memo::new(move |_| {
        let selected = selected_trunk.get();
        let names = trunk_list.names.get();
        trunk_list.listed.with(|listed| {
            seen_trunks.with(|seen| {
                let seen = seen.iter().map(String::as_str);
                trunk_choices(listed.as_deref().map(Vec::as_slice), seen, selected.as_deref(), &names)
            })
        })
    });
    // Counts of another scope are not shown while the new ones load ("…" instead).
    let shown_counts =
        Signal::derive(move || counts.with(|l| l.data().copied().filter(|_| l.is_current())));
    let counts_failed = Signal::derive(move || counts.with(|l| l.error().is_some()));

    view! {
        <FilterBar query=query counts=shown_counts counts_failed=counts_failed
            on_retry_counts=move |_| counts.retry()
            trunks=trunks on_change=on_change />
        {move || trunk_list.error.get().map(|e| view! {
            <p class="trunks-failed muted small" role="status">
                {format!("Trunk names could not be loaded, so trunks show their ids ({e}). ")}
                <button type="button" class="btn btn-link" on:click=move |_| trunk_list.retry.run(())>
                    "Retry"
                </button>
            </p>
        })}
    }
}
