//! Where the analytics view's gather stands: a progress bar with Cancel while it
//! runs, where it stopped with Resume once cancelled, and over how many calls the
//! figures are once it is done. Failures are the loader's banners.

use std::sync::Arc;

use leptos::prelude::*;

use crate::components::LoadBanners;
use crate::format;
use crate::gatherer::Gathered;
use crate::load::Phase;
use crate::loader::Loader;
use crate::use_analysis::GatherKey;

/// The gather's status line (and banners) of the analytics view.
#[component]
pub fn GatherStatus(
    /// The analytics view's gather.
    gather: Loader<GatherKey, Arc<Gathered>>,
) -> impl IntoView {
    let phase = Memo::new(move |_| gather.phase());
    let progress = move || gather.with(|l| l.progress().unwrap_or_default());
    view! {
        <LoadBanners status=gather.status() on_retry=move |_| gather.retry()
            stale_note="The figures below are the previous view's, kept until this one loads."
            stale_class="figures-note" />
        {move || match phase.get() {
            Phase::Loading | Phase::RateLimited => {
                let p = progress();
                view! {
                    <div class="gather" role="status" aria-live="polite">
                        <div class="progress" role="progressbar" aria-label="Gathering calls"
                            aria-valuemin="0" aria-valuemax=p.target.to_string() aria-valuenow=p.fetched.to_string()>
                            <span class="progress-fill" style:width=format::percent_width(p.fraction())></span>
                        </div>
                        <span class="gather-text">{format!("Gathering {}", p.text())}</span>
                        <button type="button" class="btn" on:click=move |_| gather.cancel()>"Cancel"</button>
                    </div>
                }.into_any()
            }
            Phase::Cancelled => view! {
                <div class="gather" role="status">
                    <span class="gather-text">{format!(
                        "Gathering cancelled at {}. Figures below are from the previous set.",
                        progress().text()
                    )}</span>
                    <button type="button" class="btn" on:click=move |_| gather.retry()>"Resume"</button>
                </div>
            }.into_any(),
            Phase::Loaded => view! {
                <p class="gather gather-done muted" role="status">
                    {move || gather.with(|l| l.data().map(|g| format!(
                        "Statistics over {} of {} calls",
                        format::thousands(g.progress.fetched),
                        format::thousands(g.progress.total),
                    )))}
                </p>
            }.into_any(),
            Phase::Idle | Phase::Stale | Phase::Failed => ().into_any(),
        }}
    }
}
