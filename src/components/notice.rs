//! The error banner with a retry, and the notice shown while a retry waits.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::client::RetryNotice;
use crate::format;

/// A failure as a sentence, with a button to try again.
#[component]
pub fn ErrorBanner(error: ApiError, #[prop(into)] on_retry: Callback<()>) -> impl IntoView {
    let title = match &error {
        ApiError::Network { .. } => "Cannot reach the API",
        ApiError::Unauthorized { .. } => "Not authorised",
        ApiError::RateLimited { .. } => "Rate limit reached",
        ApiError::Server { .. } => "The API failed",
        ApiError::Decode { .. } => "Unreadable answer",
        ApiError::BadRequest { .. } | ApiError::NotFound { .. } => "Request refused",
        ApiError::Aborted => "Cancelled",
    };
    view! {
        <div class="banner banner-error" role="alert">
            <div>
                <strong>{title}</strong>
                <p>{error.to_string()}</p>
            </div>
            <button type="button" class="btn" on:click=move |_| on_retry.run(())>
                "Retry"
            </button>
        </div>
    }
}

/// "Rate limit reached — retrying in 3 s", while the client waits.
#[component]
pub fn RetryBanner(notice: RetryNotice) -> impl IntoView {
    let wait = format::millis(notice.wait_ms as f64);
    let text = match &notice.error {
        ApiError::RateLimited { .. } => {
            format!("Rate limit reached: waiting {wait} as the API asks, then retrying.")
        }
        other => format!("{other} Retrying in {wait}."),
    };
    view! { <p class="banner banner-warn" role="status">{text}</p> }
}
