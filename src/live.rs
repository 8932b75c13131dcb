//! The live view apart from the browser: how often it may refresh ([`LiveInterval`],
//! [`Pacer`]), and how what a refresh brings is merged into the calls on screen
//! ([`LiveCalls`]). Pure: no clock is read here (times come in as arguments), no
//! request is made.
//!
//! # Merging
//! The API lists calls newest first by `start_time`, then `id`, both descending. A
//! refresh asks for `start_date = `[`LiveCalls::since`] (inclusive): the newest start on
//! screen, or the start of the oldest call on screen still in progress if that is
//! earlier, so one request brings both the calls that arrived and the new state of
//! the calls that were running. Calls are matched by id, so a call sharing the
//! newest start second with calls on screen is neither lost (the bound is inclusive)
//! nor doubled (it is already there). New calls wait in a *pending* list until the
//! view shows them ([`LiveCalls::show_pending`]: at once when the user is at the top of
//! page 1 and nothing is open, else behind the "N new calls — show" pill), so nothing
//! moves under the user. A call in progress (`end_time` unknown) is re-read until it
//! has ended: [`LiveCalls::to_reread`] names them, and a newer version replaces the old
//! one in place wherever it comes from (a refresh page or the call's detail).
//!
//! # Pacing
//! [`Pacer`] says when the next refresh may start: the chosen interval after the last
//! one started, never while one is in flight, never while the tab is hidden or the
//! browser offline (and at once when it is back, if the interval has passed), spending
//! at most [`BUDGET_SHARE`] (10 %) of the `X-RateLimit-Limit` the API announces per
//! rate-limit window, never what `X-RateLimit-Remaining` says is not left, and backing
//! off after failures: a 429 waits as the API asks, a 5xx or network failure doubles
//! the wait each time, up to [`MAX_BACKOFF_MS`].

use chrono::{DateTime, Utc};

use crate::api::{ApiError, Call, CallStatus, StatusFilter};

/// How often the live view refreshes; kept in the page URL as `live=15s|30s|1m|5m`
/// (Off is the default and leaves the parameter out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LiveInterval {
    /// No live refresh.
    #[default]
    Off,
    /// Every 15 seconds.
    Sec15,
    /// Every 30 seconds.
    Sec30,
    /// Every minute.
    Min1,
    /// Every 5 minutes.
    Min5,
}

impl LiveInterval {
    /// Every choice, in the order the control lists them.
    pub const ALL: [LiveInterval; 5] = [
        LiveInterval::Off,
        LiveInterval::Sec15,
        LiveInterval::Sec30,
        LiveInterval::Min1,
        LiveInterval::Min5,
    ];

    /// The URL spelling: `off`, `15s`, `30s`, `1m`, `5m` (`off` is never written to a
    /// URL: it is the default).
    pub fn as_str(self) -> &'static str {
        match self {
            LiveInterval::Off => "off",
            LiveInterval::Sec15 => "15s",
            LiveInterval::Sec30 => "30s",
            LiveInterval::Min1 => "1m",
            LiveInterval::Min5 => "5m",
        }
    }

    /// Parses the URL spelling; anything else is `None` (a URL parser then keeps Off).
    pub fn parse(s: &str) -> Option<LiveInterval> {
        LiveInterval::ALL
            .into_iter()
            .find(|i| i.as_str() == s.trim())
    }

    /// The label the control shows: `Off`, `15 s`, `30 s`, `1 min`, `5 min`.
    pub fn label(self) -> &'static str {
        match self {
            LiveInterval::Off => "Off",
            LiveInterval::Sec15 => "15 s",
            LiveInterval::Sec30 => "30 s",
            LiveInterval::Min1 => "1 min",
            LiveInterval::Min5 => "5 min",
        }
    }

    /// The interval in milliseconds; `None` for Off.
    pub fn millis(self) -> Option<u64> {
        match self {
            LiveInterval::Off => None,
            LiveInterval::Sec15 => Some(15_000),
            LiveInterval::Sec30 => Some(30_000),
            LiveInterval::Min1 => Some(60_000),
            LiveInterval::Min5 => Some(300_000),
        }
    }
}

/// The pill's text: "1 new call — show", "12 new calls — show".
pub fn pill_text(pending: usize) -> String {
    let noun = if pending == 1 { "call" } else { "calls" };
    format!(
        "{} new {noun} — show",
        crate::format::thousands(pending as u64)
    )
}

