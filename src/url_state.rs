//! The view lives in the page URL: reading it as a [`CallQuery`] and writing it back.
//!
//! Every filter, the page, the page size and the time zone are in the query string, so
//! reload, back/forward and a shared link restore the same view.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::api::CallQuery;

/// The current view, and a callback that moves to another one (a history entry each).
pub fn use_call_query() -> (Memo<CallQuery>, Callback<CallQuery>) {
    let location = use_location();
    let search = location.search;
    let query = Memo::new(move |_| CallQuery::from_url_query(&search.get()));
    let navigate = use_navigate();
    let pathname = location.pathname;
    let set = Callback::new(move |q: CallQuery| {
        let path = pathname.get_untracked();
        let s = q.to_url_query();
        let url = if s.is_empty() {
            path
        } else {
            format!("{path}?{s}")
        };
        navigate(
            &url,
            NavigateOptions {
                resolve: false,
                scroll: false,
                ..Default::default()
            },
        );
    });
    (query, set)
}
