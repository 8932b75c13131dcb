//! The view lives in the page URL: reading it as a [`CallQuery`] and writing it back.
//!
//! Every filter, the page, the page size and the time zone are in the query string, so
//! reload, back/forward and a shared link restore the same view.
//!
//! A change is written to the history once its rows are on screen, not when it is
//! asked for. In Chromium a `pushState` made while a request is leaving holds that
//! request back by about 6 ms (measured: `requestStart` 3 ms after `fetch` without,
//! 9–11 ms with). That was most of what a page change cost beyond the plain-JS
//! baseline. Until it is written, the view asked for is *pending*: [`use_call_query`]'s
//! query already shows it, and it goes to the URL:
//! - when the call list has shown its rows ([`UrlWriter::write_soon`]);
//! - or after [`WRITE_AFTER_MS`] at the latest;
//! - or at once when another change comes, or a view link is about to be followed
//!   ([`UrlWriter::write_now`]).
//!
//! So every change still gets its own history entry. Back and Forward drop a pending
//! view, because the URL they move to rules.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::api::CallQuery;
use crate::links::ReportQuery;

/// The latest a pending view waits for its URL, in ms (a slow API's rows may take
/// longer; the address bar should not).
pub const WRITE_AFTER_MS: u32 = 300;

/// Writes the pending view of the page on screen to the URL; one per page, shared
/// through the app-wide [`UrlFlush`].
#[derive(Clone, Copy)]
pub struct UrlWriter {
    pending: RwSignal<Option<CallQuery>>,
    write: Callback<()>,
}

impl UrlWriter {
    /// Writes the pending view now, if there is one. A no-op once the page is gone (a
    /// write scheduled before, say, a 401 replaced the page).
    pub fn write_now(&self) {
        if self.pending.try_with_untracked(Option::is_some) == Some(true) {
            self.write.try_run(());
        }
    }

    /// Whether a view asked for is not in the URL yet (tracked). Pages add it to their
    /// `aria-busy`: the view is still settling until its URL is written.
    pub fn is_pending(&self) -> bool {
        self.pending.with(Option::is_some)
    }

    /// Writes the pending view after the next frame: the frame with the new rows is
    /// drawn first, and the request is long gone.
    pub fn write_soon(&self) {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let this = *self;
        let Some(window) = web_sys::window() else {
            return;
        };
        let after_frame = Closure::once_into_js(move || {
            let write = Closure::once_into_js(move || this.write_now());
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback(write.unchecked_ref());
            }
        });
        let _ = window.request_animation_frame(after_frame.unchecked_ref());
    }
}

/// The writer of the page on screen, for the view links outside it: following a link
/// first writes the pending view, so the link carries it.
#[derive(Clone, Copy)]
pub struct UrlFlush(pub StoredValue<Option<UrlWriter>, LocalStorage>);

impl UrlFlush {
    /// Writes the pending view of the page on screen, if any.
    pub fn write_now(&self) {
        if let Some(writer) = self.0.try_get_value().flatten() {
            writer.write_now();
        }
    }
}

/// The current view, and a callback that moves to another one (a history entry each).
/// Also provides the page's [`UrlWriter`] to its children (the call list).
pub fn use_call_query() -> (Memo<CallQuery>, Callback<CallQuery>) {
    let location = use_location();
    let search = location.search;
    let pathname = location.pathname;
    let navigate = use_navigate();
    // The view asked for but not yet in the URL.
    let pending = RwSignal::new(None::<CallQuery>);
    // The view this page last wrote, to tell its own URL changes from Back/Forward.
    let wrote = StoredValue::new(None::<CallQuery>);
    let timer = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    // The view in the URL, parsed once per URL change for `query` and the effect below.
    let in_url = Memo::new(move |_| CallQuery::from_url_query(&search.get()));
    let query = Memo::new(move |_| pending.get().unwrap_or_else(|| in_url.get()));

    let write = Callback::new(move |()| {
        // Dropping the timer cancels it.
        timer.set_value(None);
        let Some(q) = pending.get_untracked() else {
            return;
        };
        let path = pathname.get_untracked();
        let s = q.to_url_query();
        let url = if s.is_empty() {
            path
        } else {
            format!("{path}?{s}")
        };
        wrote.set_value(Some(q));
        // The router's location changes at once, so `query` reads the same view from
        // the URL as it did from `pending`.
        navigate(
            &url,
            NavigateOptions {
                resolve: false,
                scroll: false,
                ..Default::default()
            },
        );
        pending.set(None);
    });
    let writer = UrlWriter { pending, write };
    provide_context(writer);
    if let Some(flush) = use_context::<UrlFlush>() {
        flush.0.set_value(Some(writer));
        on_cleanup(move || {
            flush.0.try_set_value(None);
        });
    }

    // A URL this page did not write (Back, Forward) drops the pending view.
    Effect::new(move |_| {
        // Every URL change counts, also one that parses to the same view.
        search.track();
        let ours = in_url.with(|now| wrote.with_value(|w| w.as_ref() == Some(now)));
        wrote.set_value(None);
        if !ours && pending.with_untracked(Option::is_some) {
            timer.set_value(None);
            pending.set(None);
        }
    });

    let set = Callback::new(move |q: CallQuery| {
        // A view still waiting for the URL gets its own history entry first.
        writer.write_now();
        if q == query.get_untracked() {
            return;
        }
        pending.set(Some(q));
        let later = gloo_timers::callback::Timeout::new(WRITE_AFTER_MS, move || {
            writer.write_now();
        });
        timer.set_value(Some(later));
    });
    (query, set)
}

/// The daily report's view from the URL (`day`, `tz`), parsed once per URL change.
pub fn use_report_query() -> Memo<ReportQuery> {
    let search = use_location().search;
    Memo::new(move |_| ReportQuery::from_url_query(&search.get()))
}

/// The page URL's query string right now (with its `?`, or empty).
pub fn current_search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The view in the page's URL right now, for links outside any page (the header).
pub fn current_query() -> CallQuery {
    CallQuery::from_url_query(&current_search())
}

/// The view the page shows now, from the location's path.
pub fn current_view() -> Option<crate::links::View> {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    crate::links::View::of_path(&path)
}

/// Follows a link relative to the site's base (`report?day=…`), with a history entry.
pub fn use_go() -> impl Fn(String) + Clone + 'static {
    let navigate = use_navigate();
    move |href: String| {
        navigate(
            &crate::navigation::resolve(&href),
            NavigateOptions {
                resolve: false,
                ..Default::default()
            },
        );
    }
}
