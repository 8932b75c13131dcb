//! The call table: sortable columns, status badges and a latency bar per row.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

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

    // The body is written straight to the DOM (see `write_rows`): on every page change
    // it is the hot path, and one listener on the body serves every row.
    let body = NodeRef::<leptos::html::Tbody>::new();
    Effect::new(move |_| {
        let Some(body) = body.get() else {
            return;
        };
        if skeleton.get() {
            write_skeleton(&body);
        } else {
            let (scale, tz) = (scale.get(), tz.get());
            rows.with(|rows| write_rows(&body, rows, scale, tz));
        }
    });
    let chosen = move |ev: &web_sys::Event| {
        let id = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("tr.row").ok().flatten())
            .and_then(|tr| tr.get_attribute("data-id"))?;
        rows.with_untracked(|rows| rows.iter().find(|c| c.id == id).cloned())
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        if let Some(call) = chosen(&ev) {
            on_select.run(call);
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() != "Enter" && ev.key() != " " {
            return;
        }
        if let Some(call) = chosen(&ev) {
            ev.prevent_default();
            on_select.run(call);
        }
    };

    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Calls">
            <table class="calls">
                <thead>
                    <tr>{COLUMNS.into_iter().map(header).collect_view()}</tr>
                </thead>
                <tbody node_ref=body on:click=on_click on:keydown=on_key></tbody>
            </table>
        </div>
    }
}

/// Replaces the body's rows with `calls`: the same markup a `view!` would make, built
/// with DOM calls. Text goes in as text (`textContent`), never as markup, and the bar
/// widths through the CSSOM, which the CSP allows (a `style` attribute it would not).
fn write_rows(body: &web_sys::Element, calls: &[Call], scale: u32, tz: TimeZoneMode) {
    let Some(doc) = body.owner_document() else {
        return;
    };
    let fragment = doc.create_document_fragment();
    let el = |parent: &web_sys::Node, tag: &str, class: &str, text: &str| {
        let e = doc.create_element(tag).ok()?;
        if !class.is_empty() {
            e.set_class_name(class);
        }
        if !text.is_empty() {
            e.set_text_content(Some(text));
        }
        parent.append_child(&e).ok()?;
        Some(e)
    };
    for call in calls {
        let Some(tr) = el(&fragment, "tr", "row", "") else {
            return;
        };
        let _ = tr.set_attribute("tabindex", "0");
        let _ = tr.set_attribute("data-id", &call.id);
        for text in [&call.id, &call.trunk_id, &call.from, &call.to] {
            el(&tr, "td", "mono", text);
        }
        if let Some(td) = el(&tr, "td", "", "") {
            el(&td, "span", badge_class(&call.status), call.status.as_str());
        }
        el(&tr, "td", "nowrap", &format::instant(call.start_time, tz));
        el(&tr, "td", "num", &format::duration_s(call.duration_seconds));
        for ms in [
            call.carrier_lag_ms,
            call.ai_latency_ms,
            call.gateway_processing_ms,
        ] {
            el(&tr, "td", "num", &format::millis(f64::from(ms)));
        }
        let Some(td) = el(&tr, "td", "num total", "") else {
            return;
        };
        el(
            &td,
            "span",
            "",
            &format::millis(f64::from(call.total_latency_ms())),
        );
        let Some(bar) = el(&td, "span", "lat-bar", "") else {
            return;
        };
        let _ = bar.set_attribute("aria-hidden", "true");
        let segments = ["seg-carrier", "seg-ai", "seg-gateway"];
        for (class, pct) in segments.into_iter().zip(latency_bar(call, scale)) {
            if let Some(seg) = el(&bar, "span", class, "") {
                let seg: web_sys::HtmlElement = seg.unchecked_into();
                let _ = seg.style().set_property("width", &format!("{pct:.2}%"));
            }
        }
    }
    body.replace_children_with_node_1(&fragment);
}

/// Ten rows of placeholder bones while the first page loads.
fn write_skeleton(body: &web_sys::Element) {
    let Some(doc) = body.owner_document() else {
        return;
    };
    let fragment = doc.create_document_fragment();
    for _ in 0..10 {
        let Ok(tr) = doc.create_element("tr") else {
            return;
        };
        tr.set_class_name("skeleton");
        let _ = tr.set_attribute("aria-hidden", "true");
        for _ in 0..COLUMNS.len() {
            if let (Ok(td), Ok(bone)) = (doc.create_element("td"), doc.create_element("span")) {
                bone.set_class_name("bone");
                let _ = td.append_child(&bone);
                let _ = tr.append_child(&td);
            }
        }
        let _ = fragment.append_child(&tr);
    }
    body.replace_children_with_node_1(&fragment);
}
