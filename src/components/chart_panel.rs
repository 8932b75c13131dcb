//! One chart on the page: the SVG drawn by the pure layer at the panel's width, a
//! tooltip under the pointer, clicks on buckets and trunks, and a text alternative
//! (a summary for screen readers and a "show as table" toggle).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::charts::{
    render_svg, ChartError, ChartGeometry, ChartStyle, Hit, HitTarget, SvgArea, Table,
};
use crate::download;
use crate::export::{self, ExportFormat};
use crate::perf;

/// Height of every chart, in CSS pixels.
const HEIGHT: u32 = 280;

/// What a chart needs to draw itself.
#[derive(Clone, Copy, PartialEq)]
pub struct DrawRequest {
    /// Width in CSS pixels.
    pub width: u32,
    /// Height in CSS pixels.
    pub height: u32,
    /// Light or dark palette.
    pub dark: bool,
}

impl DrawRequest {
    /// The palette for this request.
    pub fn style(&self) -> ChartStyle {
        if self.dark {
            ChartStyle::dark()
        } else {
            ChartStyle::light()
        }
    }

    /// Draws with `f` into an SVG of the requested size and palette; a chart that
    /// cannot be drawn yields its SVG without geometry (no tooltips or clicks).
    pub fn draw(
        self,
        f: impl FnOnce(&SvgArea<'_>, &ChartStyle) -> Result<ChartGeometry, ChartError>,
    ) -> (String, Option<ChartGeometry>) {
        let style = self.style();
        let (svg, geometry) = render_svg(self.width, self.height, |root| f(root, &style));
        (svg, geometry.ok())
    }
}

/// A titled chart with tooltip, click-through and a table view.
#[component]
pub fn ChartPanel(
    /// Heading above the chart.
    title: &'static str,
    /// Short name, used for the performance measure `dashboard:chart:<name>` and ids.
    name: &'static str,
    /// Draws the chart: `(svg, geometry)`; `None` while there is no data yet.
    #[prop(into)]
    draw: Callback<DrawRequest, Option<(String, Option<ChartGeometry>)>>,
    /// The chart in a sentence or two.
    #[prop(into)]
    summary: Signal<String>,
    /// The chart's data as a table.
    #[prop(into)]
    table: Signal<Table>,
    /// Tooltip text for a hit.
    #[prop(into)]
    tooltip: Callback<Hit, Option<String>>,
    /// A click on a bucket or trunk.
    #[prop(into)]
    on_pick: Callback<HitTarget>,
    /// Whether the page is in the dark theme.
    #[prop(into)]
    dark: Signal<bool>,
    /// The name of the file the table downloads as.
    #[prop(into)]
    file_name: Signal<String>,
) -> impl IntoView {
    let csv_problem = RwSignal::new(None::<String>);
    let download_csv = move |_| {
        let saved = table
            .with_untracked(export::table_csv)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                download::save(&file_name.get_untracked(), ExportFormat::Csv.mime(), &text)
                    .map_err(|e| e.to_string())
            });
        csv_problem.set(saved.err());
    };
    let frame = NodeRef::<leptos::html::Div>::new();
    let width = RwSignal::new(0u32);
    let geometry = StoredValue::new(None::<ChartGeometry>);
    let tip = RwSignal::new(None::<(String, i32, i32)>);
    let as_table = RwSignal::new(false);
    // A chart without data says so in its frame; its summary, the same words, is then
    // left to screen readers.
    let empty = RwSignal::new(false);

    let measure_width = move || {
        if let Some(el) = frame.get_untracked() {
            let w = el.client_width().max(0) as u32;
            if w != width.get_untracked() {
                width.set(w);
            }
        }
    };
    Effect::new(move |_| {
        if frame.get().is_some() {
            measure_width();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure_width());
    on_cleanup(move || resize.remove());

    // Draw whenever the data, the width or the theme changes.
    Effect::new(move |_| {
        let w = width.get();
        let request = DrawRequest {
            width: w,
            height: HEIGHT,
            dark: dark.get(),
        };
        let Some(el) = frame.get() else {
            return;
        };
        if w < 10 {
            return;
        }
        let measure = format!("dashboard:chart:{name}");
        perf::start(&measure);
        match draw.run(request) {
            Some((svg, g)) => {
                el.set_inner_html(&svg);
                empty.set(g.as_ref().is_some_and(|g| g.empty));
                geometry.set_value(g);
                perf::measure(&measure);
            }
            None => {
                el.set_inner_html("");
                empty.set(false);
                geometry.set_value(None);
            }
        }
        tip.set(None);
    });

    let locate = move |ev: &web_sys::MouseEvent| -> Option<(Hit, i32, i32)> {
        let el = frame.get_untracked()?;
        let rect = el
            .unchecked_ref::<web_sys::Element>()
            .get_bounding_client_rect();
        let (px, py) = (
            (f64::from(ev.client_x()) - rect.left()).round() as i32,
            (f64::from(ev.client_y()) - rect.top()).round() as i32,
        );
        let hit = geometry.with_value(|g| g.as_ref().and_then(|g| g.hit(px, py)))?;
        Some((hit, px, py))
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        tip.set(locate(&ev).and_then(|(hit, px, py)| tooltip.run(hit).map(|t| (t, px, py))));
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        if let Some(target) = locate(&ev).and_then(|(hit, _, _)| hit.target) {
            on_pick.run(target);
        }
    };

    let summary_id = format!("chart-{name}-summary");
    view! {
        <section class="chart card" aria-labelledby=format!("chart-{name}-title")>
            <header class="chart-head">
                <h2 id=format!("chart-{name}-title")>{title}</h2>
                <div class="chart-actions">
                    <button type="button" class="btn btn-ghost" aria-pressed=move || as_table.get().to_string()
                        on:click=move |_| as_table.update(|t| *t = !*t)>
                        {move || if as_table.get() { "Show as chart" } else { "Show as table" }}
                    </button>
                    <button type="button" class="btn btn-ghost chart-csv" on:click=download_csv
                        aria-label=format!("Download the data of {title} as CSV")>"CSV"</button>
                </div>
            </header>
            {move || csv_problem.get().map(|p| view! { <p class="banner banner-error" role="alert">{p}</p> })}
            <p id=summary_id.clone() class="chart-summary" class:visually-hidden=move || empty.get() && !as_table.get()>
                {move || summary.get()}
            </p>
            <div class="chart-area" class:hidden=move || as_table.get()>
                <div class="chart-frame" node_ref=frame role="img" data-chart=name
                    aria-label=move || format!("{title}: {}", summary.get())
                    on:mousemove=on_move
                    on:mouseleave=move |_| tip.set(None)
                    on:click=on_click></div>
                {move || tip.get().map(|(text, x, y)| view! {
                    <div class="chart-tip" role="tooltip" style:left=format!("{}px", x + 12) style:top=format!("{}px", y + 12)>
                        {text}
                    </div>
                })}
            </div>
            <Show when=move || as_table.get()>
                <div class="chart-table">
                    <table>
                        <thead><tr>{move || table.with(|t| t.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view())}</tr></thead>
                        <tbody>
                            {move || table.with(|t| t.rows.iter().map(|r| view! {
                                <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr>
                            }).collect_view())}
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}