/// Whether two calls are in API order (`a` listed before `b`): later start first,
/// then the greater id.
fn listed_before(a: &Call, b: &Call) -> bool {
    (a.start_time, &a.id) > (b.start_time, &b.id)
}

/// Whether the API still reports the call as running.
fn in_progress(call: &Call) -> bool {
    call.end_time.is_none()
}

/// The calls of a live list: those on screen, in API order, and those fetched but not
/// shown yet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveCalls {
    shown: Vec<Call>,
    pending: Vec<Call>,
    status: Option<StatusFilter>,
}

/// What one refresh changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Received {
    /// Calls seen for the first time (now pending).
    pub new: usize,
    /// Calls already known whose state changed (replaced in place).
    pub updated: usize,
    /// Calls on screen that no longer match the view's status filter (they ended with
    /// another status) and were taken off.
    pub left: usize,
}

impl LiveCalls {
    /// The calls a view shows (a page of the API, newest first) under its status filter.
    pub fn new(calls: Vec<Call>, status: Option<StatusFilter>) -> Self {
        LiveCalls {
            shown: calls,
            pending: Vec::new(),
            status,
        }
    }

    /// The calls on screen, newest first.
    pub fn shown(&self) -> &[Call] {
        &self.shown
    }

    /// How many calls wait behind the pill.
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    /// The `start_date` of the next refresh (inclusive): the newest start known, or
    /// the start of the oldest call on screen still in progress if that is earlier, so
    /// the refresh brings its new state too. `None` when nothing is known yet (the
    /// view loads its first page instead).
    pub fn since(&self) -> Option<DateTime<Utc>> {
        let newest = self
            .pending
            .iter()
            .chain(&self.shown)
            .map(|c| c.start_time)
            .max()?;
        let oldest_running = self
            .shown
            .iter()
            .chain(&self.pending)
            .filter(|c| in_progress(c))
            .map(|c| c.start_time)
            .min();
        Some(oldest_running.map_or(newest, |t| t.min(newest)))
    }

    /// Ids of the calls on screen or pending that are still in progress: re-read them
    /// (a refresh from [`LiveCalls::since`] does) until they have ended.
    pub fn to_reread(&self) -> Vec<String> {
        self.shown
            .iter()
            .chain(&self.pending)
            .filter(|c| in_progress(c))
            .map(|c| c.id.clone())
            .collect()
    }

    /// Whether a call with this status belongs in the view.
    fn matches(&self, status: &CallStatus) -> bool {
        match self.status {
            None => true,
            Some(f) => status.as_str() == f.as_str(),
        }
    }

    /// Takes what a refresh from [`LiveCalls::since`] returned (any order; pages may
    /// overlap). A call already known is replaced by the version fetched; a call not
    /// known becomes pending. When `complete` (every page of the window was fetched),
    /// a call on screen or pending that started within the window but was not returned
    /// no longer matches the view's filter and is taken off.
    pub fn receive(&mut self, fetched: &[Call], complete: bool) -> Received {
        let window = self.since();
        let mut out = Received::default();
        for call in fetched {
            if let Some(slot) = self
                .shown
                .iter_mut()
                .chain(self.pending.iter_mut())
                .find(|c| c.id == call.id)
            {
                if slot != call {
                    *slot = call.clone();
                    out.updated += 1;
                }
            } else if self.matches(&call.status) {
                let at = self
                    .pending
                    .iter()
                    .position(|p| listed_before(call, p))
                    .unwrap_or(self.pending.len());
                self.pending.insert(at, call.clone());
                out.new += 1;
            }
        }
        let status = self.status;
        let belongs = |c: &Call| status.is_none_or(|f| c.status.as_str() == f.as_str());
        let returned = |c: &Call| fetched.iter().any(|f| f.id == c.id);
        let before = self.shown.len() + self.pending.len();
        let gone = |c: &Call| {
            !belongs(c) || (complete && window.is_some_and(|w| c.start_time >= w) && !returned(c))
        };
        self.shown.retain(|c| !gone(c));
        self.pending.retain(|c| !gone(c));
        out.left = before - self.shown.len() - self.pending.len();
        out
    }

