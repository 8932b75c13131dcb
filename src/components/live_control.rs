//! The live control: Off / 15 s / 30 s / 1 min / 5 min, kept in the URL, and what the
//! live view is doing: when it last succeeded, paused while the tab is hidden or the
//! browser offline, or waiting after a failure.

use leptos::prelude::*;

use crate::api::CallQuery;
use crate::format;
use crate::live::LiveInterval;
use crate::use_live::LiveStatus;

/// The live control of a view.
#[component]
pub fn LiveControl(
    /// The view (its `live=` setting).
    query: Memo<CallQuery>,
    /// Moves to another view.
    #[prop(into)]
    on_change: Callback<CallQuery>,
    /// What the live loop reports.
    #[prop(into)]
    status: Signal<LiveStatus>,
) -> impl IntoView {
    let interval = Memo::new(move |_| query.with(CallQuery::live));
    let text = move || {
        if interval.get() == LiveInterval::Off {
            return String::new();
        }
        let zone = query.with(CallQuery::tz);
        status.with(|s| {
            let last = s.last_success_ms.map(|ms| {
                let t = chrono::DateTime::from_timestamp_millis(ms as i64).unwrap_or_default();
                format!("updated {}", format::instant_with(t, zone, "%H:%M:%S"))
            });
            let last = last.unwrap_or_else(|| "waiting for the first update".to_owned());
            if s.paused.offline {
                format!("Paused while offline; {last}.")
            } else if s.paused.hidden {
                format!("Paused while the tab is hidden; {last}.")
            } else if let Some((e, next)) = &s.problem {
                let when = next.map(|ms| {
                    let t = chrono::DateTime::from_timestamp_millis(ms as i64).unwrap_or_default();
                    format!(" Trying again at {}.", format::instant_with(t, zone, "%H:%M:%S"))
                });
                format!("{e} Live {last}.{}", when.unwrap_or_default())
            } else {
                format!("Live, {last}.")
            }
        })
    };
    view! {
        <div class="live-control">
            <label class="field-inline">
                <span>"Live"</span>
                <select id="live" on:change=move |ev| {
                    let chosen = LiveInterval::parse(&event_target_value(&ev)).unwrap_or_default();
                    on_change.run(query.get_untracked().with_live(chosen));
                }>
                    {LiveInterval::ALL.into_iter().map(|i| view! {
                        <option value=i.as_str() selected=move || interval.get() == i>{i.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <span class="live-status" role="status" aria-live="polite">{text}</span>
        </div>
    }
}
