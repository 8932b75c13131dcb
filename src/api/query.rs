//! [`CallQuery`]: the one validated form of "what the user is looking at".
//!
//! The page URL's query string and the filter form both become a `CallQuery`; nothing
//! else in the dashboard handles raw strings. It renders back to the page URL
//! ([`CallQuery::to_url_query`]) and to the API's query string
//! ([`CallQuery::api_query`]). Parsing a URL never fails: a hand-edited or stale link
//! keeps every parameter that is valid and drops the rest, so the page still opens.

use std::num::NonZeroU32;

use chrono::{DateTime, Duration, SecondsFormat, Utc};

use crate::live::LiveInterval;

/// The status filter: the contract's three values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusFilter {
    /// `status=connected`.
    Connected,
    /// `status=failed`.
    Failed,
    /// `status=disconnected`.
    Disconnected,
}

impl StatusFilter {
    /// All values, in display order.
    pub const ALL: [StatusFilter; 3] = [
        StatusFilter::Connected,
        StatusFilter::Failed,
        StatusFilter::Disconnected,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::Connected => "connected",
            StatusFilter::Failed => "failed",
            StatusFilter::Disconnected => "disconnected",
        }
    }

    /// The label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::Connected => "Connected",
            StatusFilter::Failed => "Failed",
            StatusFilter::Disconnected => "Disconnected",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(s: &str) -> Option<Self> {
        StatusFilter::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// A date range relative to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// The last hour.
    LastHour,
    /// The last 24 hours.
    Last24Hours,
    /// The last 7 days.
    Last7Days,
    /// The last 30 days.
    Last30Days,
}

impl Preset {
    /// All presets, shortest first.
    pub const ALL: [Preset; 4] = [
        Preset::LastHour,
        Preset::Last24Hours,
        Preset::Last7Days,
        Preset::Last30Days,
    ];

    /// The URL spelling, e.g. `24h`.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::LastHour => "1h",
            Preset::Last24Hours => "24h",
            Preset::Last7Days => "7d",
            Preset::Last30Days => "30d",
        }
    }

    /// The label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Preset::LastHour => "Last hour",
            Preset::Last24Hours => "Last 24 h",
            Preset::Last7Days => "Last 7 days",
            Preset::Last30Days => "Last 30 days",
        }
    }

    /// How far back the preset reaches.
    pub fn duration(self) -> Duration {
        match self {
            Preset::LastHour => Duration::hours(1),
            Preset::Last24Hours => Duration::hours(24),
            Preset::Last7Days => Duration::days(7),
            Preset::Last30Days => Duration::days(30),
        }
    }

    /// Parses the URL spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Preset::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Which calls by start time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DateRange {
    /// No date filter.
    #[default]
    All,
    /// Relative to the moment the view was loaded.
    Preset(Preset),
    /// Absolute bounds, either of which may be open; both inclusive.
    Custom {
        /// Calls that started on or after this instant.
        start: Option<DateTime<Utc>>,
        /// Calls that started on or before this instant.
        end: Option<DateTime<Utc>>,
    },
}

impl DateRange {
    /// The absolute bounds of this range, with presets resolved against `now`.
    pub fn bounds(self, now: DateTime<Utc>) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        match self {
            DateRange::All => (None, None),
            DateRange::Preset(p) => (Some(now - p.duration()), Some(now)),
            DateRange::Custom { start, end } => (start, end),
        }
    }
}

/// Rows per page: the sizes the pager offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PageSize {
    /// 10 rows.
    Ten,
    /// 20 rows, the API's default.
    #[default]
    Twenty,
    /// 50 rows.
    Fifty,
    /// 100 rows, the API's maximum.
    Hundred,
}

impl PageSize {
    /// All sizes, smallest first.
    pub const ALL: [PageSize; 4] = [
        PageSize::Ten,
        PageSize::Twenty,
        PageSize::Fifty,
        PageSize::Hundred,
    ];

