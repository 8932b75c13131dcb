//! Filters: status with counts, trunk, date range (presets and custom), time zone.
//!
//! Every change builds a new [`CallQuery`] with `with_filters` (back to page 1) and
//! hands it to `on_change`; the URL is the only state.

use leptos::prelude::*;

use crate::api::{CallQuery, DateRange, Filters, Preset, StatusFilter, TimeZoneMode, TrunkId};
use crate::format;
use crate::stats::StatusCounts;

/// The filter bar above the call table.
#[component]
pub fn FilterBar(
    /// The current view.
    #[prop(into)]
    query: Signal<CallQuery>,
    /// Calls per status under the other filters, once known.
    #[prop(into)]
    counts: Signal<Option<StatusCounts>>,
    /// The counts could not be had.
    #[prop(into)]
    counts_failed: Signal<bool>,
    /// Ask for the counts again.
    #[prop(into)]
    on_retry_counts: Callback<()>,
    /// Trunk choices as `(id, label)`.
    #[prop(into)]
    trunks: Signal<Vec<(String, String)>>,
    /// Apply a new view.
    #[prop(into)]
    on_change: Callback<CallQuery>,
) -> impl IntoView {
    let change = move |f: Box<dyn FnOnce(&mut Filters)>| {
        on_change.run(query.get_untracked().with_filters(f));
    };

    let status_button = move |status: Option<StatusFilter>, label: &'static str| {
        let active = move || query.with(|q| q.status() == status);
        // "…" while the counts load, "–" when they could not be had (never stuck on
        // "…" after a failure).
        let count = move || match counts.get() {
            Some(c) => format::thousands(c.of_filter(status)),
            None if counts_failed.get() => format::UNKNOWN.to_owned(),
            None => "…".to_owned(),
        };
        view! {
            <button type="button" class="seg" class:active=active aria-pressed=move || active().to_string()
                data-status=status.map(StatusFilter::as_str).unwrap_or("all")
                on:click=move |_| change(Box::new(move |f| f.status = status))>
                <span>{label}</span>
                <span class="seg-count">{count}</span>
            </button>
        }
    };

    let tz = move || query.with(CallQuery::tz);
    let (start_text, end_text) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    // Show the current custom bounds in the chosen zone whenever the view changes.
    Effect::new(move |_| {
        let (range, zone) = query.with(|q| (q.range(), q.tz()));
        let (s, e) = match range {
            DateRange::Custom { start, end } => (start, end),
            _ => (None, None),
        };
        start_text.set(
            s.map(|t| format::datetime_input_value(t, zone))
                .unwrap_or_default(),
        );
        end_text.set(
            e.map(|t| format::datetime_input_value(t, zone))
                .unwrap_or_default(),
        );
    });
    let range_problem = RwSignal::new(None::<&'static str>);
    let apply_custom = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match format::range_from_inputs(
            &start_text.get_untracked(),
            &end_text.get_untracked(),
            tz(),
        ) {
            Ok(range) => {
                range_problem.set(None);
                change(Box::new(move |f| f.range = range));
            }
            Err(problem) => range_problem.set(Some(problem)),
        }
    };

    view! {
        <section class="filters" aria-label="Filters">
            <div class="segmented" role="group" aria-label="Status">
                {status_button(None, "All")}
                {StatusFilter::ALL.into_iter().map(|s| status_button(Some(s), s.label())).collect_view()}
            </div>
            {move || counts_failed.get().then(|| view! {
                <p class="counts-failed muted small" role="status">
                    "The counts per status could not be loaded. "
                    <button type="button" class="btn btn-link" on:click=move |_| on_retry_counts.run(())>
                        "Retry counts"
                    </button>
                </p>
            })}
            <label class="field">
                <span>"Trunk"</span>
                <select id="trunk-filter" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    change(Box::new(move |f| f.trunk = TrunkId::new(&v)));
                }>
                    // Selection as a property that follows the query: the options are
                    // rebuilt only when the choices change, not on every query change.
                    <option value="" prop:selected=move || query.with(|q| q.trunk_id().is_none())>"All trunks"</option>
                    {move || trunks.get().into_iter().map(|(id, label)| {
                        let this = id.clone();
                        let selected = move || query.with(|q| q.trunk_id() == Some(this.as_str()));
                        view! { <option value=id prop:selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <div class="segmented" role="group" aria-label="Date range">
                {Preset::ALL.into_iter().map(|p| {
                    let active = move || query.with(|q| q.range() == DateRange::Preset(p));
                    view! {
                        <button type="button" class="seg" class:active=active
                            aria-pressed=move || active().to_string()
                            on:click=move |_| change(Box::new(move |f| f.range = DateRange::Preset(p)))>
                            {p.label()}
                        </button>
                    }
                }).collect_view()}
            </div>
            <form class="custom-range" on:submit=apply_custom>
                <label class="field">
                    <span>{move || format!("From ({})", format::zone_label(tz()))}</span>
                    <input type="datetime-local" id="range-from"
                        prop:value=move || start_text.get()
                        on:input=move |ev| start_text.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span>{move || format!("To ({})", format::zone_label(tz()))}</span>
                    <input type="datetime-local" id="range-to"
                        prop:value=move || end_text.get()
                        on:input=move |ev| end_text.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="btn">"Apply range"</button>
            </form>
            {move || range_problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            <div class="segmented" role="group" aria-label="Time zone">
                {[(TimeZoneMode::Local, "Local"), (TimeZoneMode::Utc, "UTC")].into_iter().map(|(zone, label)| {
                    let active = move || tz() == zone;
                    view! {
                        <button type="button" class="seg" class:active=active
                            aria-pressed=move || active().to_string()
                            on:click=move |_| {
                                // The time zone is a view setting: it keeps the page.
                                on_change.run(query.get_untracked().with_tz(zone));
                            }>
                            {label}
                        </button>
                    }
                }).collect_view()}
            </div>
            <button type="button" class="btn btn-ghost" id="clear-filters"
                disabled=move || !query.with(CallQuery::has_filters)
                on:click=move |_| on_change.run(query.get_untracked().cleared())>
                "Clear filters"
            </button>
        </section>
    }
}
