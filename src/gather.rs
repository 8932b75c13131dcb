//! Gathering the whole filtered set: which windows to fetch, and how far along we are.
//!
//! The API pages 100 calls at most per request, so statistics over a filtered set need
//! `total / 100` requests. [`GatherPlan`] lists them after the first answer has told the
//! total; the browser layer runs them a few at a time and reports [`Progress`].

use crate::live::RateLimit;

/// The largest page a gather asks for. The contract documents 100 per request, but the
/// vendor's own daily-report example asks for `limit=1000`: a gather asks for 1,000 once
/// per connection and keeps what the answer's `pagination.limit` says was honoured (a
/// 400 means the contract's 100), see [`honoured_page`].
pub const LARGEST_PAGE: u32 = 1_000;

/// The page the contract guarantees.
pub const CONTRACT_PAGE: u32 = 100;

/// The page size to use from now on after asking for `asked` calls: what the answer's
/// `pagination.limit` says it honoured (never more than asked, at least 1), or the
/// contract's 100 when the larger page was refused (`None`: a 400).
pub fn honoured_page(asked: u32, answered_limit: Option<u64>) -> u32 {
    match answered_limit {
        Some(limit) => u32::try_from(limit).unwrap_or(asked).clamp(1, asked),
        None => CONTRACT_PAGE.min(asked),
    }
}

/// Longest a gather waits for a rate-limit window in one go, in ms: the documented
/// window is a minute, so after this long it has certainly ended, whatever the
/// browser's clock says about the API's `X-RateLimit-Reset`.
pub const MAX_PACE_WAIT_MS: u64 = 60_000;

/// Whether a gather may send one more request now: `None` to go, or how long to wait
/// (ms) first. `rate` is the last `X-RateLimit-*` headers seen (none announced: go),
/// `in_flight` the gather's requests not answered yet (their cost is not in the headers
/// yet), `now_ms` the browser's Unix time. A tenth of the limit ([`RateLimit::budget`],
/// the live view's share) stays in reserve for the call list and live refresh, so a
/// gather waits when sending would leave less; it waits until the window resets (plus
/// a quarter second), at most [`MAX_PACE_WAIT_MS`]. Once the reset time has passed the
/// headers are stale and the gather goes. A reset more than two windows ahead means
/// this browser's clock disagrees with the API's: the headers cannot be timed, so the
/// gather goes and a 429, should one come, is honoured as ever (its `Retry-After` is
/// relative, so it needs no clock).
pub fn gather_wait_ms(rate: Option<RateLimit>, in_flight: u32, now_ms: u64) -> Option<u64> {
    let rate = rate?;
    let reset_ms = rate.reset_s.saturating_mul(1000);
    if rate.limit == u32::MAX || now_ms >= reset_ms || reset_ms - now_ms > 2 * MAX_PACE_WAIT_MS {
        return None;
    }
    let needed = u64::from(in_flight) + u64::from(rate.budget());
    if u64::from(rate.remaining) > needed {
        return None;
    }
    Some((reset_ms - now_ms + 250).min(MAX_PACE_WAIT_MS))
}

/// What "Compute exactly" costs for a set of `total` calls in pages of `page`: the
/// requests, and the sentence saying how long that takes at the rate limit last
/// announced (`None`: none seen), the gather keeping [`RateLimit::budget`] of each
/// one-minute window in reserve as [`gather_wait_ms`] does.
///
/// Usage: `exact_cost(1_000_000, 100, Some(rate))` → `(10_000, "10,000 requests, about 19 min at the API's limit of 600 a minute")`.
pub fn exact_cost(total: u64, page: u32, rate: Option<RateLimit>) -> (u64, String) {
    let requests = total.div_ceil(u64::from(page.max(1)));
    let n = crate::format::thousands(requests);
    let noun = if requests == 1 { "request" } else { "requests" };
    let text = match rate {
        Some(r) if r.limit != crate::live::UNLIMITED => {
            let per_window = u64::from(r.limit.saturating_sub(r.budget()).max(1));
            // Whole windows waited for, then the last partial one (counted as a window).
            let minutes = requests.div_ceil(per_window);
            let when = if requests <= per_window {
                "within a minute".to_owned()
            } else if minutes < 120 {
                format!("about {minutes} min")
            } else {
                format!("about {:.1} h", minutes as f64 / 60.0)
            };
            format!(
                "{n} {noun}, {when} at the API's limit of {} a minute",
                crate::format::thousands(u64::from(r.limit))
            )
        }
        _ => format!("{n} {noun}; the API announces no rate limit, so as fast as it answers"),
    };
    (requests, text)
}

/// How to gather; `GatherOptions::default()` is what the dashboard uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatherOptions {
    /// Requests in flight at once. Default 4.
    pub concurrency: usize,
    /// Most calls gathered; past it every figure says "n of total". Default 100,000.
    pub cap: u64,
    /// Calls per request, up to [`LARGEST_PAGE`]. Default 100, the contract's; the
    /// gatherer uses the larger page the API has been seen to honour.
    pub page: u32,
    /// The largest page the API accepts, when the site's configuration says so; else
    /// (default `None`) the first gather of a connection asks for [`LARGEST_PAGE`].
    pub max_page: Option<u32>,
    /// Past the cap, describe the set from exact counts and a random sample of its pages
    /// (`crate::stats::SampledSet`) instead of gathering its newest `cap` calls. Default
    /// false; the analytics view sets it unless a manager asked to compute exactly.
    pub sample_past_cap: bool,
}