    /// The number of rows.
    pub fn get(self) -> u32 {
        match self {
            PageSize::Ten => 10,
            PageSize::Twenty => 20,
            PageSize::Fifty => 50,
            PageSize::Hundred => 100,
        }
    }

    /// The size for a number of rows, if the pager offers it.
    pub fn from_rows(n: u32) -> Option<Self> {
        PageSize::ALL.into_iter().find(|s| s.get() == n)
    }
}

/// In which time zone times are shown and custom ranges are entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimeZoneMode {
    /// The browser's local time zone.
    #[default]
    Local,
    /// UTC.
    Utc,
}

/// Longest trunk id accepted from a URL; real ids are far shorter.
const MAX_TRUNK_LEN: usize = 128;

/// Longest look-back of "failed calls in the last N hours": 90 days.
pub const MAX_QUICK_HOURS: i64 = 24 * 90;

/// Largest SLO accepted: ten minutes of latency is already absurd.
pub const MAX_SLO_MS: u32 = 600_000;

/// A trunk id as a filter: trimmed, non-empty, at most 128 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrunkId(String);

impl TrunkId {
    /// The id, if `raw` (trimmed) is one a filter can hold.
    pub fn new(raw: &str) -> Option<TrunkId> {
        let v = raw.trim();
        (!v.is_empty() && v.chars().count() <= MAX_TRUNK_LEN).then(|| TrunkId(v.to_owned()))
    }

    /// The id as the API spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A call id in the URL (`call=`): the call whose detail panel is open. Non-empty,
/// at most 128 characters, no control characters; otherwise as the API spells it (it
/// is URL-encoded in links and requests, and shown as text).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(String);

impl CallId {
    /// The id, if `raw` (trimmed) is one.
    pub fn new(raw: &str) -> Option<CallId> {
        let v = raw.trim();
        let ok =
            !v.is_empty() && v.chars().count() <= MAX_TRUNK_LEN && !v.chars().any(char::is_control);
        ok.then(|| CallId(v.to_owned()))
    }

    /// The id as the API spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A service-level objective on total latency, in ms: 1 to [`MAX_SLO_MS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slo(u32);

impl Slo {
    /// The SLO of `ms`, if it is in range.
    pub fn new(ms: u32) -> Option<Slo> {
        (1..=MAX_SLO_MS).contains(&ms).then_some(Slo(ms))
    }

    /// Reads what a user typed into the SLO field; the error is a sentence.
    pub fn parse(text: &str) -> Result<Slo, &'static str> {
        text.trim()
            .parse::<u32>()
            .ok()
            .and_then(Slo::new)
            .ok_or("Enter the SLO as a whole number of milliseconds, from 1 to 600000.")
    }

    /// Milliseconds.
    pub fn ms(self) -> u32 {
        self.0
    }
}

/// Which calls a view shows: status, trunk and date range. This is the key of
/// everything that depends on the set rather than on its paging or display (the
/// view's clock, gathering, the analysis); two views with equal filters show the
/// same calls.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Filters {
    /// Only calls of this status.
    pub status: Option<StatusFilter>,
    /// Only calls of this trunk.
    pub trunk: Option<TrunkId>,
    /// Only calls that started in this range.
    pub range: DateRange,
}

impl Filters {
    /// Whether any filter is set.
    pub fn any(&self) -> bool {
        self.status.is_some() || self.trunk.is_some() || self.range != DateRange::All
    }
}

/// The validated view: filters, page, page size, time zone and SLO.
///
/// Its fields are private: it is built by [`CallQuery::new`] or
/// [`CallQuery::from_url_query`] and changed by the `with_*` methods, none of which
/// can make an invalid view (page 0, a page size the pager does not offer, an empty or
/// overlong trunk, an SLO out of range).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallQuery {
    filters: Filters,
    page: NonZeroU32,
    page_size: PageSize,
    tz: TimeZoneMode,
    slo: Option<Slo>,
    call: Option<CallId>,
    live: LiveInterval,
}

impl Default for CallQuery {
    /// The default view: everything, first page, 20 rows, local time.
    fn default() -> Self {
        CallQuery::new()
    }
}

