//! Native tests of the links between views (`links.rs`): no component builds a URL, so
//! every link a page shows is checked here.

use call_dashboard::api::{CallQuery, DateRange, Preset, StatusFilter, TimeZoneMode};
use call_dashboard::links::{sign_in_href, ReportQuery, View};
use chrono::{NaiveDate, TimeZone, Utc};

#[test]
fn view_links_keep_the_filters_and_the_report_keeps_the_zone() {
    let q = CallQuery::from_url_query("status=failed&range=24h&page=3&tz=utc&slo=650");
    assert_eq!(
        View::Calls.href(&q),
        "./?status=failed&range=24h&page=3&tz=utc&slo=650"
    );
    assert_eq!(
        View::Analytics.href(&q),
        "analytics?status=failed&range=24h&page=3&tz=utc&slo=650"
    );
    assert_eq!(View::Report.href(&q), "report?tz=utc");
    assert_eq!(View::Calls.href(&CallQuery::new()), "./");
    assert_eq!(View::Report.href(&CallQuery::new()), "report");
}

#[test]
fn the_current_view_is_read_from_the_path_under_any_base() {
    assert_eq!(View::of_path("/"), Some(View::Calls));
    assert_eq!(View::of_path("/calls/"), Some(View::Calls));
    assert_eq!(View::of_path("/calls/analytics"), Some(View::Analytics));
    assert_eq!(View::of_path("/report"), Some(View::Report));
    assert_eq!(View::of_path("/nowhere"), None);
}

#[test]
fn report_queries_parse_once_and_render_encoded() {
    // The old page put the date input's value into the URL unencoded.
    let r = ReportQuery::from_url_query("?day=2026-11-19&tz=utc&status=failed");
    assert_eq!(r.day, NaiveDate::from_ymd_opt(2026, 11, 19));
    assert_eq!(r.tz, TimeZoneMode::Utc);
    assert_eq!(r.href(), "report?day=2026-11-19&tz=utc");
    let bad = ReportQuery::from_url_query("day=2026-13-40");
    assert_eq!((bad.day, bad.tz), (None, TimeZoneMode::Local));
    let typed = r.with_day_text("2026-11-18&x=<b>");
    assert_eq!(typed.day, None);
    assert_eq!(typed.href(), "report?tz=utc");
    assert_eq!(
        r.with_day_text(" 2026-11-18 ").href(),
        "report?day=2026-11-18&tz=utc"
    );
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 23, 30, 0).unwrap();
    assert_eq!(
        ReportQuery {
            day: None,
            tz: TimeZoneMode::Utc
        }
        .day_or_today(now),
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
    );
}

#[test]
fn sign_in_links_carry_the_page_to_come_back_to() {
    assert_eq!(
        sign_in_href("", "/analytics?range=24h&status=failed"),
        "/signin?next=%2Fanalytics%3Frange%3D24h%26status%3Dfailed"
    );
    assert_eq!(
        sign_in_href("/dash", "/dash/"),
        "/dash/signin?next=%2Fdash%2F"
    );
}

#[test]
fn quick_views_and_resolved_ranges() {
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let q = CallQuery::new().with_page(4);
    let failed = q.failed_in_last(" 6 ", now).expect("6 hours");
    assert_eq!(failed.status(), Some(StatusFilter::Failed));
    assert_eq!(failed.page(), 1);
    assert_eq!(
        failed.range(),
        DateRange::Custom {
            start: Some(Utc.with_ymd_and_hms(2026, 11, 20, 6, 0, 0).unwrap()),
            end: None
        }
    );
    assert!(q.failed_in_last("0", now).is_err());
    assert!(q.failed_in_last("2161", now).is_err());
    assert!(q.failed_in_last("a day", now).is_err());
    // Resolving a preset gives absolute bounds; other ranges are kept, open ends too,
    // so two anchors of an unbounded view resolve to the same query.
    let day = CallQuery::new().with_range(DateRange::Preset(Preset::Last24Hours));
    assert_eq!(
        day.resolved(now).range(),
        DateRange::Custom {
            start: Some(Utc.with_ymd_and_hms(2026, 11, 19, 12, 0, 0).unwrap()),
            end: Some(now)
        }
    );
    let later = now + chrono::Duration::minutes(5);
    assert_eq!(
        CallQuery::new().resolved(now),
        CallQuery::new().resolved(later)
    );
    assert_ne!(day.resolved(now), day.resolved(later));
}