impl Default for GatherOptions {
    fn default() -> Self {
        GatherOptions {
            concurrency: 4,
            cap: 100_000,
            page: 100,
            max_page: None,
            sample_past_cap: false,
        }
    }
}

/// The windows to fetch for a set of `total` calls, the first one excluded when it
/// has been fetched already (it told us the total).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatherPlan {
    /// Calls matching the filters.
    pub total: u64,
    /// Calls that will be gathered: `min(total, cap)`.
    pub target: u64,
    /// `(offset, limit)` of every request, in order.
    pub windows: Vec<(u64, u32)>,
}

impl GatherPlan {
    /// The plan for `total` calls; `skip_first` leaves out the window at offset 0.
    pub fn new(total: u64, opts: &GatherOptions, skip_first: bool) -> Self {
        let page = u64::from(opts.page.clamp(1, LARGEST_PAGE));
        let target = total.min(opts.cap);
        let mut windows = Vec::with_capacity(target.div_ceil(page) as usize);
        let mut offset = if skip_first { page.min(target) } else { 0 };
        while offset < target {
            let limit = (target - offset).min(page);
            windows.push((offset, limit as u32));
            offset += limit;
        }
        GatherPlan {
            total,
            target,
            windows,
        }
    }

    /// Whether the cap cuts the set short, so figures must say "n of total".
    pub fn is_capped(&self) -> bool {
        self.target < self.total
    }
}

/// Smallest set worth previewing: below it gathering is over in a blink.
pub const PREVIEW_MIN_TARGET: u64 = 5_000;

/// Whether statistics over the calls gathered so far should be shown now: each time
/// gathering crosses a quarter of a large set (25, 50 and 75 %). A manager sees the
/// figures take shape during a long gather, and the statistics code is warm (compiled
/// by the browser's optimising tier) when the whole set arrives.
pub fn preview_due(fetched_before: u64, fetched_now: u64, target: u64) -> bool {
    if target < PREVIEW_MIN_TARGET || fetched_now >= target {
        return false;
    }
    let quarter = |n: u64| n * 4 / target;
    quarter(fetched_now) > quarter(fetched_before)
}

/// How far gathering has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Calls received so far.
    pub fetched: u64,
    /// Calls that will be gathered in all.
    pub target: u64,
    /// Calls matching the filters.
    pub total: u64,
}

impl Progress {
    /// Fraction done in `0.0..=1.0` (1.0 for an empty set).
    pub fn fraction(&self) -> f64 {
        if self.target == 0 {
            1.0
        } else {
            (self.fetched as f64 / self.target as f64).clamp(0.0, 1.0)
        }
    }

    /// `12,300 of 20,000 calls`.
    pub fn text(&self) -> String {
        format!(
            "{} of {} calls",
            crate::format::thousands(self.fetched),
            crate::format::thousands(self.target)
        )
    }

    /// The label every figure carries when the set is incomplete: `n of total`,
    /// or `None` when the figures cover every matching call.
    pub fn coverage_label(&self) -> Option<String> {
        (self.fetched < self.total).then(|| {
            format!(
                "over {} of {} calls",
                crate::format::thousands(self.fetched),
                crate::format::thousands(self.total)
            )
        })
    }
}

/// How long a tab keeps a view's moment for its filters, in seconds: coming back to the
/// same filters within this long (another view, the same one after a detour, a filter
/// changed and changed back) shows them as of the same moment, so every gathered page
/// and count is served from memory and nothing is asked again. The status line says
/// the moment; Refresh (or Retry) takes a new one.
pub const ANCHOR_KEPT_S: i64 = 600;

/// Most filter sets whose moment a tab keeps (the oldest go first).
pub const ANCHORS_KEPT: usize = 32;

/// The moments a tab's views are as of, by filters ([`ANCHOR_KEPT_S`]).
///
/// Usage: `let now = book.anchor(&filters, wall_now, refreshed);`.
#[derive(Debug, Clone, Default)]
pub struct AnchorBook(Vec<(crate::api::Filters, chrono::DateTime<chrono::Utc>)>);

impl AnchorBook {
    /// The moment a view of `filters` is as of at `now`: the one kept for them when
    /// younger than [`ANCHOR_KEPT_S`] and not `refreshed`, else `now` (then kept).
    pub fn anchor(
        &mut self,
        filters: &crate::api::Filters,
        now: chrono::DateTime<chrono::Utc>,
        refreshed: bool,
    ) -> chrono::DateTime<chrono::Utc> {
        let kept = self.0.iter().position(|(f, _)| f == filters);
        if let Some(i) = kept {
            let at = self.0[i].1;
            let age = (now - at).num_seconds();
            if !refreshed && (0..ANCHOR_KEPT_S).contains(&age) {
                return at;
            }
            self.0.remove(i);
        }
        if self.0.len() >= ANCHORS_KEPT {
            self.0.remove(0);
        }
        self.0.push((filters.clone(), now));
        now
    }
}
