//! Runs a [`GatherPlan`]: every page of a frozen query, a few requests at a time.
//!
//! Pages already fetched for the same query are reused from a [`PageCache`], so going
//! back to a filter, or resuming a cancelled gather, does not ask the API again. All
//! requests share one `AbortSignal`: aborting it (a filter changed, or Cancel) stops
//! every request in flight at once.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use web_sys::AbortSignal;

use crate::api::RetryNotice;
use crate::api::{ApiError, Call, CallQuery};
use crate::client::Client;
use crate::gather::{
    gather_wait_ms, honoured_page, preview_due, GatherOptions, GatherPlan, Progress,
    CONTRACT_PAGE, LARGEST_PAGE,
};

/// Most calls the cache keeps; past this it starts over (a simple, bounded policy).
const CACHE_LIMIT: usize = 400_000;

/// One fetched window: its calls, the `total` the API reported with it, and the
/// page size it says it honoured (`pagination.limit`).
type Page = Rc<(Vec<Call>, u64, u64)>;

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

/// Fetches one window through the cache, pacing itself first (see [`pace`]).
async fn window(
    ctx: &GatherCtx<'_>,
    query: &CallQuery,
    now: DateTime<Utc>,
    (offset, limit): (u64, u32),
    in_flight: &Cell<u32>,
) -> Result<Page, ApiError> {
    let key = query.api_query_window(now, limit, offset);
    if let Some(hit) = ctx.cache.get(&key) {
        return Ok(hit);
    }
    pace(ctx, in_flight).await?;
    in_flight.set(in_flight.get() + 1);
    let page = ctx
        .client
        .calls_window(query, now, limit, offset, ctx.signal, ctx.listen.notify)
        .await;
    in_flight.set(in_flight.get().saturating_sub(1));
    let page = page?;
    let p = page.pagination;
    let entry = Rc::new((page.calls, p.total, p.limit));
    ctx.cache.put(key, entry.clone());
    Ok(entry)
}

/// Waits, with a notice counting down, while the last rate-limit headers say one more
/// request would eat into the reserve kept for the call list ([`gather_wait_ms`]), so
/// a gather is never refused with a 429 by its own doing.
async fn pace(ctx: &GatherCtx<'_>, in_flight: &Cell<u32>) -> Result<(), ApiError> {
    let now_ms = || crate::view_clock::now().timestamp_millis().max(0) as u64;
    let Some(mut left) = gather_wait_ms(ctx.client.rate_limit(), in_flight.get(), now_ms())
    else {
        return Ok(());
    };
    while left > 0 {
        (ctx.listen.notify)(Some(RetryNotice::paced(left)));
        let step = left.min(1_000);
        gloo_timers::future::TimeoutFuture::new(step as u32).await;
        if ctx.signal.aborted() {
            return Err(ApiError::Aborted);
        }
        left -= step;
    }
    (ctx.listen.notify)(None);
    Ok(())
}

/// The first window of a gather, at the largest page the connection allows: asked for
/// [`LARGEST_PAGE`] once per connection, then what the API honoured (a 400 to the larger
/// page means the contract's 100, asked again at once).
async fn first_window(
    ctx: &GatherCtx<'_>,
    query: &CallQuery,
    now: DateTime<Utc>,
    (cap, opts_max_page): (u64, Option<u32>),
    in_flight: &Cell<u32>,
) -> Result<(Page, u32), ApiError> {
    let known = ctx.client.page_limit().or(opts_max_page);
    let asked = known.unwrap_or(LARGEST_PAGE);
    let limit = |page: u32| (0, u32::try_from(cap.clamp(1, u64::from(page))).unwrap_or(page));
    let first_window = limit(asked);
    match window(ctx, query, now, first_window, in_flight).await {
        Ok(first) => {
            // What the API did with the page asked (the whole 1,000, or less when it
            // caps pages silently): the rest of the gather goes on in pages of that.
            let asked_now = first_window.1;
            let honoured = honoured_page(asked_now, Some(first.2));
            if known.is_none() && (honoured < asked_now || asked_now == asked) {
                ctx.client.set_page_limit(honoured);
            }
            Ok((first, honoured))
        }
        Err(ApiError::BadRequest { .. }) if known.is_none() && asked > CONTRACT_PAGE => {
            let page = honoured_page(asked, None);
            ctx.client.set_page_limit(page);
            Ok((window(ctx, query, now, limit(page), in_flight).await?, page))
        }
        Err(e) => Err(e),
    }
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
    let (on_progress, listen) = (ctx.listen.progress, &ctx.listen);
    let in_flight = Cell::new(0u32);
    let (first, page) = first_window(ctx, query, now, (opts.cap, opts.max_page), &in_flight).await?;
    let total = first.1;
    // The rest in pages as large as the first (it was that size unless the set is
    // smaller, which then has no rest).
    let plan = GatherPlan::new(total, &GatherOptions { page, ..opts }, true);
    let mut pages: Vec<Option<Page>> = vec![None; plan.windows.len()];
    let mut progress = Progress {
        fetched: (first.0.len() as u64).min(plan.target),
        target: plan.target,
        total,
    };
    on_progress(progress);
    let mut results = stream::iter(plan.windows.iter().copied().enumerate())
        .map(|(i, w)| {
            let in_flight = &in_flight;
            async move { (i, window(ctx, query, now, w, in_flight).await) }
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
