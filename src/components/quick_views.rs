//! The vendor's jobs as one-click views: failed calls of the last N hours, trunk
//! latency, the daily report, and the latency SLO the figures are judged against.

use leptos::prelude::*;

use crate::api::{CallQuery, Slo};
use crate::links::View;
use crate::stats::DEFAULT_TOTAL_SLO_MS;
use crate::view_clock;

/// The quick-view forms above the analytics figures.
#[component]
pub fn QuickViews(
    /// The current view.
    query: Memo<CallQuery>,
    /// Move to another view.
    #[prop(into)]
    on_change: Callback<CallQuery>,
) -> impl IntoView {
    let failed_hours = RwSignal::new("24".to_owned());
    let problem = RwSignal::new(None::<&'static str>);
    // A form's answer: the view to move to, or the sentence saying what to fix.
    let apply = move |next: Result<CallQuery, &'static str>| match next {
        Ok(q) => {
            problem.set(None);
            on_change.run(q);
        }
        Err(e) => problem.set(Some(e)),
    };
    let show_failed = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = query.get_untracked();
        apply(q.failed_in_last(&failed_hours.get_untracked(), view_clock::now()));
    };
    let report_href = move || query.with(|q| View::Report.href(q));

    let slo = Memo::new(move |_| query.with(|q| q.slo().map_or(DEFAULT_TOTAL_SLO_MS, Slo::ms)));
    let slo_text = RwSignal::new(String::new());
    Effect::new(move |_| slo_text.set(slo.get().to_string()));
    let set_slo = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = query.get_untracked();
        apply(Slo::parse(&slo_text.get_untracked()).map(|s| q.with_slo(Some(s))));
    };

    view! {
        <section class="jobs card" aria-label="Quick views">
            <form class="job" on:submit=show_failed>
                <label for="failed-hours">"Failed calls in the last"</label>
                <input id="failed-hours" type="number" min="1" max="2160" inputmode="numeric"
                    prop:value=move || failed_hours.get()
                    on:input=move |ev| failed_hours.set(event_target_value(&ev)) />
                <span>"hours"</span>
                <button type="submit" class="btn">"Show"</button>
            </form>
            <a class="btn" href="#trunks">"Trunk latency"</a>
            <a class="btn" href=report_href>"Daily report"</a>
            <form class="job" on:submit=set_slo>
                <label for="slo">"Latency SLO"</label>
                <input id="slo" type="number" min="1" max="600000" inputmode="numeric"
                    prop:value=move || slo_text.get()
                    on:input=move |ev| slo_text.set(event_target_value(&ev)) />
                <span>"ms"</span>
                <button type="submit" class="btn">"Set"</button>
            </form>
            {move || problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        </section>
    }
}
