//! The call table: sortable columns, status badges and a latency bar per row.
//!
//! Every column comes from one descriptor ([`COLUMNS`]: heading, classes, sort key,
//! value, cell kind); the heading row, the skeleton, row creation and row update all
//! read it, so a column can move without one column's value landing under another's
//! heading.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{Call, TimeZoneMode};
use crate::format;
use crate::app::TrunkList;
use crate::table::{
    badge_class, latency_bar, latency_scale_ms, sort_calls, CellContext, CellKind, Column,
    SortColumn, API_ORDER, COLUMNS,
};

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
    /// Ids of rows just merged by the live view, highlighted briefly.
    #[prop(optional, into)]
    fresh: Signal<Vec<String>>,
    /// A row was chosen.
    #[prop(into)]
    on_select: Callback<Call>,
) -> impl IntoView {
    let sort = RwSignal::new(API_ORDER);
    let names = expect_context::<TrunkList>().names;
    let rows = Memo::new(move |_| {
        let mut v = calls.get();
        sort_calls(&mut v, sort.get(), &names.get());
        v
    });
    let scale = Memo::new(move |_| calls.with(|c| latency_scale_ms(c)));

    let header = move |c: Column| {
        let column = c.key;
        let label = c.label;
        let label = if column == SortColumn::Start {
            Signal::derive(move || format!("{label} ({})", format::zone_label(tz.get())))
        } else {
            Signal::derive(move || label.to_owned())
        };
        view! {
            <th scope="col" class:num=c.numeric() aria-sort=move || sort.get().aria(column)>
                <button type="button" class="th-sort" on:click=move |_| sort.update(|s| *s = s.toggled(column))>
                    {label}
                    <span class="sort-mark" aria-hidden="true">{move || sort.get().mark(column)}</span>
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
            let (scale, tz, trunks) = (scale.get(), tz.get(), names.get());
            let fresh = fresh.get();
            let cx = CellContext {
                tz,
                trunks: &trunks,
            };
            rows.with(|rows| written.update_value(|w| write_rows(&body, w, rows, scale, &cx, &fresh)));
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
            .position(|c| c.key == column)
            .unwrap_or(0)
            .to_string()
    };
    let ascending = move || sort.with(|s| s.dir == crate::sort::SortDir::Asc);
    let narrow_sort = view! {
        <div class="sort-narrow">
            <label for="sort-by">"Sort by"</label>
            <select id="sort-by" prop:value=sort_index on:change=move |ev| {
                let chosen = event_target_value(&ev).parse::<usize>().ok().and_then(|i| COLUMNS.get(i));
                if let Some(c) = chosen {
                    sort.update(|s| *s = s.picked(c.key));
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

/// The nodes of one cell that change with its call: its text, and for a badge or a
/// total the element around it.
struct CellNodes {
    td: web_sys::Element,
    text: web_sys::Text,
    /// The badge (status cells).
    badge: Option<web_sys::Element>,
    /// The bar and its three segments (total cells).
    bar: Option<(web_sys::Element, [web_sys::CssStyleDeclaration; 3])>,
}

/// The nodes of one written row: the row (for `data-id`) and one [`CellNodes`] per
/// column of [`COLUMNS`], in order.
struct RowNodes {
    tr: web_sys::Element,
    cells: Vec<CellNodes>,
    /// What the row shows now, so that a change touches only what differs: a text
    /// node set to its own value still costs a DOM mutation and a relayout of its cell.
    shown: Option<Shown>,
}

/// The values a row shows, as written to the DOM; `texts` follows [`COLUMNS`].
#[derive(PartialEq)]
struct Shown {
    id: String,
    texts: Vec<String>,
    titles: Vec<Option<String>>,
    fresh: bool,
    badge: &'static str,
    widths: [String; 3],
    over: bool,
}

impl CellNodes {
    /// The markup of a `kind` cell inside `td`.
    fn new(doc: &web_sys::Document, td: &web_sys::Element, kind: CellKind) -> Option<CellNodes> {
        let el = |parent: &web_sys::Element, tag: &str, class: &str| {
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
        match kind {
            CellKind::Badge => {
                let badge = el(td, "span", "")?;
                Some(CellNodes {
                    td: td.clone(),
                    text: text(&badge)?,
                    badge: Some(badge),
                    bar: None,
                })
            }
            CellKind::Total => {
                let value = text(&el(td, "span", "")?)?;
                let bar = el(td, "span", "lat-bar")?;
                bar.set_attribute("aria-hidden", "true").ok()?;
                let segment = |class: &str| {
                    el(&bar, "span", class)
                        .map(|e| e.unchecked_into::<web_sys::HtmlElement>().style())
                };
                let segments = [
                    segment("seg-carrier")?,
                    segment("seg-ai")?,
                    segment("seg-gateway")?,
                ];
                Some(CellNodes {
                    td: td.clone(),
                    text: value,
                    badge: None,
                    bar: Some((bar, segments)),
                })
            }
            CellKind::Text | CellKind::Mono | CellKind::Time | CellKind::Number => {
                Some(CellNodes {
                    td: td.clone(),
                    text: text(td)?,
                    badge: None,
                    bar: None,
                })
            }
        }
    }
}

impl RowNodes {
    /// A new, empty row with the table's markup, appended to `parent`.
    fn new(doc: &web_sys::Document, parent: &web_sys::Node) -> Option<RowNodes> {
        let tr = doc.create_element("tr").ok()?;
        tr.set_class_name("row");
        tr.set_attribute("tabindex", "0").ok()?;
        let mut cells = Vec::with_capacity(COLUMNS.len());
        for column in COLUMNS {
            let td = doc.create_element("td").ok()?;
            td.set_class_name(&column.class());
            cells.push(CellNodes::new(doc, &td, column.kind)?);
            tr.append_child(&td).ok()?;
        }
        parent.append_child(&tr).ok()?;
        Some(RowNodes {
            tr,
            cells,
            shown: None,
        })
    }

    /// Shows `call` in this row. Text goes in as text (a text node's data), never as
    /// markup, and the bar widths through the CSSOM, which the CSP allows (a `style`
    /// attribute it would not).
    fn fill(&mut self, call: &Call, scale: u32, cx: &CellContext<'_>, fresh: bool) {
        let bar = latency_bar(call, scale);
        let next = Shown {
            id: call.id.clone(),
            texts: COLUMNS.iter().map(|c| c.text(call, cx)).collect(),
            titles: COLUMNS.iter().map(|c| c.title(call, cx)).collect(),
            fresh,
            badge: badge_class(&call.status),
            widths: bar.widths.map(|pct| format!("{pct:.2}%")),
            over: bar.over,
        };
        let old = self.shown.take();
        let old = old.as_ref();
        if old.is_none_or(|o| o.id != next.id) {
            let _ = self.tr.set_attribute("data-id", &next.id);
        }
        if old.is_none_or(|o| o.fresh != next.fresh) {
            self.tr
                .set_class_name(if next.fresh { "row fresh" } else { "row" });
        }
        for (i, (cell, value)) in self.cells.iter().zip(&next.texts).enumerate() {
            if old.is_none_or(|o| &o.texts[i] != value) {
                cell.text.set_data(value);
            }
            let title = &next.titles[i];
            if old.is_none_or(|o| &o.titles[i] != title) {
                match title {
                    Some(t) => {
                        let _ = cell.td.set_attribute("title", t);
                    }
                    None => {
                        let _ = cell.td.remove_attribute("title");
                    }
                }
            }
            if let Some(badge) = &cell.badge {
                if old.is_none_or(|o| o.badge != next.badge) {
                    badge.set_class_name(next.badge);
                }
            }
            if let Some((bar_el, segments)) = &cell.bar {
                if old.is_none_or(|o| o.over != next.over) {
                    // A bar past the scale ends in a mark: the row's total is off the chart.
                    let class = if next.over { "lat-bar over" } else { "lat-bar" };
                    bar_el.set_class_name(class);
                }
                for (j, (style, width)) in segments.iter().zip(&next.widths).enumerate() {
                    if old.is_none_or(|o| &o.widths[j] != width) {
                        let _ = style.set_property("width", width);
                    }
                }
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
    cx: &CellContext<'_>,
    fresh: &[String],
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
        row.fill(call, scale, cx, fresh.contains(&call.id));
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
                td.set_class_name(&c.class());
                bone.set_class_name("bone");
                let _ = td.append_child(&bone);
                let _ = tr.append_child(&td);
            }
        }
        let _ = fragment.append_child(&tr);
    }
    body.replace_children_with_node_1(&fragment);
}
