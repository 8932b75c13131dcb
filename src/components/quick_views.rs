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

    // A short form: a number field with its label and unit, and a submit button.
    let number_form = |id: &'static str,
                       label: &'static str,
                       max: &'static str,
                       unit: &'static str,
                       button: &'static str,
                       text: RwSignal<String>,
                       submit: Box<dyn Fn(leptos::ev::SubmitEvent)>| {
        view! {
            <form class="job" on:submit=submit>
                <label for=id>{label}</label>
                <input id=id type="number" min="1" max=max inputmode="numeric"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev)) />
                <span>{unit}</span>
                <button type="submit" class="btn">{button}</button>
            </form>
        }
    };

    view! {
        <section class="jobs card" aria-label="Quick views">
            {number_form("failed-hours", "Failed calls in the last", "2160", "hours", "Show", failed_hours, Box::new(show_failed))}
            <a class="btn" href="#trunks">"Trunk latency"</a>
            <a class="btn" href=report_href>"Daily report"</a>
            {number_form("slo", "Latency SLO", "600000", "ms", "Set", slo_text, Box::new(set_slo))}
            {move || problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        </section>
    }
}
