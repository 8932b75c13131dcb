//! Native tests of the loader's state machine (`load.rs`): every transition a view
//! relies on, each named for the bug it guards against.

use call_dashboard::api::{ApiError, RetryNotice};
use call_dashboard::gather::Progress;
use call_dashboard::load::{Load, Phase};

type L = Load<u32, &'static str>;

fn server_error() -> ApiError {
    ApiError::Server {
        status: 500,
        message: "boom".into(),
    }
}

fn notice(error: ApiError) -> RetryNotice {
    RetryNotice {
        error,
        wait_ms: 3_000,
        paced: false,
    }
}

#[test]
fn a_new_load_is_idle_and_shows_nothing() {
    let l = L::new();
    assert_eq!(l.phase(), Phase::Idle);
    assert_eq!(l.data(), None);
    assert!(!l.is_stale());
}

#[test]
fn loading_then_loaded() {
    let mut l = L::new();
    l.begin(1);
    assert_eq!(l.phase(), Phase::Loading);
    assert!(l.finish(1, Ok("one")));
    assert_eq!(l.phase(), Phase::Loaded);
    assert_eq!((l.data(), l.shown_key()), (Some(&"one"), Some(&1)));
}

#[test]
fn a_superseded_result_is_dropped() {
    // Two quick filter changes: the first page must never replace the second.
    let mut l = L::new();
    l.begin(1);
    l.begin(2);
    assert!(!l.finish(1, Ok("one")));
    assert_eq!(l.data(), None);
    assert_eq!(l.phase(), Phase::Loading);
    assert!(l.finish(2, Ok("two")));
    assert_eq!(l.data(), Some(&"two"));
}

#[test]
fn an_aborted_request_changes_nothing() {
    let mut l = L::new();
    l.begin(1);
    assert!(l.finish(1, Ok("one")));
    l.begin(2);
    assert!(!l.finish(2, Err(ApiError::Aborted)));
    assert_eq!(l.phase(), Phase::Loading);
    assert_eq!(l.data(), Some(&"one"));
}

#[test]
fn old_data_stays_while_the_next_loads_without_being_called_stale() {
    // A fast page change must not grey the rows (that flashed on every click).
    let mut l = L::new();
    l.begin(1);
    l.finish(1, Ok("one"));
    l.begin(2);
    assert_eq!(l.data(), Some(&"one"));
    assert!(!l.is_current());
    assert!(!l.is_stale());
}

#[test]
fn a_failed_change_keeps_the_old_data_marked_stale() {
    let mut l = L::new();
    l.begin(1);
    l.finish(1, Ok("one"));
    l.begin(2);
    assert!(l.finish(2, Err(server_error())));
    assert_eq!(l.phase(), Phase::Stale);
    assert!(l.is_stale());
    assert_eq!(l.data(), Some(&"one"));
    assert_eq!(l.error(), Some(&server_error()));
    // Retrying the same key and succeeding clears the error and the staleness.
    l.begin(2);
    assert_eq!(l.error(), None);
    l.finish(2, Ok("two"));
    assert_eq!((l.phase(), l.data()), (Phase::Loaded, Some(&"two")));
}

#[test]
fn a_failed_refresh_of_the_same_view_is_failed_not_stale() {
    let mut l = L::new();
    l.begin(1);
    l.finish(1, Ok("one"));
    l.begin(1);
    l.finish(1, Err(server_error()));
    assert_eq!(l.phase(), Phase::Failed);
    assert_eq!(l.data(), Some(&"one"));
    let mut empty = L::new();
    empty.begin(1);
    empty.finish(1, Err(server_error()));
    assert_eq!((empty.phase(), empty.data()), (Phase::Failed, None));
}

#[test]
fn the_retry_notice_shows_while_waiting_and_goes_with_its_request() {
    // The old code left a superseded request's notice on screen.
    let mut l = L::new();
    l.begin(1);
    l.waiting(&1, Some(notice(server_error())));
    assert_eq!(l.phase(), Phase::Loading);
    assert!(l.notice().is_some());
    l.waiting(&1, Some(notice(ApiError::RateLimited { retry_after_s: 3 })));
    assert_eq!(l.phase(), Phase::RateLimited);
    l.begin(2);
    assert_eq!(l.notice(), None);
    // A late notice from the superseded request is ignored.
    l.waiting(&1, Some(notice(server_error())));
    assert_eq!(l.notice(), None);
    l.waiting(&2, Some(notice(server_error())));
    l.finish(2, Ok("two"));
    assert_eq!(l.notice(), None);
}

#[test]
fn progress_and_preview_belong_to_the_latest_request() {
    let mut l = L::new();
    l.begin(1);
    let p = Progress {
        fetched: 100,
        target: 1_000,
        total: 1_000,
    };
    l.progressed(&1, p);
    l.preview(1, "part");
    assert_eq!((l.progress(), l.data()), (Some(p), Some(&"part")));
    assert_eq!(l.phase(), Phase::Loading);
    l.begin(2);
    assert_eq!(l.progress(), None);
    l.progressed(&1, p);
    l.preview(1, "late");
    assert_eq!((l.progress(), l.data()), (None, Some(&"part")));
}

#[test]
fn cancel_stops_and_keeps_what_was_shown_and_how_far_it_got() {
    let mut l = L::new();
    l.begin(1);
    let p = Progress {
        fetched: 300,
        target: 1_000,
        total: 1_000,
    };
    l.progressed(&1, p);
    l.preview(1, "part");
    l.waiting(&1, Some(notice(server_error())));
    l.cancel();
    assert_eq!(l.phase(), Phase::Cancelled);
    assert_eq!(
        (l.data(), l.progress(), l.notice()),
        (Some(&"part"), Some(p), None)
    );
    // The aborted request's own end changes nothing.
    assert!(!l.finish(1, Err(ApiError::Aborted)));
    assert_eq!(l.phase(), Phase::Cancelled);
    // Resuming is a new request for the same key.
    l.begin(1);
    assert_eq!(l.phase(), Phase::Loading);
}

#[test]
fn idle_keeps_the_data_but_takes_no_more_results() {
    let mut l = L::new();
    l.begin(1);
    l.finish(1, Ok("one"));
    l.begin(2);
    l.idle();
    assert!(!l.finish(2, Ok("two")));
    assert_eq!((l.phase(), l.data()), (Phase::Loaded, Some(&"one")));
}
