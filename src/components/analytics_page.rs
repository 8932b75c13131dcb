//! The analytics view: the whole filtered set gathered ([`use_analysis`]), KPI cards,
//! the charts of the registry ([`ChartKind`]), the per-trunk table, the vendor's jobs
//! as quick views, and the call list below, which follows every click on a chart.

use leptos::prelude::*;

use crate::api::{CallQuery, Slo, TrunkId};
use crate::charts::{
    draw_heatmap, pick, summary_heatmap, table_heatmap, tooltip_heatmap, ChartKind, ChartOptions,
    HeatmapData, HeatmapMode, Hit, HitTarget,
};
use crate::components::{
    CallList, ChartPanel, DrawRequest, FilterPanel, GatherStatus, KpiCards, LiveControl,
    QuickViews, StatusLine, ThemeChoice, TrunkTable,
};
use crate::list_view::use_list_view;
use crate::export::{file_name, ExportFormat, ExportScope};
use crate::stats::DEFAULT_TOTAL_SLO_MS;
use crate::use_analysis::use_analysis;

/// The analytics view.
#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let theme = ThemeChoice::use_context();
    let v = use_list_view();
    let (query, set_query) = (v.query, v.set_query);
    let figures = use_analysis(query, v.clock);
    let analysis = figures.analysis;

    let ctx = Memo::new(move |_| {
        query.with(|q| ChartOptions {
            tz: q.tz(),
            slo_ms: q.slo().map_or(DEFAULT_TOTAL_SLO_MS, Slo::ms),
        })
    });
    let dark = Signal::derive(move || theme.is_dark());
    // A click on a bucket narrows the date filter to it; on a trunk, sets the trunk.
    let on_pick = Callback::new(move |target: HitTarget| {
        let q = query.get_untracked();
        if let Some(next) = analysis.with_untracked(|a| pick(&q, a.as_ref()?, &target)) {
            set_query.run(next);
        }
    });
    let chart = move |kind: ChartKind| {
        let draw = Callback::new(move |r: DrawRequest| {
            let c = ctx.get();
            analysis.with(|a| {
                a.as_ref()
                    .map(|a| r.draw(|root, style| kind.draw(root, a, c, style)))
            })
        });
        let summary = Signal::derive(move || {
            let c = ctx.get();
            analysis.with(|a| a.as_ref().map(|a| kind.summary(a, c)).unwrap_or_default())
        });
        let table = Signal::derive(move || {
            let c = ctx.get();
            analysis.with(|a| a.as_ref().map(|a| kind.table(a, c)).unwrap_or_default())
        });
        let tooltip = Callback::new(move |hit: Hit| {
            let c = ctx.get_untracked();
            analysis.with_untracked(|a| kind.tooltip(a.as_ref()?, c, &hit))
        });
        let file = Signal::derive(move || {
            query.with(|q| file_name(&format!("chart-{}", kind.name()), q, ExportScope::All, ExportFormat::Csv, v.clock.now.get()))
        });
        view! {
            <ChartPanel title=kind.title() name=kind.name() draw=draw dark=dark
                summary=summary table=table tooltip=tooltip on_pick=on_pick file_name=file />
        }
    };
    // When calls come: hour × weekday, calls or p95 latency per cell.
    let heat_mode = RwSignal::new(HeatmapMode::Calls);
    let heatmap = figures.heatmap;
    let heat = move |f: &dyn Fn(&HeatmapData<'_>) -> String| {
        let (mode, tz) = (heat_mode.get(), query.with(CallQuery::tz));
        heatmap.with(|h| {
            h.as_ref()
                .map(|h| f(&HeatmapData { heatmap: h, mode, tz }))
                .unwrap_or_default()
        })
    };
    let heat_draw = Callback::new(move |r: DrawRequest| {
        let (mode, tz) = (heat_mode.get(), query.with(CallQuery::tz));
        heatmap.with(|h| {
            h.as_ref().map(|h| {
                r.draw(|root, style| draw_heatmap(root, &HeatmapData { heatmap: h, mode, tz }, style))
            })
        })
    });
    let heat_table = Signal::derive(move || {
        let (mode, tz) = (heat_mode.get(), query.with(CallQuery::tz));
        heatmap.with(|h| {
            h.as_ref()
                .map(|h| table_heatmap(&HeatmapData { heatmap: h, mode, tz }))
                .unwrap_or_default()
        })
    });
    let heat_tip = Callback::new(move |hit: Hit| {
        let Some(HitTarget::Cell { weekday, hour }) = hit.target else {
            return None;
        };
        let (mode, tz) = (heat_mode.get_untracked(), query.with_untracked(CallQuery::tz));
        heatmap.with_untracked(|h| {
            h.as_ref()
                .map(|h| tooltip_heatmap(&HeatmapData { heatmap: h, mode, tz }, weekday, hour))
        })
    });
    let heat_file = Signal::derive(move || {
        let what = match heat_mode.get() {
            HeatmapMode::Calls => "heatmap-calls",
            HeatmapMode::P95Latency => "heatmap-p95",
        };
        query.with(|q| file_name(what, q, ExportScope::All, ExportFormat::Csv, v.clock.now.get()))
    });
    let trunk_rows = Signal::derive(move || {
        analysis.with(|a| a.as_ref().map(|a| a.trunks.clone()).unwrap_or_default())
    });
    let on_trunk = Callback::new(move |id: String| {
        set_query.run(query.get_untracked().with_trunk(TrunkId::new(&id)));
    });

    view! {
        <div class="analytics-page" class:busy=move || v.shown_busy.get() aria-busy=move || v.aria_busy()>
            <FilterPanel query=query on_change=set_query clock=v.clock seen_trunks=v.seen_trunks />
            <StatusLine query=query clock=v.clock busy=v.shown_busy />
            <QuickViews query=query on_change=set_query />
            <LiveControl query=query on_change=set_query status=figures.live />
            <GatherStatus gather=figures.gather compute_exactly=figures.compute_exactly />
            <div class="figures" class:stale=move || figures.stale.get()>
                <KpiCards current=analysis deltas=figures.deltas coverage=figures.coverage />
                <div class="charts-grid">
                    {ChartKind::ALL.into_iter().map(chart).collect_view()}
                </div>
                <div class="heatmap">
                    <div class="segmented" role="group" aria-label="Heatmap shows">
                        {HeatmapMode::ALL.into_iter().map(|m| view! {
                            <button type="button" class="seg" class:active=move || heat_mode.get() == m
                                aria-pressed=move || (heat_mode.get() == m).to_string()
                                on:click=move |_| heat_mode.set(m)>{m.label()}</button>
                        }).collect_view()}
                    </div>
                    <ChartPanel title="When calls come (hour × weekday)" name="heatmap" draw=heat_draw dark=dark
                        summary=Signal::derive(move || heat(&summary_heatmap)) table=heat_table
                        tooltip=heat_tip on_pick=|_: HitTarget| {} file_name=heat_file />
                </div>
                <TrunkTable rows=trunk_rows on_trunk=on_trunk file_name=Signal::derive(move || {
                query.with(|q| file_name("trunks", q, ExportScope::All, ExportFormat::Csv, v.clock.now.get()))
            }) />
            </div>
            <h2 class="section-title">"Calls"</h2>
            <CallList query=query on_change=set_query clock=v.clock seen_trunks=v.seen_trunks busy=v.busy live_control_above=true />
        </div>
    }
}
