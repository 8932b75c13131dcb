//! The call table: sortable columns, status badges and a latency bar per row.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{Call, CallStatus, TimeZoneMode};
use crate::format;
use crate::table::{latency_bar, latency_scale_ms, sort_calls, Sort, SortColumn};

/// A column of the table.
#[derive(Clone, Copy)]
struct Column {
    /// What a click on its heading sorts by.
    sort: SortColumn,
    /// Its heading.
    label: &'static str,
    /// Numbers, right-aligned.
    numeric: bool,
    /// The classes of its cells. `c-*` names the column for the narrow layout, where a
    /// row becomes a small card; `wide-only` columns are left out there (the detail
    /// panel shows them, and the latency bar still shows the split).
    class: &'static str,
}

const fn column(
    sort: SortColumn,
    label: &'static str,
    numeric: bool,
    class: &'static str,
) -> Column {
    Column {
        sort,
        label,
        numeric,
        class,
    }
}

impl Column {
    /// Left out of the narrow layout.
    fn wide_only(&self) -> bool {
        self.class.contains("wide-only")
    }
}

const COLUMNS: [Column; 11] = [
    column(SortColumn::Id, "Call", false, "mono c-id"),
    column(SortColumn::Trunk, "Trunk", false, "mono c-trunk"),
    column(SortColumn::From, "From", false, "mono wide-only"),
    column(SortColumn::To, "To", false, "mono wide-only"),
    column(SortColumn::Status, "Status", false, "c-status"),
    column(SortColumn::Start, "Started", false, "nowrap c-start"),
    column(SortColumn::Duration, "Duration", true, "num c-duration"),
    column(SortColumn::Carrier, "Carrier", true, "num wide-only"),
    column(SortColumn::Ai, "AI", true, "num wide-only"),
    column(SortColumn::Gateway, "Gateway", true, "num wide-only"),
    column(
        SortColumn::Total,
        "Total latency",
        true,
        "num total c-total",
    ),
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

    let header = move |c: Column| {
        let (column, label) = (c.sort, c.label);
        let label = if column == SortColumn::Start {
            Signal::derive(move || format!("{label} ({})", format::zone_label(tz.get())))
        } else {
            Signal::derive(move || label.to_owned())
        };
        view! {
            <th scope="col" class:num=c.numeric aria-sort=move || sort.get().aria(column)>
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
    let written = StoredValue::new_local(Vec::<RowNodes>::new());
    Effect::new(move |_| {
        let Some(body) = body.get() else {
            return;
        };
        if skeleton.get() {
            written.update_value(|w| write_skeleton(&body, w));
        } else {
            let (scale, tz) = (scale.get(), tz.get());
            rows.with(|rows| written.update_value(|w| write_rows(&body, w, rows, scale, tz)));
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

    // Narrow screens hide the headings (each row is a card), so sorting moves to a menu
    // of the columns a card shows and a direction button; wide screens hide these.
    let sort_index = move || {
        let column = sort.get().column;
        COLUMNS
            .iter()
            .position(|c| c.sort == column)
            .unwrap_or(0)
            .to_string()
    };
    let ascending = move || sort.with(|s| s.aria(s.column) == "ascending");
    let narrow_sort = view! {
        <div class="sort-narrow">
            <label for="sort-by">"Sort by"</label>
            <select id="sort-by" prop:value=sort_index on:change=move |ev| {
                let chosen = event_target_value(&ev).parse::<usize>().ok().and_then(|i| COLUMNS.get(i));
                if let Some(c) = chosen {
                    sort.update(|s| if s.column != c.sort { *s = s.toggled(c.sort) });
                }
            }>
                {COLUMNS.into_iter().enumerate().filter(|(_, c)| !c.wide_only()).map(|(i, c)| view! {
                    <option value=i.to_string()>{c.label}</option>
                }).collect_view()}
            </select>
            <button type="button" class="btn" aria-pressed=move || ascending().to_string()
                on:click=move |_| sort.update(|s| *s = s.toggled(s.column))>
                {move || if ascending() { "▲ Ascending" } else { "▼ Descending" }}
            </button>
        </div>
    };

    view! {
        {narrow_sort}
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

/// The nodes of one written row that change with its call: the row (for `data-id`),
/// one text node per shown value, the badge and the three bar segments.
struct RowNodes {
    tr: web_sys::Element,
    texts: [web_sys::Text; 11],
    badge: web_sys::Element,
    bar: web_sys::Element,
    segments: [web_sys::CssStyleDeclaration; 3],
    /// What the row shows now (id, texts, badge class, bar), so that a change
    /// touches only what differs: a text node set to its own value still costs a DOM
    /// mutation and a relayout of its cell.
    shown: Option<Shown>,
}

/// The values a row shows, as written to the DOM.
#[derive(PartialEq)]
struct Shown {
    texts: [String; 11],
    badge: &'static str,
    widths: [String; 3],
    over: bool,
}

impl RowNodes {
    /// A new, empty row with the table's markup, appended to `parent`.
    fn new(doc: &web_sys::Document, parent: &web_sys::Node) -> Option<RowNodes> {
        let el = |parent: &web_sys::Node, tag: &str, class: &str| {
            let e = doc.create_element(tag).ok()?;
            if !class.is_empty() {
                e.set_class_name(class);
            }
            parent.append_child(&e).ok()?;
            Some(e)
        };
        let text = |parent: &web_sys::Element| {
            let t = doc.create_text_node("");
            parent.append_child(&t).ok()?;
            Some(t)
        };
        let tr = el(parent, "tr", "row")?;
        tr.set_attribute("tabindex", "0").ok()?;
        let td = |i: usize| el(&tr, "td", COLUMNS[i].class);
        let cell = |i: usize| td(i).and_then(|td| text(&td));
        let (id, trunk, from, to) = (cell(0)?, cell(1)?, cell(2)?, cell(3)?);
        let badge = td(4).and_then(|td| el(&td, "span", ""))?;
        let status = text(&badge)?;
        let (start, duration) = (cell(5)?, cell(6)?);
        let (carrier, ai, gateway) = (cell(7)?, cell(8)?, cell(9)?);
        let total_td = td(10)?;
        let total = el(&total_td, "span", "").and_then(|s| text(&s))?;
        let bar = el(&total_td, "span", "lat-bar")?;
        bar.set_attribute("aria-hidden", "true").ok()?;
        let segment = |class: &str| {
            el(&bar, "span", class).map(|e| e.unchecked_into::<web_sys::HtmlElement>().style())
        };
        let segments = [
            segment("seg-carrier")?,
            segment("seg-ai")?,
            segment("seg-gateway")?,
        ];
        Some(RowNodes {
            tr,
            texts: [
                id, trunk, from, to, status, start, duration, carrier, ai, gateway, total,
            ],
            badge,
            bar,
            segments,
            shown: None,
        })
    }

    /// Shows `call` in this row. Text goes in as text (a text node's data), never as
    /// markup, and the bar widths through the CSSOM, which the CSP allows (a `style`
    /// attribute it would not).
    fn fill(&mut self, call: &Call, scale: u32, tz: TimeZoneMode) {
        let ms = |v: u32| format::millis(f64::from(v));
        let bar = latency_bar(call, scale);
        let next = Shown {
            texts: [
                call.id.clone(),
                call.trunk_id.clone(),
                call.from.clone(),
                call.to.clone(),
                call.status.as_str().to_owned(),
                format::instant(call.start_time, tz),
                format::duration_s(call.duration_seconds),
                ms(call.carrier_lag_ms),
                ms(call.ai_latency_ms),
                ms(call.gateway_processing_ms),
                ms(call.total_latency_ms()),
            ],
            badge: badge_class(&call.status),
            widths: bar.widths.map(|pct| format!("{pct:.2}%")),
            over: bar.over,
        };
        let old = self.shown.take();
        let old = old.as_ref();
        if old.is_none_or(|o| o.texts[0] != next.texts[0]) {
            let _ = self.tr.set_attribute("data-id", &next.texts[0]);
        }
        if old.is_none_or(|o| o.badge != next.badge) {
            self.badge.set_class_name(next.badge);
        }
        for (i, (node, value)) in self.texts.iter().zip(&next.texts).enumerate() {
            if old.is_none_or(|o| &o.texts[i] != value) {
                node.set_data(value);
            }
        }
        if old.is_none_or(|o| o.over != next.over) {
            // A bar past the scale ends in a mark: the row's total is off the chart.
            let class = if next.over { "lat-bar over" } else { "lat-bar" };
            self.bar.set_class_name(class);
        }
        for (i, (style, width)) in self.segments.iter().zip(&next.widths).enumerate() {
            if old.is_none_or(|o| &o.widths[i] != width) {
                let _ = style.set_property("width", width);
            }
        }
        self.shown = Some(next);
    }
}

/// Shows `calls` in the body: the same markup a `view!` would make, written with DOM
/// calls. Rows already on screen are reused, so a page change sets text and widths
/// rather than building some 350 elements; `rows` holds them between calls.
fn write_rows(
    body: &web_sys::Element,
    rows: &mut Vec<RowNodes>,
    calls: &[Call],
    scale: u32,
    tz: TimeZoneMode,
) {
    let Some(doc) = body.owner_document() else {
        return;
    };
    if rows.is_empty() {
        // Whatever is there (the skeleton) goes.
        body.set_text_content(None);
    }
    for gone in rows.drain(calls.len().min(rows.len())..) {
        gone.tr.remove();
    }
    let fragment = doc.create_document_fragment();
    while rows.len() < calls.len() {
        match RowNodes::new(&doc, &fragment) {
            Some(row) => rows.push(row),
            None => break,
        }
    }
    for (row, call) in rows.iter_mut().zip(calls) {
        row.fill(call, scale, tz);
    }
    let _ = body.append_child(&fragment);
}

/// Ten rows of placeholder bones while the first page loads.
fn write_skeleton(body: &web_sys::Element, rows: &mut Vec<RowNodes>) {
    let Some(doc) = body.owner_document() else {
        return;
    };
    rows.clear();
    let fragment = doc.create_document_fragment();
    for _ in 0..10 {
        let Ok(tr) = doc.create_element("tr") else {
            return;
        };
        tr.set_class_name("skeleton");
        let _ = tr.set_attribute("aria-hidden", "true");
        for c in COLUMNS {
            if let (Ok(td), Ok(bone)) = (doc.create_element("td"), doc.create_element("span")) {
                td.set_class_name(c.class);
                bone.set_class_name("bone");
                let _ = td.append_child(&bone);
                let _ = tr.append_child(&td);
            }
        }
        let _ = fragment.append_child(&tr);
    }
    body.replace_children_with_node_1(&fragment);
}
