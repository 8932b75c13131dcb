//! The one clock: [`now`] is the only place the browser layer reads the time, and
//! [`ViewClock`] the moment a view's relative ranges are measured from.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::api::CallQuery;
use crate::gather::AnchorBook;

/// The current instant. Components never read the wall clock themselves: a view's
/// "now" is its [`ViewClock`], so every figure of a view is as of one moment.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// "Now" for a view: fixed when the filters change or the user refreshes, so paging
/// through "last 24 h" neither skips nor repeats calls as time passes. Filters seen in
/// the last ten minutes get back the moment they had ([`AnchorBook`]), so moving
/// between views asks the API for nothing it already answered.
#[derive(Clone, Copy)]
pub struct ViewClock {
    /// The anchor instant.
    pub now: Memo<DateTime<Utc>>,
    /// Bumped by "Refresh" and "Retry": moves the anchor and refetches.
    pub reload: RwSignal<u32>,
    /// Bumped when a live refresh brought changes: what follows the list (the status
    /// counts) asks again, without moving the anchor.
    pub live_tick: RwSignal<u32>,
    /// When the live view last brought the figures up to date, if later than `now`.
    pub live_now: RwSignal<Option<DateTime<Utc>>>,
}

impl ViewClock {
    /// A clock that moves when `query`'s filters change or [`ViewClock::refresh`] is called.
    pub fn new(query: Memo<CallQuery>) -> Self {
        let reload = RwSignal::new(0u32);
        let filters = Memo::new(move |_| query.with(|q| q.filters().clone()));
        // The tab's moments by filters (see `AnchorBook`): coming back to the same
        // filters soon shows the same moment, so nothing is fetched again.
        let book = use_context::<StoredValue<AnchorBook, LocalStorage>>();
        let seen_reload = StoredValue::new(0u32);
        let now = Memo::new(move |_| {
            let refreshed = reload.get() != seen_reload.get_value();
            seen_reload.set_value(reload.get_untracked());
            let wall = self::now();
            filters.with(|f| match book {
                Some(book) => book
                    .try_update_value(|b| b.anchor(f, wall, refreshed))
                    .unwrap_or(wall),
                None => wall,
            })
        });
        ViewClock {
            now,
            reload,
            live_tick: RwSignal::new(0),
            live_now: RwSignal::new(None),
        }
    }

    /// The instant the view's figures are as of: the anchor, or a later live refresh.
    pub fn as_of(&self) -> DateTime<Utc> {
        let now = self.now.get();
        self.live_now.get().map_or(now, |l| l.max(now))
    }

    /// Moves the anchor to now and refetches.
    pub fn refresh(&self) {
        self.reload.update(|n| *n += 1);
    }
}
