//! The KPI cards: each value with its change against the previous period.

use leptos::prelude::*;

use crate::stats::{Analysis, Kpi, KpiDeltas, Verdict};

/// Nine cards over `current`, each with its change where a previous period exists.
#[component]
pub fn KpiCards(
    #[prop(into)] current: Signal<Option<std::sync::Arc<Analysis>>>,
    #[prop(into)] deltas: Signal<Option<KpiDeltas>>,
    /// The sentence saying how much of the set the figures cover, when incomplete.
    #[prop(into)]
    coverage: Signal<Option<String>>,
) -> impl IntoView {
    let card = move |kpi: Kpi| {
        let value = move || {
            current.with(|a| {
                let a = a.as_ref();
                let shown = kpi.format(a.and_then(|a| kpi.value(a)));
                if a.is_some_and(|a| kpi.is_estimated(a)) && shown != crate::format::UNKNOWN {
                    format!("≈ {shown}")
                } else {
                    shown
                }
            })
        };
        // An estimate's 95 % interval, under its value.
        let interval = move || {
            current.with(|a| {
                let e = kpi.estimate(a.as_ref()?)?;
                Some(view! { <div class="kpi-interval muted small">{kpi.interval_text(e)}</div> })
            })
        };
        let estimated = move || current.with(|a| a.as_ref().is_some_and(|a| kpi.is_estimated(a)));
        let delta = move || deltas.with(|d| d.as_ref().and_then(|d| d.get(kpi).copied()));
        let class = move || match delta().map(|d| d.verdict) {
            Some(Verdict::Better) => "kpi-delta better",
            Some(Verdict::Worse) => "kpi-delta worse",
            _ => "kpi-delta",
        };
        view! {
            <div class="kpi card" data-kpi=kpi.label() class:estimated=estimated>
                <div class="kpi-label">{kpi.label()}</div>
                <div class="kpi-value">{value}</div>
                {interval}
                <div class=class>
                    {move || match delta() {
                        Some(d) if d.verdict != Verdict::Unknown && estimated()
                            && d.change_text() != crate::format::UNKNOWN => {
                            format!("≈ {} vs previous period (estimates)", d.change_text())
                        }
                        Some(d) if d.verdict != Verdict::Unknown => format!("{} vs previous period", d.change_text()),
                        _ => "no previous period".to_owned(),
                    }}
                </div>
            </div>
        }
    };
    view! {
        <section class="kpis" aria-label="Key figures">
            {Kpi::ALL.into_iter().map(card).collect_view()}
        </section>
        {move || coverage.get().map(|c| view! { <p class="coverage banner banner-warn" role="status">{c}</p> })}
        {move || current.with(|a| a.as_ref().and_then(|a| a.without_latency_note())).map(|note| view! {
            <p class="without-latency muted small" role="note">{note}</p>
        })}
    }
}
