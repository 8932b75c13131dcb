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
use crate::api::{ApiError, Call, CallQuery, DateRange, StatusFilter, TrunkId};
use crate::client::Client;
use crate::gather::{
    gather_wait_ms, honoured_page, preview_due, GatherOptions, GatherPlan, Progress,
    CONTRACT_PAGE, LARGEST_PAGE,
};
use crate::stats::{
    sample_strata, seed_from, strata_for_budget, SamplePlan, SampledSet, SampledStratum, StatusCounts, SAMPLE_PAGE,
    SAMPLE_PAGES,
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
    /// Calls in API order (newest first); a sample's calls stratum by stratum.
    pub calls: Vec<Call>,
    /// How much of the set they are.
    pub progress: Progress,
    /// Set when the calls are a random sample of a set larger than the cap, with the
    /// set's exact counts ([`sample`]).
    pub sample: Option<SampledSet>,
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
    if plan.is_capped() && opts.sample_past_cap {
        return sample(ctx, query, now, total, &opts, &in_flight).await;
    }
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
                sample: None,
            });
        }
    }
    let calls = assemble(&pages);
    progress.fetched = calls.len() as u64;
    Ok(Gathered {
        calls,
        progress,
        sample: None,
    })
}

/// Runs `requests` a few at a time (`opts.concurrency`), in the order given back.
async fn all<T, F: std::future::Future<Output = Result<T, ApiError>>>(
    requests: Vec<F>,
    opts: &GatherOptions,
    mut done: impl FnMut(usize, &T),
) -> Result<Vec<T>, ApiError> {
    let mut out: Vec<Option<T>> = Vec::with_capacity(requests.len());
    out.resize_with(requests.len(), || None);
    let mut results = stream::iter(requests.into_iter().enumerate())
        .map(|(i, f)| async move { (i, f.await) })
        .buffer_unordered(opts.concurrency.max(1));
    while let Some((i, r)) = results.next().await {
        let r = r?;
        done(i, &r);
        out[i] = Some(r);
    }
    Ok(out.into_iter().flatten().collect())
}

/// The API's total for each of `bases` × `statuses` (`None` keeps the base's own
/// status filter), base by base in that order: one-row requests through the cache, a
/// few at a time.
async fn totals(
    ctx: &GatherCtx<'_>,
    bases: &[CallQuery],
    statuses: &[Option<StatusFilter>],
    (now, opts, in_flight): (DateTime<Utc>, &GatherOptions, &Cell<u32>),
) -> Result<Vec<u64>, ApiError> {
    let queries: Vec<CallQuery> = bases
        .iter()
        .flat_map(|q| {
            statuses
                .iter()
                .map(move |s| s.map_or_else(|| q.clone(), |s| q.with_status(Some(s))))
        })
        .collect();
    all(
        queries
            .iter()
            .map(|q| async move { window(ctx, q, now, (0, 1), in_flight).await.map(|p| p.1) })
            .collect(),
        opts,
        |_, _| {},
    )
    .await
}

