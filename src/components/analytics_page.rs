//! The analytics view: the whole filtered set gathered ([`use_analysis`]), KPI cards,
//! the charts of the registry ([`ChartKind`]), the per-trunk table, the vendor's jobs
//! as quick views, and the call list below, which follows every click on a chart.

use leptos::prelude::*;

use crate::api::{Slo, TrunkId};
use crate::charts::{pick, ChartOptions, ChartKind, Hit, HitTarget};
use crate::components::{
    CallList, ChartPanel, DrawRequest, FilterPanel, GatherStatus, KpiCards, QuickViews,
    StatusLine, ThemeChoice, TrunkTable,
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
            <GatherStatus gather=figures.gather />
            <div class="figures" class:stale=move || figures.stale.get()>
                <KpiCards current=analysis deltas=figures.deltas coverage=figures.coverage />
                <div class="charts-grid">
                    {ChartKind::ALL.into_iter().map(chart).collect_view()}
                </div>
                <TrunkTable rows=trunk_rows on_trunk=on_trunk file_name=Signal::derive(move || {
                query.with(|q| file_name("trunks", q, ExportScope::All, ExportFormat::Csv, v.clock.now.get()))
            }) />
            </div>
            <h2 class="section-title">"Calls"</h2>
            <CallList query=query on_change=set_query clock=v.clock seen_trunks=v.seen_trunks busy=v.busy />
        </div>
    }
}
