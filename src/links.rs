//! Links between views, rendered here so no component builds a URL.
//!
//! The calls and analytics views share the filters ([`CallQuery`]); the daily report
//! has its own parameters ([`ReportQuery`]: a day and a time zone). Each link is
//! relative to the site's base, so one build runs at `/` or under a sub-path.

use chrono::{DateTime, NaiveDate, Utc};

use crate::api::{CallQuery, TimeZoneMode};

/// A view of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// The call list, `./`.
    Calls,
    /// Statistics and charts, `analytics`.
    Analytics,
    /// The daily report, `report`.
    Report,
}

impl View {
    /// Every view, in the order the header lists them.
    pub const ALL: [View; 3] = [View::Calls, View::Analytics, View::Report];

    /// Its path relative to the site's base.
    pub fn path(self) -> &'static str {
        match self {
            View::Calls => "./",
            View::Analytics => "analytics",
            View::Report => "report",
        }
    }

    /// Its name in the header.
    pub fn label(self) -> &'static str {
        match self {
            View::Calls => "Calls",
            View::Analytics => "Analytics",
            View::Report => "Daily report",
        }
    }

    /// The view a location's path shows (its last segment), `None` for none of them.
    pub fn of_path(pathname: &str) -> Option<View> {
        match pathname.rsplit('/').next().unwrap_or_default() {
            "" => Some(View::Calls),
            "analytics" => Some(View::Analytics),
            "report" => Some(View::Report),
            _ => None,
        }
    }

    /// A link to this view that keeps `query`'s filters and settings; the report,
    /// which has parameters of its own, opens on its default day in the same zone.
    pub fn href(self, query: &CallQuery) -> String {
        match self {
            View::Report => ReportQuery {
                day: None,
                tz: query.tz(),
            }
            .href(),
            other => with_query(other.path(), &query.to_url_query()),
        }
    }
}

/// The daily report's view: which day, in which zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ReportQuery {
    /// The day; `None` is today in `tz`.
    pub day: Option<NaiveDate>,
    /// The zone the day is a calendar day of.
    pub tz: TimeZoneMode,
}

impl ReportQuery {
    /// Parses the report's query string (`day=YYYY-MM-DD`, `tz=utc`); never fails,
    /// an invalid day reads as today.
    pub fn from_url_query(query: &str) -> Self {
        let q = query.strip_prefix('?').unwrap_or(query);
        let mut out = ReportQuery {
            day: None,
            tz: CallQuery::from_url_query(q).tz(),
        };
        for (key, value) in form_urlencoded::parse(q.as_bytes()) {
            if key == "day" {
                out.day = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
            }
        }
        out
    }

    /// Reads a date input's value (`YYYY-MM-DD`) as the report's day.
    pub fn with_day_text(self, text: &str) -> Self {
        ReportQuery {
            day: NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok(),
            ..self
        }
    }

    /// The day shown: the chosen one, or today in the report's zone.
    pub fn day_or_today(&self, now: DateTime<Utc>) -> NaiveDate {
        self.day.unwrap_or_else(|| match self.tz {
            TimeZoneMode::Utc => now.date_naive(),
            TimeZoneMode::Local => now.with_timezone(&chrono::Local).date_naive(),
        })
    }

    /// The report's query string (no leading `?`).
    pub fn to_url_query(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let Some(day) = self.day {
            out.append_pair("day", &day.format("%Y-%m-%d").to_string());
        }
        if self.tz == TimeZoneMode::Utc {
            out.append_pair("tz", "utc");
        }
        out.finish()
    }

    /// A link to the report of this day.
    pub fn href(&self) -> String {
        with_query(View::Report.path(), &self.to_url_query())
    }
}

/// The dashboard server's sign-in page, asked to come back to `back_to` (this page's
/// path and query) afterwards. `base` is the site's base path (`""` or `/dash`).
pub fn sign_in_href(base: &str, back_to: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(back_to.as_bytes()).collect();
    format!("{base}/signin?next={next}")
}

fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}
