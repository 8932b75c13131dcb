//! Where the analytics view's gather stands: a progress bar with Cancel while it
//! runs, where it stopped with Resume once cancelled, and over how many calls the
//! figures are once it is done. Failures are the loader's banners.

use std::sync::Arc;

use leptos::prelude::*;

use crate::app::AppState;
use crate::client::Client;
use crate::components::LoadBanners;
use crate::gather::{exact_cost, CONTRACT_PAGE};
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
    /// Gathers the whole set of a sampled view ("Compute exactly").
    compute_exactly: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    // What computing exactly costs, worked out before it starts from the page the API
    // honours and the rate limit it last announced.
    let cost = move |total: u64| {
        state.client.with_untracked(|c| {
            let c = c.as_ref();
            let page = c.and_then(Client::page_limit).unwrap_or(CONTRACT_PAGE);
            exact_cost(total, page, c.and_then(Client::rate_limit)).1
        })
    };
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
            Phase::Loaded => {
                let sampled = gather.with(|l| l.data().and_then(|g| g.sample.is_some().then_some(g.progress.total)));
                match sampled {
                    Some(total) => view! {
                        <div class="gather gather-sampled" role="status">
                            <span class="gather-done muted">{move || gather.with(|l| l.data().map(|g| format!(
                                "Estimated from {} of {} calls",
                                format::thousands(g.progress.fetched),
                                format::thousands(g.progress.total),
                            )))}</span>
                            <button type="button" class="btn compute-exactly"
                                on:click=move |_| compute_exactly.run(())>"Compute exactly"</button>
                            <span class="exact-cost muted small">{cost(total)}</span>
                        </div>
                    }.into_any(),
                    None => view! {
                        <p class="gather gather-done muted" role="status">
                            {move || gather.with(|l| l.data().map(|g| format!(
                                "Statistics over {} of {} calls",
                                format::thousands(g.progress.fetched),
                                format::thousands(g.progress.total),
                            )))}
                        </p>
                    }.into_any(),
                }
            }
            Phase::Idle | Phase::Stale | Phase::Failed => ().into_any(),
        }}
    }
}