impl CallQuery {
    /// The default view: everything, first page, 20 rows, local time.
    pub fn new() -> Self {
        CallQuery {
            filters: Filters::default(),
            page: NonZeroU32::MIN,
            page_size: PageSize::default(),
            tz: TimeZoneMode::default(),
            slo: None,
            call: None,
            live: LiveInterval::Off,
        }
    }

    /// Parses a page URL's query string (with or without the leading `?`).
    ///
    /// Never fails: invalid parameters are dropped and take their defaults.
    pub fn from_url_query(query: &str) -> Self {
        let mut q = CallQuery::new();
        let (mut start, mut end, mut preset) = (None, None, None);
        let query = query.strip_prefix('?').unwrap_or(query);
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "status" => q.filters.status = StatusFilter::parse(&value),
                "trunk" => q.filters.trunk = TrunkId::new(&value),
                "range" => preset = Preset::parse(&value),
                "from" => start = parse_instant(&value),
                "to" => end = parse_instant(&value),
                "page" => q.page = value.parse().ok().unwrap_or(NonZeroU32::MIN),
                "size" => {
                    q.page_size = value
                        .parse()
                        .ok()
                        .and_then(PageSize::from_rows)
                        .unwrap_or_default()
                }
                "slo" => q.slo = value.parse().ok().and_then(Slo::new),
                "call" => q.call = CallId::new(&value),
                "live" => q.live = LiveInterval::parse(&value).unwrap_or_default(),
                "tz" => {
                    q.tz = if value == "utc" {
                        TimeZoneMode::Utc
                    } else {
                        TimeZoneMode::Local
                    }
                }
                _ => {}
            }
        }
        q.filters.range = match (preset, start, end) {
            (Some(p), _, _) => DateRange::Preset(p),
            (None, None, None) => DateRange::All,
            (None, Some(s), Some(e)) if s > e => DateRange::Custom {
                start: Some(e),
                end: Some(s),
            },
            (None, start, end) => DateRange::Custom { start, end },
        };
        q
    }

    /// Renders the page URL's query string (no leading `?`); defaults are left out.
    pub fn to_url_query(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        self.append_filters(&mut out);
        if self.page.get() > 1 {
            out.append_pair("page", &self.page.to_string());
        }
        if self.page_size != PageSize::default() {
            out.append_pair("size", &self.page_size.get().to_string());
        }
        self.append_display(&mut out);
        out.finish()
    }

    /// The filters' URL parameters (`status`, `trunk`, `range` or `from`/`to`).
    fn append_filters(&self, out: &mut form_urlencoded::Serializer<'_, String>) {
        if let Some(s) = self.filters.status {
            out.append_pair("status", s.as_str());
        }
        if let Some(t) = &self.filters.trunk {
            out.append_pair("trunk", t.as_str());
        }
        match self.filters.range {
            DateRange::All => {}
            DateRange::Preset(p) => {
                out.append_pair("range", p.as_str());
            }
            DateRange::Custom { start, end } => {
                if let Some(s) = start {
                    out.append_pair("from", &rfc3339(s));
                }
                if let Some(e) = end {
                    out.append_pair("to", &rfc3339(e));
                }
            }
        }
    }

    /// The display settings' URL parameters (`tz`, `slo`).
    fn append_display(&self, out: &mut form_urlencoded::Serializer<'_, String>) {
        if self.tz == TimeZoneMode::Utc {
            out.append_pair("tz", "utc");
        }
        if let Some(slo) = self.slo {
            out.append_pair("slo", &slo.ms().to_string());
        }
        if let Some(call) = &self.call {
            out.append_pair("call", call.as_str());
        }
        if self.live != LiveInterval::Off {
            out.append_pair("live", self.live.as_str());
        }
    }

    /// The API query string for the current page, presets resolved against `now`.
    pub fn api_query(&self, now: DateTime<Utc>) -> String {
        self.api_query_window(now, self.page_size.get(), self.offset())
    }

    /// The API query string for any window of the filtered set (used when gathering).
    pub fn api_query_window(&self, now: DateTime<Utc>, limit: u32, offset: u64) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.append_pair("limit", &limit.to_string());
        out.append_pair("offset", &offset.to_string());
        if let Some(s) = self.filters.status {
            out.append_pair("status", s.as_str());
        }
        if let Some(t) = &self.filters.trunk {
            out.append_pair("trunk_id", t.as_str());
        }
        let (start, end) = self.filters.range.bounds(now);
        if let Some(s) = start {
            out.append_pair("start_date", &rfc3339(s));
        }
        if let Some(e) = end {
            out.append_pair("end_date", &rfc3339(e));
        }
        out.finish()
    }

    /// The filters: which calls this view shows.
    pub fn filters(&self) -> &Filters {
        &self.filters
    }

    /// The status filter.
    pub fn status(&self) -> Option<StatusFilter> {
        self.filters.status
    }

    /// The trunk filter.
    pub fn trunk_id(&self) -> Option<&str> {
        self.filters.trunk.as_ref().map(TrunkId::as_str)
    }

    /// The date range.
    pub fn range(&self) -> DateRange {
        self.filters.range
    }

    /// The 1-based page.
    pub fn page(&self) -> u32 {
        self.page.get()
    }

    /// Rows per page.
    pub fn page_size(&self) -> PageSize {
        self.page_size
    }

    /// The offset of this page's first row in the filtered set.
    pub fn offset(&self) -> u64 {
        crate::pager::offset(self.page.get(), self.page_size.get())
    }

    /// The display time zone.
    pub fn tz(&self) -> TimeZoneMode {
        self.tz
    }

    /// The user's SLO on total latency, if set (else the analytics default applies).
    pub fn slo(&self) -> Option<Slo> {
        self.slo
    }

    /// How often the live view refreshes.
    pub fn live(&self) -> LiveInterval {
        self.live
    }

    /// Another live interval: a display setting, so the page is kept.
    pub fn with_live(&self, live: LiveInterval) -> Self {
        CallQuery {
            live,
            ..self.clone()
        }
    }

    /// The view's filters over calls that started at `since` or later (and within the
    /// view's range, presets resolved against `now`, its end left open unless the range
    /// has a fixed one): what a live refresh asks for.
    pub fn since(&self, since: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        let (start, _) = self.filters.range.bounds(now);
        let end = match self.filters.range {
            DateRange::Custom { end, .. } => end,
            _ => None,
        };
        let mut q = self.clone();
        q.filters.range = DateRange::Custom {
            start: Some(start.map_or(since, |s| s.max(since))),
            end,
        };
        q
    }

    /// The call whose detail panel is open, if one is.
    pub fn call(&self) -> Option<&CallId> {
        self.call.as_ref()
    }

    /// The same view with another call's detail panel open (or none): a display
    /// setting, so the page is kept.
    pub fn with_call(&self, call: Option<CallId>) -> Self {
        CallQuery {
            call,
            ..self.clone()
        }
    }

    /// The same filters on another page (the pager's target); page 0 reads as 1.
    pub fn with_page(&self, page: u32) -> Self {
        CallQuery {
            page: NonZeroU32::new(page).unwrap_or(NonZeroU32::MIN),
            ..self.clone()
        }
    }

    /// The same view with other filters applied by `change`; returns to page 1.
    pub fn with_filters(&self, change: impl FnOnce(&mut Filters)) -> Self {
        let mut q = self.clone();
        change(&mut q.filters);
        q.page = NonZeroU32::MIN;
        q
    }

    /// Another status filter; page 1.
    pub fn with_status(&self, status: Option<StatusFilter>) -> Self {
        self.with_filters(|f| f.status = status)
    }

    /// Another trunk filter; page 1.
    pub fn with_trunk(&self, trunk: Option<TrunkId>) -> Self {
        self.with_filters(|f| f.trunk = trunk)
    }

    /// Another date range; page 1.
    pub fn with_range(&self, range: DateRange) -> Self {
        self.with_filters(|f| f.range = range)
    }

    /// Another page size; page 1.
    pub fn with_page_size(&self, size: PageSize) -> Self {
        CallQuery {
            page_size: size,
            page: NonZeroU32::MIN,
            ..self.clone()
        }
    }

    /// Another time zone: a display setting, so the page is kept.
    pub fn with_tz(&self, tz: TimeZoneMode) -> Self {
        CallQuery { tz, ..self.clone() }
    }

    /// Another SLO: a display setting, so the page is kept.
    pub fn with_slo(&self, slo: Option<Slo>) -> Self {
        CallQuery {
            slo,
            ..self.clone()
        }
    }

    /// What the per-status counts are taken over: this view's trunk and date range
    /// only, so paging, page size, time zone and the status itself never refetch them.
    pub fn counts_scope(&self) -> Self {
        CallQuery::new().with_filters(|f| {
            f.trunk = self.filters.trunk.clone();
            f.range = self.filters.range;
        })
    }

    /// What the statistics depend on besides the calls: the range (its bounds shape
    /// the time buckets) and the SLO.
    pub fn stats_scope(&self) -> Self {
        CallQuery::new()
            .with_range(self.filters.range)
            .with_slo(self.slo)
    }

    /// The same filters with the date range made absolute: presets resolved against
    /// `now`, and an open end closed at `now`. Paging through a frozen query sees the
    /// same set from the first request to the last, even while new calls arrive.
    pub fn frozen(&self, now: DateTime<Utc>) -> Self {
        let (start, end) = self.filters.range.bounds(now);
        let mut q = self.clone();
        q.filters.range = DateRange::Custom {
            start,
            end: Some(end.unwrap_or(now)),
        };
        q
    }

    /// The vendor's first job as a view: this view's failed calls that started in the
    /// last `hours` (what a user typed: a whole number from 1 to 2,160, i.e. 90 days)
    /// before `now`. The error is a sentence saying what the field takes.
    pub fn failed_in_last(&self, hours: &str, now: DateTime<Utc>) -> Result<Self, &'static str> {
        let hours: i64 = hours
            .trim()
            .parse()
            .ok()
            .filter(|h| (1..=MAX_QUICK_HOURS).contains(h))
            .ok_or("Enter a whole number of hours from 1 to 2160 (90 days).")?;
        Ok(self.with_filters(|f| {
            f.status = Some(StatusFilter::Failed);
            f.range = DateRange::Custom {
                start: Some(now - Duration::hours(hours)),
                end: None,
            };
        }))
    }

    /// The same view with a preset range resolved against `now` into absolute bounds;
    /// other ranges, open ends included, are kept as they are. Two views that would
    /// send the same API query resolve to equal queries, whatever their anchors.
    pub fn resolved(&self, now: DateTime<Utc>) -> Self {
        let mut q = self.clone();
        if let DateRange::Preset(_) = q.filters.range {
            let (start, end) = q.filters.range.bounds(now);
            q.filters.range = DateRange::Custom { start, end };
        }
        q
    }

    /// The period of the same length just before this one, for "change since" figures;
    /// `None` when the range has no start (there is no "before" to compare with).
    pub fn previous_period(&self, now: DateTime<Utc>) -> Option<Self> {
        let (start, end) = self.filters.range.bounds(now);
        let start = start?;
        let end = end.unwrap_or(now);
        let length = end - start;
        let previous_end = start - Duration::seconds(1);
        let mut q = self.clone();
        q.filters.range = DateRange::Custom {
            start: Some(previous_end - length),
            end: Some(previous_end),
        };
        Some(q)
    }

    /// Whether any filter is set (status, trunk or dates).
    pub fn has_filters(&self) -> bool {
        self.filters.any()
    }

    /// The view with every filter cleared, keeping page size, time zone and SLO.
    pub fn cleared(&self) -> Self {
        CallQuery {
            filters: Filters::default(),
            page: NonZeroU32::MIN,
            ..self.clone()
        }
    }
}

/// Formats an instant the way the API and the page URL carry it: `2024-03-05T10:30:00Z`.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
