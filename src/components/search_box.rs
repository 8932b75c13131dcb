//! The search box in the header: a call id opens that call; a phone number, in any
//! spelling, finds every call of the current filter with that number (held in memory
//! only: never the URL, the history, storage or a log).

use leptos::prelude::*;

use crate::api::{ApiError, CallId};
use crate::app::PhoneSearch;
use crate::components::LoadBanners;
use crate::links::View;
use crate::loader::{use_loader, LoaderOptions};
use crate::search::{self, Search};
use crate::url_state;

/// The header's search box.
#[component]
pub fn SearchBox() -> impl IntoView {
    let phone = expect_context::<PhoneSearch>();
    let text = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    // A call id to look up, with a counter so the same id asked again is asked again.
    let wanted = RwSignal::new(None::<(CallId, u32)>);
    let asked = StoredValue::new(0u32);

    // Where a search lands: the view on screen if it has a call list, else the calls view.
    let list_view = move || match url_state::current_view() {
        Some(View::Analytics) => View::Analytics,
        _ => View::Calls,
    };
    let go = url_state::use_go();
    let go_found = go.clone();
    let lookup = use_loader(
        move || wanted.get(),
        |(id, _), job| {
            let id = id.clone();
            Box::pin(async move {
                match job.client.call_detail(id.as_str(), &job.signal, job.notify()).await {
                    Ok(_) => Ok(Some(id)),
                    Err(ApiError::NotFound { .. }) => Ok(None),
                    Err(e) => Err(e),
                }
            })
        },
        LoaderOptions {
            on_result: Some(std::rc::Rc::new(move |(id, _): &(CallId, u32), r: &Result<Option<CallId>, ApiError>| {
                match r {
                    Ok(Some(found)) => {
                        note.set(None);
                        let q = url_state::current_query().with_call(Some(found.clone()));
                        go_found(list_view().href(&q));
                    }
                    Ok(None) => note.set(Some(format!("No call with id {}.", id.as_str()))),
                    Err(_) => {}
                }
            })),
            ..LoaderOptions::default()
        },
    );

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match search::parse(&text.get_untracked()) {
            Ok(Search::CallId(raw)) => match CallId::new(&raw) {
                Some(id) => {
                    note.set(None);
                    asked.update_value(|n| *n += 1);
                    wanted.set(Some((id, asked.get_value())));
                }
                None => note.set(Some(search::ACCEPTS.to_owned())),
            },
            Ok(Search::Number(digits)) => {
                note.set(None);
                phone.0.set(Some(digits));
                if url_state::current_view() != Some(View::Calls) {
                    go(View::Calls.href(&url_state::current_query()));
                }
            }
            Err(sentence) => note.set(Some(sentence.to_owned())),
        }
    };

    view! {
        <form class="search" role="search" on:submit=submit autocomplete="off">
            <label for="search" class="visually-hidden">"Search a call id or a phone number"</label>
            <input id="search" type="search" placeholder="Call id or phone number"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev)) />
            <button type="submit" class="btn">"Search"</button>
            {move || note.get().map(|n| view! { <p class="search-note" role="alert">{n}</p> })}
            <LoadBanners status=lookup.status() on_retry=move |_| lookup.retry() />
        </form>
    }
}
