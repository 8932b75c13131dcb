//! The calls view: filters above the call list.

use leptos::prelude::*;

use crate::app::PhoneSearch;
use crate::components::{CallList, FilterPanel, SearchResults, StatusLine};
use crate::list_view::use_list_view;

/// The calls view.
#[component]
pub fn CallsPage() -> impl IntoView {
    let v = use_list_view();
    let phone = expect_context::<PhoneSearch>();
    view! {
        <div class="calls-page" class:busy=move || v.shown_busy.get() aria-busy=move || v.aria_busy()>
            <FilterPanel query=v.query on_change=v.set_query clock=v.clock seen_trunks=v.seen_trunks />
            <StatusLine query=v.query clock=v.clock busy=v.shown_busy />
            <Show when=move || phone.0.with(Option::is_some) fallback=move || view! {
                <CallList query=v.query on_change=v.set_query clock=v.clock seen_trunks=v.seen_trunks busy=v.busy />
            }>
                <SearchResults query=v.query on_change=v.set_query clock=v.clock />
            </Show>
        </div>
    }
}
