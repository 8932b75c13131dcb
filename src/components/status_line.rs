//! The line under the filters: loading indicator, the view's "as of" time, Refresh.

use leptos::prelude::*;

use crate::api::CallQuery;
use crate::components::ViewClock;
use crate::format;

/// Loading state and the anchor time, with a Refresh button.
#[component]
pub fn StatusLine(query: Memo<CallQuery>, clock: ViewClock, busy: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="status-line">
            <span class="loading-indicator" role="status" aria-live="polite">
                {move || busy.get().then_some("Loading…")}
            </span>
            <span class="as-of muted">
                {move || format!(
                    "As of {} {}",
                    format::instant_with(clock.now.get(), query.with(|q| q.tz), "%H:%M:%S"),
                    format::zone_label(query.with(|q| q.tz)),
                )}
            </span>
            <button type="button" class="btn btn-ghost" on:click=move |_| clock.refresh()>
                "Refresh"
            </button>
        </div>
    }
}
