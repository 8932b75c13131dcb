//! The calls view: filters above the call list.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::components::{visible_busy, CallList, FilterPanel, StatusLine};
use crate::url_state::{use_call_query, UrlWriter};
use crate::view_clock::ViewClock;

/// The calls view.
#[component]
pub fn CallsPage() -> impl IntoView {
    let (query, set_query) = use_call_query();
    let url = expect_context::<UrlWriter>();
    let clock = ViewClock::new(query);
    let seen_trunks = RwSignal::new(BTreeSet::new());
    let busy = RwSignal::new(false);
    let shown_busy = visible_busy(busy);
    view! {
        <div class="calls-page" class:busy=move || shown_busy.get() aria-busy=move || (busy.get() || url.is_pending()).to_string()>
            <FilterPanel query=query on_change=set_query clock=clock seen_trunks=seen_trunks />
            <StatusLine query=query clock=clock busy=shown_busy />
            <CallList query=query on_change=set_query clock=clock seen_trunks=seen_trunks busy=busy />
        </div>
    }
}
