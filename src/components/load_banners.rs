//! What a view shows around data it loads: the wait before a retry, the failure with
//! a Retry button, and the note that the data kept on screen is the previous view's.

use leptos::prelude::*;

use crate::loader::LoadStatus;

/// The banners of one loader ([`crate::loader::Loader::status`]).
#[component]
pub fn LoadBanners(
    /// The loader's notice, error and staleness.
    #[prop(into)]
    status: Signal<LoadStatus>,
    /// Asks again (the loader's `retry`, or a refresh that also moves the clock).
    #[prop(into)]
    on_retry: Callback<()>,
    /// Says that the data below is old, when it is; `None` for loads whose data is
    /// never shown stale.
    #[prop(optional)]
    stale_note: Option<&'static str>,
    /// Extra classes of the stale note (tests and styles tell the notes apart).
    #[prop(optional)]
    stale_class: &'static str,
) -> impl IntoView {
    view! {
        {move || status.with(|s| s.notice.as_ref().map(|n| view! {
            <p class="banner banner-warn" role="status">{n.text()}</p>
        }))}
        {move || status.with(|s| s.error.clone()).map(|e| view! {
            <div class="banner banner-error" role="alert">
                <div>
                    <strong>{e.title()}</strong>
                    <p>{e.to_string()}</p>
                </div>
                <button type="button" class="btn" on:click=move |_| on_retry.run(())>
                    "Retry"
                </button>
            </div>
        })}
        {move || stale_note.filter(|_| status.with(|s| s.stale)).map(|note| view! {
            <p class=format!("stale-note {stale_class}")>{note}</p>
        })}
    }
}
