//! The line under the filters: loading indicator, the view's "as of" time, Refresh.

use leptos::prelude::*;

use crate::api::CallQuery;
use crate::format;
use crate::view_clock::ViewClock;

/// How long a load runs before it is shown: most page changes end sooner, and then
/// nothing flashes and the browser paints no extra frame while the request is out.
const SHOW_LOADING_AFTER_MS: u32 = 250;

/// `busy`, but true only once it has lasted [`SHOW_LOADING_AFTER_MS`]: what the screen
/// shows (the "Loading…" line, dimmed rows). `busy` itself goes to `aria-busy`, which
/// no style reads, so marking it costs no restyle.
pub fn visible_busy(busy: RwSignal<bool>) -> Signal<bool> {
    let shown = RwSignal::new(false);
    let timer = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    Effect::new(move |_| {
        if busy.get() {
            if timer.with_value(Option::is_none) {
                let show = move || {
                    let _ = shown.try_set(true);
                };
                let t = gloo_timers::callback::Timeout::new(SHOW_LOADING_AFTER_MS, show);
                timer.set_value(Some(t));
            }
        } else {
            // Dropping the timer cancels it.
            timer.set_value(None);
            shown.set(false);
        }
    });
    shown.into()
}

/// Loading state and the anchor time, with a Refresh button.
#[component]
pub fn StatusLine(query: Memo<CallQuery>, clock: ViewClock, busy: Signal<bool>) -> impl IntoView {
    view! {
        <div class="status-line">
            <span class="loading-indicator" role="status" aria-live="polite">
                {move || busy.get().then_some("Loading…")}
            </span>
            <span class="as-of muted">
                {move || format!(
                    "As of {} {}",
                    format::instant_with(clock.as_of(), query.with(CallQuery::tz), "%H:%M:%S"),
                    format::zone_label(query.with(CallQuery::tz)),
                )}
            </span>
            <button type="button" class="btn btn-ghost" on:click=move |_| clock.refresh()>
                "Refresh"
            </button>
        </div>
    }
}