/// A set of `total` calls, more than the cap, described by a sample (see
/// `crate::stats::sampled` for which figures are exact): the range is cut into the
/// chart's time buckets, each counted by the API (its total, and each status's unless
/// the view filters one), then [`SAMPLE_PAGES`] pages of [`SAMPLE_PAGE`] calls (fewer
/// when the cap is smaller than that) are
/// drawn across them, seeded from the query (a reload draws the same pages). An open
/// start is the oldest call's (one request at the last offset).
async fn sample(
    ctx: &GatherCtx<'_>,
    query: &CallQuery,
    now: DateTime<Utc>,
    total: u64,
    opts: &GatherOptions,
    in_flight: &Cell<u32>,
) -> Result<Gathered, ApiError> {
    let (start, end) = query.range().bounds(now);
    let end = end.unwrap_or(now);
    let start = match start {
        Some(s) => s,
        None => {
            let oldest = window(ctx, query, now, (total.saturating_sub(1), 1), in_flight).await?;
            oldest.0.first().map_or(end, |c| c.start_time)
        }
    };
    // Never more calls than the cap allows (a site may set a small one), and two
    // pages for every bucket.
    let budget = SAMPLE_PAGES.min((opts.cap / u64::from(SAMPLE_PAGE)).max(2));
    let (width, bounds) = sample_strata(start, end, strata_for_budget(budget));
    let within = |(a, b): (DateTime<Utc>, DateTime<Utc>)| {
        query.with_range(DateRange::Custom {
            start: Some(a),
            end: Some(b),
        })
    };
    // The counts: per stratum its total, and each status's when no status is filtered.
    let statuses: Vec<Option<StatusFilter>> = match query.status() {
        Some(_) => vec![None],
        None => std::iter::once(None)
            .chain(StatusFilter::ALL.into_iter().map(Some))
            .collect(),
    };
    let mut progress = Progress {
        fetched: 0,
        target: 0,
        total,
    };
    let bases: Vec<CallQuery> = bounds.iter().map(|b| within(*b)).collect();
    let counts = totals(ctx, &bases, &statuses, (now, opts, in_flight)).await?;
    let stratum_counts: Vec<StatusCounts> = counts
        .chunks(statuses.len())
        .map(|c| {
            let by_status = match query.status() {
                Some(StatusFilter::Connected) => [c[0], 0, 0],
                Some(StatusFilter::Failed) => [0, c[0], 0],
                Some(StatusFilter::Disconnected) => [0, 0, c[0]],
                None => [c[1], c[2], c[3]],
            };
            StatusCounts::from_totals(c[0], by_status)
        })
        .collect();
    // The pages: drawn within each stratum from the query's seed.
    let totals: Vec<u64> = stratum_counts.iter().map(StatusCounts::total).collect();
    let seed = seed_from(&query.api_query(now));
    let plan = SamplePlan::new(&bounds, &totals, u64::from(SAMPLE_PAGE), budget, seed);
    progress.target = plan
        .strata
        .iter()
        .flat_map(|s| s.offsets.iter().map(|o| (s.total - o).min(u64::from(SAMPLE_PAGE))))
        .sum();
    (ctx.listen.progress)(progress);
    let reads: Vec<(usize, CallQuery, u64)> = plan
        .strata
        .iter()
        .flat_map(|s| {
            let q = within(bounds[s.index]);
            s.offsets.iter().map(move |o| (s.index, q.clone(), *o))
        })
        .collect();
    let pages = all(
        reads
            .iter()
            .map(|(_, q, o)| window(ctx, q, now, (*o, SAMPLE_PAGE), in_flight))
            .collect(),
        opts,
        |_, p: &Page| {
            progress.fetched += p.0.len() as u64;
            (ctx.listen.progress)(progress);
        },
    )
    .await?;
    let mut calls = Vec::with_capacity(progress.fetched as usize);
    let mut strata: Vec<SampledStratum> = bounds
        .iter()
        .zip(&stratum_counts)
        .map(|(&(start, end), &counts)| SampledStratum {
            start,
            end,
            counts,
            pages: Vec::new(),
        })
        .collect();
    for ((h, _, _), page) in reads.iter().zip(&pages) {
        let from = calls.len();
        calls.extend(page.0.iter().cloned());
        strata[*h].pages.push(from..calls.len());
    }
    progress.fetched = calls.len() as u64;
    let trunks = trunk_counts(ctx, query, now, opts, in_flight, &calls).await?;
    Ok(Gathered {
        calls,
        progress,
        sample: Some(SampledSet {
            strata,
            width,
            seed,
            trunks,
        }),
    })
}

/// Each trunk's calls by status over the whole `query` (exact): the trunks `/v1/trunks`
/// lists, or the ones `sampled` shows when that list cannot be read; none when `query`
/// filters a trunk. Three one-row requests a trunk (all, connected, failed), or one
/// when the view filters a status.
async fn trunk_counts(
    ctx: &GatherCtx<'_>,
    query: &CallQuery,
    now: DateTime<Utc>,
    opts: &GatherOptions,
    in_flight: &Cell<u32>,
    sampled: &[Call],
) -> Result<Vec<(String, StatusCounts)>, ApiError> {
    if query.trunk_id().is_some() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = match ctx.client.all_trunks(ctx.signal, ctx.listen.notify).await {
        Ok(list) => list.into_iter().map(|t| t.id).collect(),
        Err(ApiError::Aborted) => return Err(ApiError::Aborted),
        Err(_) => {
            let mut seen: Vec<String> = sampled.iter().map(|c| c.trunk_id.clone()).collect();
            seen.sort_unstable();
            seen.dedup();
            seen
        }
    };
    let ids: Vec<(String, TrunkId)> = ids
        .into_iter()
        .filter_map(|id| TrunkId::new(&id).map(|t| (id, t)))
        .collect();
    let statuses: &[Option<StatusFilter>] = match query.status() {
        Some(_) => &[None],
        None => &[None, Some(StatusFilter::Connected), Some(StatusFilter::Failed)],
    };
    let bases: Vec<CallQuery> = ids
        .iter()
        .map(|(_, t)| query.with_trunk(Some(t.clone())))
        .collect();
    let totals = totals(ctx, &bases, statuses, (now, opts, in_flight)).await?;
    Ok(ids
        .into_iter()
        .zip(totals.chunks(statuses.len()))
        .map(|((id, _), c)| {
            let counts = match query.status() {
                Some(StatusFilter::Connected) => StatusCounts::from_totals(c[0], [c[0], 0, 0]),
                Some(StatusFilter::Failed) => StatusCounts::from_totals(c[0], [0, c[0], 0]),
                Some(StatusFilter::Disconnected) => StatusCounts::from_totals(c[0], [0, 0, c[0]]),
                // Disconnected and unknown statuses together: what the rows need is all,
                // connected and failed.
                None => StatusCounts {
                    connected: c[1],
                    failed: c[2],
                    disconnected: c[0].saturating_sub(c[1] + c[2]),
                    other: 0,
                },
            };
            (id, counts)
        })
        .collect())
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
