//! [`use_list_view`]: what every view with filters and a call list shares — the view
//! from the URL, its clock, the trunks seen so far and whether it is busy.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::api::CallQuery;
use crate::components::visible_busy;
use crate::url_state::{use_call_query, UrlWriter};
use crate::view_clock::ViewClock;

/// The shared state of a view with filters and a call list.
#[derive(Clone, Copy)]
pub struct ListView {
    /// The view, from the URL (or pending on its way there).
    pub query: Memo<CallQuery>,
    /// Moves to another view (a history entry each).
    pub set_query: Callback<CallQuery>,
    /// The view's "now".
    pub clock: ViewClock,
    /// Every trunk seen in calls so far (the trunk menu's fallback).
    pub seen_trunks: RwSignal<BTreeSet<String>>,
    /// A page request is out.
    pub busy: RwSignal<bool>,
    /// `busy`, once it has lasted long enough to show.
    pub shown_busy: Signal<bool>,
    url: UrlWriter,
}

impl ListView {
    /// The page's `aria-busy`: a request is out, or the view is not in the URL yet.
    pub fn aria_busy(&self) -> String {
        (self.busy.get() || self.url.is_pending()).to_string()
    }
}

/// The shared state of the calling view.
pub fn use_list_view() -> ListView {
    let (query, set_query) = use_call_query();
    let busy = RwSignal::new(false);
    ListView {
        query,
        set_query,
        clock: ViewClock::new(query),
        seen_trunks: RwSignal::new(BTreeSet::new()),
        busy,
        shown_busy: visible_busy(busy),
        url: expect_context::<UrlWriter>(),
    }
}
