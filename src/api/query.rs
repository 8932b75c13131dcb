//! [`CallQuery`]: the one validated form of "what the user is looking at".
//!
//! The page URL's query string and the filter form both become a `CallQuery`; nothing
//! else in the dashboard handles raw strings. It renders back to the page URL
//! ([`CallQuery::to_url_query`]) and to the API's query string
//! ([`CallQuery::api_query`]). Parsing a URL never fails: a hand-edited or stale link
//! keeps every parameter that is valid and drops the rest, so the page still opens.

use chrono::{DateTime, Duration, SecondsFormat, Utc};

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

/// The validated view: filters, page, page size and time zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CallQuery {
    /// Only calls of this status.
    pub status: Option<StatusFilter>,
    /// Only calls of this trunk.
    pub trunk_id: Option<String>,
    /// Only calls that started in this range.
    pub range: DateRange,
    /// 1-based page number.
    pub page: u32,
    /// Rows per page.
    pub page_size: PageSize,
    /// Display time zone.
    pub tz: TimeZoneMode,
    /// The user's SLO on total latency in ms; `None` takes the analytics default.
    pub slo_ms: Option<u32>,
}

/// Longest trunk id accepted from a URL; real ids are far shorter.
const MAX_TRUNK_LEN: usize = 128;

/// Largest SLO accepted from a URL: ten minutes of latency is already absurd.
pub const MAX_SLO_MS: u32 = 600_000;

impl CallQuery {
    /// The default view: everything, first page, 20 rows, local time.
    pub fn new() -> Self {
        CallQuery {
            page: 1,
            ..Default::default()
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
                "status" => q.status = StatusFilter::parse(&value),
                "trunk" => {
                    let v = value.trim();
                    q.trunk_id = (!v.is_empty() && v.len() <= MAX_TRUNK_LEN).then(|| v.to_owned());
                }
                "range" => preset = Preset::parse(&value),
                "from" => start = parse_instant(&value),
                "to" => end = parse_instant(&value),
                "page" => q.page = value.parse().ok().filter(|p| *p >= 1).unwrap_or(1),
                "size" => {
                    q.page_size = value
                        .parse()
                        .ok()
                        .and_then(PageSize::from_rows)
                        .unwrap_or_default()
                }
                "slo" => {
                    q.slo_ms = value
                        .parse()
                        .ok()
                        .filter(|ms| (1..=MAX_SLO_MS).contains(ms))
                }
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
        q.range = match (preset, start, end) {
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
        if let Some(s) = self.status {
            out.append_pair("status", s.as_str());
        }
        if let Some(t) = &self.trunk_id {
            out.append_pair("trunk", t);
        }
        match self.range {
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
        if self.page > 1 {
            out.append_pair("page", &self.page.to_string());
        }
        if self.page_size != PageSize::default() {
            out.append_pair("size", &self.page_size.get().to_string());
        }
        if self.tz == TimeZoneMode::Utc {
            out.append_pair("tz", "utc");
        }
        if let Some(ms) = self.slo_ms {
            out.append_pair("slo", &ms.to_string());
        }
        out.finish()
    }

    /// The API query string for the current page, presets resolved against `now`.
    pub fn api_query(&self, now: DateTime<Utc>) -> String {
        let size = self.page_size.get();
        let offset = u64::from(self.page.saturating_sub(1)) * u64::from(size);
        self.api_query_window(now, size, offset)
    }

    /// The API query string for any window of the filtered set (used when gathering).
    pub fn api_query_window(&self, now: DateTime<Utc>, limit: u32, offset: u64) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.append_pair("limit", &limit.to_string());
        out.append_pair("offset", &offset.to_string());
        if let Some(s) = self.status {
            out.append_pair("status", s.as_str());
        }
        if let Some(t) = &self.trunk_id {
            out.append_pair("trunk_id", t);
        }
        let (start, end) = self.range.bounds(now);
        if let Some(s) = start {
            out.append_pair("start_date", &rfc3339(s));
        }
        if let Some(e) = end {
            out.append_pair("end_date", &rfc3339(e));
        }
        out.finish()
    }

    /// The same filters on another page (the pager's target).
    pub fn with_page(&self, page: u32) -> Self {
        CallQuery {
            page: page.max(1),
            ..self.clone()
        }
    }

    /// The same view with other filters applied by `change`; returns to page 1.
    pub fn with_filters(&self, change: impl FnOnce(&mut CallQuery)) -> Self {
        let mut q = self.clone();
        change(&mut q);
        q.page = 1;
        q
    }

    /// What the per-status counts are taken over: this view's trunk and date range
    /// only, so paging, page size, time zone and the status itself never refetch them.
    pub fn counts_scope(&self) -> Self {
        CallQuery {
            trunk_id: self.trunk_id.clone(),
            range: self.range,
            ..CallQuery::new()
        }
    }

    /// The same filters with the date range made absolute: presets resolved against
    /// `now`, and an open end closed at `now`. Paging through a frozen query sees the
    /// same set from the first request to the last, even while new calls arrive.
    pub fn frozen(&self, now: DateTime<Utc>) -> Self {
        let (start, end) = self.range.bounds(now);
        CallQuery {
            range: DateRange::Custom {
                start,
                end: Some(end.unwrap_or(now)),
            },
            ..self.clone()
        }
    }

    /// The period of the same length just before this one, for "change since" figures;
    /// `None` when the range has no start (there is no "before" to compare with).
    pub fn previous_period(&self, now: DateTime<Utc>) -> Option<Self> {
        let (start, end) = self.range.bounds(now);
        let start = start?;
        let end = end.unwrap_or(now);
        let length = end - start;
        let previous_end = start - Duration::seconds(1);
        Some(CallQuery {
            range: DateRange::Custom {
                start: Some(previous_end - length),
                end: Some(previous_end),
            },
            ..self.clone()
        })
    }

    /// Whether any filter is set (status, trunk or dates).
    pub fn has_filters(&self) -> bool {
        self.status.is_some() || self.trunk_id.is_some() || self.range != DateRange::All
    }

    /// The view with every filter cleared, keeping page size, time zone and SLO.
    pub fn cleared(&self) -> Self {
        CallQuery {
            page_size: self.page_size,
            tz: self.tz,
            slo_ms: self.slo_ms,
            ..CallQuery::new()
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
