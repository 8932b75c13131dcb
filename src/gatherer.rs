//! Runs a [`GatherPlan`]: every page of a frozen query, a few requests at a time.
//!
//! Pages already fetched for the same query are reused from a [`PageCache`], so going
//! back to a filter, or resuming a cancelled gather, does not ask the API again. All
//! requests share one `AbortSignal`: aborting it (a filter changed, or Cancel) stops
//! every request in flight at once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use web_sys::AbortSignal;

use crate::api::RetryNotice;
use crate::api::{ApiError, Call, CallQuery};
use crate::client::Client;
use crate::gather::{preview_due, GatherOptions, GatherPlan, Progress};

/// Most calls the cache keeps; past this it starts over (a simple, bounded policy).
const CACHE_LIMIT: usize = 400_000;

/// One fetched window: its calls and the `total` the API reported with it.
type Page = Rc<(Vec<Call>, u64)>;

/// Pages fetched so far, keyed by the exact API query (filters, bounds and window).
#[derive(Clone, Default)]
pub struct PageCache(Rc<RefCell<HashMap<String, Page>>>);

impl PageCache {
    fn get(&self, key: &str) -> Option<Page> {
        self.0.borrow().get(key).cloned()
    }

    fn put(&self, key: String, page: Page) {
        let mut map = self.0.borrow_mut();
        let held: usize = map.values().map(|p| p.0.len()).sum();
        if held + page.0.len() > CACHE_LIMIT {
            map.clear();
        }
        map.insert(key, page);
    }
}

/// The gathered set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Gathered {
    /// Calls in API order (newest first).
    pub calls: Vec<Call>,
    /// How much of the set they are.
    pub progress: Progress,
}

/// Fetches one window through the cache: `(calls, total)`.
async fn window(
    client: &Client,
    query: &CallQuery,
    now: DateTime<Utc>,
    (offset, limit): (u64, u32),
    cache: &PageCache,
    signal: &AbortSignal,
    notify: &dyn Fn(Option<RetryNotice>),
) -> Result<Page, ApiError> {
    let key = query.api_query_window(now, limit, offset);
    if let Some(hit) = cache.get(&key) {
        return Ok(hit);
    }
    let page = client
        .calls_window(query, now, limit, offset, signal, notify)
        .await?;
    let entry = Rc::new((page.calls, page.pagination.total));
    cache.put(key, entry.clone());
    Ok(entry)
}

/// Who hears about a gather while it runs.
pub struct Listeners<'a> {
    /// After every page.
    pub progress: &'a dyn Fn(Progress),
    /// The calls so far, at each quarter of a large set (see [`preview_due`]).
    pub preview: &'a dyn Fn(Gathered),
    /// Retry waits, as the client reports them.
    pub notify: &'a dyn Fn(Option<RetryNotice>),
}

impl Listeners<'_> {
    /// Nobody listens (the previous period, the daily report's own progress aside).
    pub const QUIET: Listeners<'static> = Listeners {
        progress: &|_| {},
        preview: &|_| {},
        notify: &|_| {},
    };
}

/// What every gather runs with: the client, the page cache, the abort signal shared by
/// all its requests, and who hears about it.
pub struct GatherCtx<'a> {
    /// The API client.
    pub client: &'a Client,
    /// Pages already fetched.
    pub cache: &'a PageCache,
    /// Aborting it stops every request of the gather.
    pub signal: &'a AbortSignal,
    /// Progress, previews and retry notices.
    pub listen: Listeners<'a>,
}

/// Gathers every call of `query` (which should be [`CallQuery::frozen`]), reporting
/// progress after each page. A cancelled gather keeps its pages in the cache, so
/// resuming it fetches only what is missing.
pub async fn gather(
    ctx: &GatherCtx<'_>,
    query: &CallQuery,
    now: DateTime<Utc>,
    opts: GatherOptions,
) -> Result<Gathered, ApiError> {
    let GatherCtx {
        client,
        cache,
        signal,
        listen,
    } = ctx;
    let (client, cache, signal) = (*client, *cache, *signal);
    let (on_progress, notify) = (listen.progress, listen.notify);
    let page = opts.page.clamp(1, 100);
    let first = window(client, query, now, (0, page), cache, signal, notify).await?;
    let total = first.1;
    let plan = GatherPlan::new(total, &opts, true);
    let mut pages: Vec<Option<Page>> = vec![None; plan.windows.len()];
    let mut progress = Progress {
        fetched: (first.0.len() as u64).min(plan.target),
        target: plan.target,
        total,
    };
    on_progress(progress);
    let mut results = stream::iter(plan.windows.iter().copied().enumerate())
        .map(|(i, w)| async move {
            (
                i,
                window(client, query, now, w, cache, signal, notify).await,
            )
        })
        .buffer_unordered(opts.concurrency.max(1));
    let assemble = |pages: &[Option<Page>]| {
        let mut calls = Vec::with_capacity(plan.target as usize);
        calls.extend(first.0.iter().take(plan.target as usize).cloned());
        for p in pages.iter().flatten() {
            calls.extend(p.0.iter().cloned());
        }
        calls
    };
    while let Some((i, result)) = results.next().await {
        let got = result?;
        let before = progress.fetched;
        progress.fetched += got.0.len() as u64;
        pages[i] = Some(got);
        on_progress(progress);
        if preview_due(before, progress.fetched, plan.target) {
            (listen.preview)(Gathered {
                calls: assemble(&pages),
                progress,
            });
        }
    }
    let calls = assemble(&pages);
    progress.fetched = calls.len() as u64;
    Ok(Gathered { calls, progress })
}

/// A gather that may stop before it starts: a set larger than the cap is not
/// gathered at all (an export or a search says how many calls the filter holds and
/// offers to narrow it; never a silent truncation).
#[derive(Debug, Clone, PartialEq)]
pub enum Capped {
    /// Every call of the set.
    All(Gathered),
    /// The set holds `total` calls, more than `cap`.
    TooMany {
        /// Calls matching the filter.
        total: u64,
        /// The most this gather takes.
        cap: u64,
    },
}

/// Counts `query`'s set with one one-row request; gathers all of it if it holds at
/// most `opts.cap` calls (through `cache`, so a retry asks only the missing pages).
pub async fn gather_all_or_count(
    ctx: &GatherCtx<'_>,
    query: &CallQuery,
    now: DateTime<Utc>,
    opts: GatherOptions,
) -> Result<Capped, ApiError> {
    let total = ctx
        .client
        .calls_window(query, now, 1, 0, ctx.signal, ctx.listen.notify)
        .await?
        .pagination
        .total;
    if total > opts.cap {
        return Ok(Capped::TooMany {
            total,
            cap: opts.cap,
        });
    }
    let opts = GatherOptions {
        cap: total.max(1),
        ..opts
    };
    gather(ctx, query, now, opts).await.map(Capped::All)
}
