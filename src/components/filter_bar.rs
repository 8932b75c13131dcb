//! Filters: status with counts, trunk, date range (presets and custom), time zone.
//!
//! Every change builds a new [`CallQuery`] with `with_filters` (back to page 1) and
//! hands it to `on_change`; the URL is the only state.

use leptos::prelude::*;

use crate::api::{CallQuery, DateRange, Preset, StatusFilter, TimeZoneMode};
use crate::format;

/// Counts per status under the other filters: all, connected, failed, disconnected.
pub type StatusCounts = [Option<u64>; 4];

/// The filter bar above the call table.
#[component]
pub fn FilterBar(
    /// The current view.
    #[prop(into)]
    query: Signal<CallQuery>,
    /// Calls per status under the other filters, where known.
    #[prop(into)]
    counts: Signal<StatusCounts>,
    /// Trunk choices as `(id, label)`.
    #[prop(into)]
    trunks: Signal<Vec<(String, String)>>,
    /// Apply a new view.
    #[prop(into)]
    on_change: Callback<CallQuery>,
) -> impl IntoView {
    let change = move |f: Box<dyn FnOnce(&mut CallQuery)>| {
        on_change.run(query.get_untracked().with_filters(f));
    };

    let status_button = move |status: Option<StatusFilter>, label: &'static str, idx: usize| {
        let active = move || query.with(|q| q.status == status);
        view! {
            <button type="button" class="seg" class:active=active aria-pressed=move || active().to_string()
                data-status=status.map(StatusFilter::as_str).unwrap_or("all")
                on:click=move |_| change(Box::new(move |q| q.status = status))>
                <span>{label}</span>
                <span class="seg-count">
                    {move || counts.with(|c| c[idx].map(format::thousands).unwrap_or_else(|| "…".to_owned()))}
                </span>
            </button>
        }
    };

    let tz = move || query.with(|q| q.tz);
    let (start_text, end_text) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    // Show the current custom bounds in the chosen zone whenever the view changes.
    Effect::new(move |_| {
        let (range, zone) = query.with(|q| (q.range, q.tz));
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
        let zone = tz();
        let parse = |s: String| {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                format::parse_datetime_input(&s, zone).map(Some).ok_or(())
            }
        };
        match (
            parse(start_text.get_untracked()),
            parse(end_text.get_untracked()),
        ) {
            (Ok(None), Ok(None)) => {
                range_problem.set(None);
                change(Box::new(|q| q.range = DateRange::All));
            }
            (Ok(start), Ok(end)) if start.zip(end).is_none_or(|(s, e)| s <= e) => {
                range_problem.set(None);
                change(Box::new(move |q| {
                    q.range = DateRange::Custom { start, end }
                }));
            }
            (Ok(_), Ok(_)) => range_problem.set(Some("The start must be before the end.")),
            _ => range_problem.set(Some("Enter dates as shown, e.g. 2024-03-05 10:30.")),
        }
    };

    view! {
        <section class="filters" aria-label="Filters">
            <div class="segmented" role="group" aria-label="Status">
                {status_button(None, "All", 0)}
                {status_button(Some(StatusFilter::Connected), "Connected", 1)}
                {status_button(Some(StatusFilter::Failed), "Failed", 2)}
                {status_button(Some(StatusFilter::Disconnected), "Disconnected", 3)}
            </div>
            <label class="field">
                <span>"Trunk"</span>
                <select id="trunk-filter" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    change(Box::new(move |q| q.trunk_id = (!v.is_empty()).then_some(v)));
                }>
                    // Selection as a property that follows the query: the options are
                    // rebuilt only when the choices change, not on every query change.
                    <option value="" prop:selected=move || query.with(|q| q.trunk_id.is_none())>"All trunks"</option>
                    {move || trunks.get().into_iter().map(|(id, label)| {
                        let this = id.clone();
                        let selected = move || query.with(|q| q.trunk_id.as_deref() == Some(this.as_str()));
                        view! { <option value=id prop:selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <div class="segmented" role="group" aria-label="Date range">
                {Preset::ALL.into_iter().map(|p| {
                    let active = move || query.with(|q| q.range == DateRange::Preset(p));
                    view! {
                        <button type="button" class="seg" class:active=active
                            aria-pressed=move || active().to_string()
                            on:click=move |_| change(Box::new(move |q| q.range = DateRange::Preset(p)))>
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
                                let mut q = query.get_untracked();
                                q.tz = zone;
                                on_change.run(q);
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