    /// Replaces a call with a newer version of it (a re-read detail); `false` when the
    /// call is not known. A call that no longer matches the view's filter is taken off.
    pub fn replace(&mut self, updated: Call) -> bool {
        let matches = self.matches(&updated.status);
        for list in [&mut self.shown, &mut self.pending] {
            if let Some(i) = list.iter().position(|c| c.id == updated.id) {
                if matches {
                    list[i] = updated;
                } else {
                    list.remove(i);
                }
                return true;
            }
        }
        false
    }

    /// Moves the pending calls onto the screen, in API order, and returns their ids (to
    /// highlight briefly). The view keeps its page size by showing the first
    /// `page_size` of [`LiveCalls::shown`].
    pub fn show_pending(&mut self) -> Vec<String> {
        let ids: Vec<String> = self.pending.iter().map(|c| c.id.clone()).collect();
        let mut merged = Vec::with_capacity(self.shown.len() + self.pending.len());
        let (mut a, mut b) = (
            std::mem::take(&mut self.pending).into_iter().peekable(),
            std::mem::take(&mut self.shown).into_iter().peekable(),
        );
        loop {
            let take_pending = match (a.peek(), b.peek()) {
                (Some(p), Some(s)) => listed_before(p, s),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_pending { a.next() } else { b.next() };
            merged.extend(next);
        }
        self.shown = merged;
        ids
    }
}

/// Share of the announced rate limit the live view may spend per window.
pub const BUDGET_SHARE: f64 = 0.10;
/// Longest wait after repeated failures (5 minutes).
pub const MAX_BACKOFF_MS: u64 = 300_000;
/// First wait after a failure of a 5xx or network kind.
pub const FIRST_BACKOFF_MS: u64 = 15_000;
/// What `X-RateLimit-Limit` says when the API sets no limit.
pub const UNLIMITED: u32 = u32::MAX;

/// The `X-RateLimit-*` headers of the last answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: u32,
    /// Requests left in this window.
    pub remaining: u32,
    /// Unix second at which the window ends.
    pub reset_s: u64,
}

impl RateLimit {
    /// Reads the three headers; `None` unless all three are numbers.
    pub fn from_headers(
        limit: Option<&str>,
        remaining: Option<&str>,
        reset: Option<&str>,
    ) -> Option<RateLimit> {
        let num = |v: Option<&str>| v?.trim().parse::<u64>().ok();
        Some(RateLimit {
            limit: u32::try_from(num(limit)?).unwrap_or(UNLIMITED),
            remaining: u32::try_from(num(remaining)?).unwrap_or(UNLIMITED),
            reset_s: num(reset)?,
        })
    }

    /// Requests the live view may spend in one window: a tenth of the limit, at least
    /// one; unlimited when the API sets no limit.
    pub fn budget(&self) -> u32 {
        if self.limit == UNLIMITED {
            UNLIMITED
        } else {
            ((f64::from(self.limit) * BUDGET_SHARE).floor() as u32).max(1)
        }
    }

    /// When the window ends, in Unix milliseconds.
    fn reset_ms(&self) -> u64 {
        self.reset_s.saturating_mul(1000)
    }
}

/// Why the live view is not refreshing now, whatever the interval says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paused {
    /// The tab is hidden.
    pub hidden: bool,
    /// The browser is offline.
    pub offline: bool,
}

/// When the live view may refresh next; times are Unix milliseconds given by the
/// caller. One refresh is in flight at most.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pacer {
    interval: LiveInterval,
    paused: Paused,
    in_flight: bool,
    last_start_ms: Option<u64>,
    last_success_ms: Option<u64>,
    /// Consecutive failures since the last success.
    failures: u32,
    /// No refresh before this (a 429's wait, a failure's backoff).
    not_before_ms: u64,
    /// The headers last seen.
    rate: Option<RateLimit>,
    /// Requests spent in the window ending at `spent_window_reset_s`.
    spent: u32,
    spent_window_reset_s: u64,
    /// Requests of the refresh in flight (counted in a new window if its answer says
    /// one has begun).
    last_cost: u32,
}

impl Pacer {
    /// A pacer for the chosen interval, nothing sent yet.
    pub fn new(interval: LiveInterval) -> Self {
        Pacer {
            interval,
            ..Pacer::default()
        }
    }

    /// The user chose another interval; the next refresh is timed from the last one.
    pub fn set_interval(&mut self, interval: LiveInterval) {
        self.interval = interval;
    }

    /// The chosen interval.
    pub fn interval(&self) -> LiveInterval {
        self.interval
    }

