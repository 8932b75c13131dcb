//! Direct mode: the form that takes the API base URL and key.
//!
//! The key lives in memory only, unless the user ticks "remember on this device". The
//! form never submits to a URL (the key would land in the address bar and history).

use leptos::prelude::*;

use crate::app::AppState;
use crate::client::{Client, Connection};
use crate::storage::{self, RememberedConnection};

/// The connect form, with the reason it is shown again after a 401.
#[component]
pub fn ConnectPanel(default_base: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let base = RwSignal::new(default_base);
    let key = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let api_base = base.get_untracked().trim().trim_end_matches('/').to_owned();
        let k = key.get_untracked().trim().to_owned();
        if api_base.is_empty() || k.is_empty() {
            problem.set(Some("Enter both the API base URL and a key.".to_owned()));
            return;
        }
        if remember.get_untracked() {
            storage::remember_connection(&RememberedConnection {
                api_base: api_base.clone(),
                key: k.clone(),
            });
        } else {
            storage::forget_connection();
        }
        key.set(String::new());
        state.auth_problem.set(None);
        state.client.set(Some(Client::new(Connection {
            api_base,
            key: Some(k),
        })));
    };

    view! {
        <section class="connect card" aria-labelledby="connect-title">
            <h1 id="connect-title">"Connect to the Telepath API"</h1>
            <p class="muted">
                "This dashboard talks to the API from your browser. Use a read-only key: it is kept in this tab's memory and sent only to the API base below."
            </p>
            {move || state.auth_problem.get().map(|m| view! {
                <p class="banner banner-error" role="alert">{format!("The API rejected the key: {m}")}</p>
            })}
            {move || problem.get().map(|m| view! { <p class="banner banner-error" role="alert">{m}</p> })}
            <form on:submit=submit autocomplete="off">
                <label for="api-base">"API base URL"</label>
                <input id="api-base" type="url" required
                    prop:value=move || base.get()
                    on:input=move |ev| base.set(event_target_value(&ev)) />
                <label for="api-key">"API key"</label>
                <input id="api-key" type="password" required autocomplete="off" spellcheck="false"
                    placeholder="sk_live_…"
                    prop:value=move || key.get()
                    on:input=move |ev| key.set(event_target_value(&ev)) />
                <label class="check">
                    <input type="checkbox"
                        prop:checked=move || remember.get()
                        on:change=move |ev| remember.set(event_target_checked(&ev)) />
                    "Remember on this device (stored in this browser until you disconnect)"
                </label>
                <button type="submit" class="btn btn-primary">"Connect"</button>
            </form>
        </section>
    }
}
