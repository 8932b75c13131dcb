//! The call table: sortable columns, status badges and a latency bar per row.

use leptos::prelude::*;

use crate::api::{Call, CallStatus, TimeZoneMode};
use crate::format;
use crate::table::{latency_bar, latency_scale_ms, sort_calls, Sort, SortColumn};

const COLUMNS: [(SortColumn, &str, bool); 11] = [
    (SortColumn::Id, "Call", false),
    (SortColumn::Trunk, "Trunk", false),
    (SortColumn::From, "From", false),
    (SortColumn::To, "To", false),
    (SortColumn::Status, "Status", false),
    (SortColumn::Start, "Started", false),
    (SortColumn::Duration, "Duration", true),
    (SortColumn::Carrier, "Carrier", true),
    (SortColumn::Ai, "AI", true),
    (SortColumn::Gateway, "Gateway", true),
    (SortColumn::Total, "Total latency", true),
];

/// The CSS class of a status badge; unknown statuses get a neutral one.
fn badge_class(status: &CallStatus) -> &'static str {
    match status {
        CallStatus::Connected => "badge badge-connected",
        CallStatus::Failed => "badge badge-failed",
        CallStatus::Disconnected => "badge badge-disconnected",
        CallStatus::Other(_) => "badge badge-other",
    }
}

/// The table of the shown page.
#[component]
pub fn CallTable(
    /// The page's calls in API order.
    #[prop(into)]
    calls: Signal<Vec<Call>>,
    /// Time zone for the start column.
    #[prop(into)]
    tz: Signal<TimeZoneMode>,
    /// Skeleton rows instead of data (first load).
    #[prop(into)]
    skeleton: Signal<bool>,
    /// A row was chosen.
    #[prop(into)]
    on_select: Callback<Call>,
) -> impl IntoView {
    let sort = RwSignal::new(Sort::default());
    let rows = Memo::new(move |_| {
        let mut v = calls.get();
        sort_calls(&mut v, sort.get());
        v
    });
    let scale = Memo::new(move |_| calls.with(|c| latency_scale_ms(c)));

    let header = move |(column, label, numeric): (SortColumn, &'static str, bool)| {
        let label = if column == SortColumn::Start {
            Signal::derive(move || format!("{label} ({})", format::zone_label(tz.get())))
        } else {
            Signal::derive(move || label.to_owned())
        };
        view! {
            <th scope="col" class:num=numeric aria-sort=move || sort.get().aria(column)>
                <button type="button" class="th-sort" on:click=move |_| sort.update(|s| *s = s.toggled(column))>
                    {label}
                    <span class="sort-mark" aria-hidden="true">{move || match sort.get() {
                        s if s.column != column => "",
                        s if s.aria(column) == "ascending" => "▲",
                        _ => "▼",
                    }}</span>
                </button>
            </th>
        }
    };

    let row = move |call: Call| {
        let [c, a, g] = latency_bar(&call, scale.get_untracked());
        let select = {
            let call = call.clone();
            move || on_select.run(call.clone())
        };
        let select_key = select.clone();
        let started = format::instant(call.start_time, tz.get_untracked());
        let total = call.total_latency_ms();
        view! {
            <tr tabindex="0" class="row" data-id=call.id.clone()
                on:click=move |_| select()
                on:keydown=move |ev| if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    select_key();
                }>
                <td class="mono">{call.id.clone()}</td>
                <td class="mono">{call.trunk_id.clone()}</td>
                <td class="mono">{call.from.clone()}</td>
                <td class="mono">{call.to.clone()}</td>
                <td><span class=badge_class(&call.status)>{call.status.as_str().to_owned()}</span></td>
                <td class="nowrap">{started}</td>
                <td class="num">{format::duration_s(call.duration_seconds)}</td>
                <td class="num">{format::millis(f64::from(call.carrier_lag_ms))}</td>
                <td class="num">{format::millis(f64::from(call.ai_latency_ms))}</td>
                <td class="num">{format::millis(f64::from(call.gateway_processing_ms))}</td>
                <td class="num total">
                    <span>{format::millis(f64::from(total))}</span>
                    <span class="lat-bar" aria-hidden="true">
                        <span class="seg-carrier" style:width=format!("{c:.2}%")></span>
                        <span class="seg-ai" style:width=format!("{a:.2}%")></span>
                        <span class="seg-gateway" style:width=format!("{g:.2}%")></span>
                    </span>
                </td>
            </tr>
        }
    };

    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Calls">
            <table class="calls">
                <thead>
                    <tr>{COLUMNS.into_iter().map(header).collect_view()}</tr>
                </thead>
                <tbody>
                    {move || if skeleton.get() {
                        (0..10).map(|_| view! {
                            <tr class="skeleton" aria-hidden="true">
                                {(0..COLUMNS.len()).map(|_| view! { <td><span class="bone"></span></td> }).collect_view()}
                            </tr>
                        }).collect_view().into_any()
                    } else {
                        // Rows are rebuilt when the sort, the scale or the zone changes.
                        let _ = (scale.get(), tz.get());
                        rows.get().into_iter().map(row).collect_view().into_any()
                    }}
                </tbody>
            </table>
        </div>
    }
}