    /// The tab was hidden or shown, the browser went offline or online.
    pub fn set_paused(&mut self, paused: Paused) {
        self.paused = paused;
    }

    /// Whether a refresh is in flight.
    pub fn in_flight(&self) -> bool {
        self.in_flight
    }

    /// When the last refresh succeeded ("updated 12:04:31"), Unix ms.
    pub fn last_success_ms(&self) -> Option<u64> {
        self.last_success_ms
    }

    /// Consecutive failures since the last success.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Requests of the live view counted in the current window.
    fn spent_now(&self, now_ms: u64) -> u32 {
        match self.rate {
            Some(r) if r.reset_s == self.spent_window_reset_s && now_ms < r.reset_ms() => {
                self.spent
            }
            _ => 0,
        }
    }

    /// The earliest time (Unix ms) a refresh costing `cost` requests may start, or
    /// `None` while none may be planned: Off, paused, or one in flight.
    pub fn next_at(&self, now_ms: u64, cost: u32) -> Option<u64> {
        let every = self.interval.millis()?;
        if self.paused.hidden || self.paused.offline || self.in_flight {
            return None;
        }
        let mut at = self
            .last_start_ms
            .map_or(now_ms, |t| t.saturating_add(every));
        at = at.max(self.not_before_ms);
        if let Some(r) = self.rate {
            let window_open = now_ms < r.reset_ms();
            let over_budget = self.spent_now(now_ms).saturating_add(cost) > r.budget();
            let too_few_left = r.remaining < cost;
            if window_open && (over_budget || too_few_left) {
                at = at.max(r.reset_ms());
            }
        }
        Some(at)
    }

    /// Whether a refresh costing `cost` may start at `now_ms`.
    pub fn may_start(&self, now_ms: u64, cost: u32) -> bool {
        self.next_at(now_ms, cost).is_some_and(|at| at <= now_ms)
    }

    /// A refresh of `cost` requests started (the caller checked [`Pacer::may_start`]).
    pub fn started(&mut self, now_ms: u64, cost: u32) {
        self.spent = self.spent_now(now_ms).saturating_add(cost);
        if let Some(r) = self.rate {
            self.spent_window_reset_s = r.reset_s;
        }
        self.in_flight = true;
        self.last_start_ms = Some(now_ms);
        self.last_cost = cost;
    }

    /// Notes the headers of an answer; a new window starts its own count.
    fn saw(&mut self, rate: Option<RateLimit>) {
        if let Some(r) = rate {
            if r.reset_s != self.spent_window_reset_s {
                // The answer belongs to a new window: only this refresh counts there.
                self.spent_window_reset_s = r.reset_s;
                self.spent = self.last_cost;
            }
            self.rate = Some(r);
        }
    }

    /// The refresh succeeded; `rate` is what its last answer's headers said.
    pub fn succeeded(&mut self, now_ms: u64, rate: Option<RateLimit>) {
        self.in_flight = false;
        self.saw(rate);
        self.failures = 0;
        self.not_before_ms = 0;
        self.last_success_ms = Some(now_ms);
    }

    /// The refresh failed with `error`: a 429 waits as the API asks (and until the
    /// window ends if the headers say nothing is left); a 5xx or network failure backs
    /// off, doubling from [`FIRST_BACKOFF_MS`] up to [`MAX_BACKOFF_MS`]; other errors
    /// (401, a bad page) wait one interval, as the view shows them and the user acts.
    pub fn failed(&mut self, now_ms: u64, error: &ApiError, rate: Option<RateLimit>) {
        self.in_flight = false;
        self.saw(rate);
        self.failures = self.failures.saturating_add(1);
        let backoff = FIRST_BACKOFF_MS
            .saturating_mul(1u64 << (self.failures - 1).min(16))
            .min(MAX_BACKOFF_MS);
        let wait = match error {
            ApiError::RateLimited { retry_after_s } => {
                let asked = retry_after_s.saturating_mul(1000).max(1000);
                let reset = self
                    .rate
                    .filter(|r| r.remaining == 0)
                    .map_or(0, |r| r.reset_ms().saturating_sub(now_ms));
                asked.max(reset).max(backoff)
            }
            ApiError::Server { .. } | ApiError::Network { .. } => backoff,
            _ => self.interval.millis().unwrap_or(0),
        };
        self.not_before_ms = now_ms.saturating_add(wait);
    }
}
