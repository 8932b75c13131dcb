//! [`use_live_list`]: the live view of a call list. On page 1 new calls are fetched
//! since the newest on screen and merged at the top ([`LiveCalls`]), with a brief
//! highlight, when the user is at the top with no detail panel open and the pointer
//! off the table; otherwise they wait behind a "N new calls — show" pill and nothing
//! moves. On other pages the pill counts the calls that arrived since the view was
//! loaded, and takes the user to page 1. The status counts follow every change.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::api::{CallQuery, CallsPage};
use crate::live::{LiveCalls, LiveInterval};
use crate::loader::Loader;
use crate::use_live::{use_live, LiveStatus};
use crate::view_clock::{self, ViewClock};

/// Pages of 100 one refresh reads at most (a refresh every 15 s of a busy account).
const MAX_PAGES: u64 = 5;

/// How long a merged row stays highlighted, ms.
const FRESH_MS: u32 = 2_500;

/// The loaded page and the view it answers.
pub type ShownPage = Memo<Option<(CallQuery, CallsPage)>>;

/// The page on screen of a call list's loader, with its key's view.
pub fn list_page(list: Loader<(CallQuery, DateTime<Utc>), CallsPage>) -> ShownPage {
    Memo::new(move |_| list.with(|l| l.shown_key().map(|k| k.0.clone()).zip(l.data().cloned())))
}

/// The live state of a call list.
#[derive(Clone, Copy)]
pub struct LiveList {
    /// The merged calls of page 1, while live; `None` shows the loaded page.
    pub calls: RwSignal<Option<LiveCalls>>,
    /// Calls waiting behind the pill.
    pub pending: RwSignal<u64>,
    /// Calls shown beyond those the page loaded with (the pager's total follows).
    pub added: RwSignal<u64>,
    /// Ids to highlight briefly.
    pub fresh: RwSignal<Vec<String>>,
    /// The pointer is over the table: nothing moves under it.
    pub pointer_over: RwSignal<bool>,
    /// What the live control says.
    pub status: RwSignal<LiveStatus>,
    on_page_one: Callback<()>,
}

impl LiveList {
    /// Shows the calls behind the pill: merged at the top of page 1, or page 1 itself.
    pub fn show(&self) {
        let merged = self
            .calls
            .try_update(|l| l.as_mut().map(LiveCalls::show_pending))
            .flatten();
        match merged {
            Some(ids) => {
                self.added.update(|a| *a += ids.len() as u64);
                self.pending.set(0);
                highlight(self.fresh, ids);
                if let Some(w) = web_sys::window() {
                    w.scroll_to_with_x_and_y(0.0, 0.0);
                }
            }
            None => {
                self.pending.set(0);
                self.on_page_one.run(());
            }
        }
    }
}

fn highlight(fresh: RwSignal<Vec<String>>, ids: Vec<String>) {
    fresh.set(ids);
    gloo_timers::callback::Timeout::new(FRESH_MS, move || {
        fresh.try_set(Vec::new());
    })
    .forget();
}

/// Whether new calls may be merged where the user looks: page 1, at the top, no
/// detail panel, the pointer off the table.
fn may_move(q: &CallQuery, pointer_over: bool) -> bool {
    let at_top = web_sys::window()
        .and_then(|w| w.scroll_y().ok())
        .is_some_and(|y| y < 40.0);
    q.page() == 1 && q.call().is_none() && at_top && !pointer_over
}

/// The live view of the list whose loaded page is `page`.
pub fn use_live_list(
    query: Memo<CallQuery>,
    clock: ViewClock,
    page: ShownPage,
    to_page_one: Callback<()>,
) -> LiveList {
    let interval = Memo::new(move |_| query.with(CallQuery::live));
    let calls = RwSignal::new(None::<LiveCalls>);
    let (pending, added, fresh, pointer_over) = (
        RwSignal::new(0u64),
        RwSignal::new(0u64),
        RwSignal::new(Vec::new()),
        RwSignal::new(false),
    );
    // Page 1 in live mode starts a merge from the page loaded; anything else shows
    // the page as loaded.
    Effect::new(move |_| {
        let live = interval.get() != LiveInterval::Off;
        let seed = page.with(|p| {
            p.as_ref()
                .filter(|(q, _)| live && q.page() == 1)
                .map(|(q, p)| LiveCalls::new(p.calls.clone(), q.status()))
        });
        calls.set(seed);
        added.set(0);
        pending.set(0);
        clock.live_now.set(None);
    });

    let refresh = move |job: crate::loader::Job<()>| -> crate::loader::Fetch<()> {
        let q = query.get_untracked();
        let now = view_clock::now();
        let since = calls.with_untracked(|l| l.as_ref().and_then(LiveCalls::since));
        let loaded_total = page.with_untracked(|p| p.as_ref().map(|(_, p)| p.pagination.total));
        Box::pin(async move {
            match since {
                Some(since) => {
                    let (fetched, complete) = job
                        .client
                        .calls_since(&q.since(since, now), now, MAX_PAGES, &job.signal, job.notify())
                        .await?;
                    let received = calls
                        .try_update(|l| l.as_mut().map(|l| l.receive(&fetched, complete)))
                        .flatten()
                        .unwrap_or_default();
                    let waiting = calls
                        .try_with_untracked(|l| l.as_ref().map_or(0, LiveCalls::pending_count))
                        .unwrap_or(0);
                    added.try_update(|a| *a = a.saturating_sub(received.left as u64));
                    pending.try_set(waiting as u64);
                    let over = pointer_over.try_get_untracked().unwrap_or(true);
                    let current = query.try_get_untracked().unwrap_or(q);
                    if waiting > 0 && may_move(&current, over) {
                        let ids = calls
                            .try_update(|l| l.as_mut().map(LiveCalls::show_pending))
                            .flatten()
                            .unwrap_or_default();
                        added.try_update(|a| *a += ids.len() as u64);
                        pending.try_set(0);
                        highlight(fresh, ids);
                    }
                    if received.new + received.updated + received.left > 0 {
                        clock.live_tick.try_update(|t| *t += 1);
                    }
                }
                None => {
                    // Another page: how many calls the view holds now beyond those it
                    // held when it loaded (its range kept open at the end).
                    let Some(loaded) = loaded_total else {
                        return Ok(());
                    };
                    let window = q.since(DateTime::<Utc>::UNIX_EPOCH, now);
                    let got = job
                        .client
                        .calls_window(&window, now, 1, 0, &job.signal, job.notify())
                        .await?;
                    pending.try_set(got.pagination.total.saturating_sub(loaded));
                }
            }
            clock.live_now.try_set(Some(now));
            Ok(())
        })
    };
    let status = use_live(interval, refresh);
    LiveList {
        calls,
        pending,
        added,
        fresh,
        pointer_over,
        status,
        on_page_one: to_page_one,
    }
}
