//! Native tests of `live`: merging refreshed calls into the list on screen, re-reading
//! calls in progress, the pill, the refresh interval's URL spelling, and the pacing
//! rule against given rate-limit headers and failures.

use call_dashboard::api::{ApiError, Call, CallStatus, StatusFilter};
use call_dashboard::live::*;
use chrono::{DateTime, Duration, Utc};

/// 2024-03-05T10:00:00Z, the second most calls here start at or near.
fn base() -> DateTime<Utc> {
    DateTime::from_timestamp(1_709_632_800, 0).expect("valid")
}

/// A call `id` starting `at` seconds after [`base`]; `running` leaves its end unknown.
fn call(id: &str, at: i64, status: &str, running: bool) -> Call {
    let start = base() + Duration::seconds(at);
    Call {
        id: id.to_owned(),
        trunk_id: "conn_a".to_owned(),
        from: "+1-555-123-4567".to_owned(),
        to: "+1-555-987-6543".to_owned(),
        status: CallStatus::from_wire(status),
        duration_seconds: 30,
        start_time: start,
        end_time: (!running).then(|| start + Duration::seconds(30)),
        carrier_lag_ms: Some(80),
        ai_latency_ms: Some(200),
        gateway_processing_ms: Some(20),
    }
}

fn ended(id: &str, at: i64) -> Call {
    call(id, at, "connected", false)
}

fn ids(calls: &[Call]) -> Vec<&str> {
    calls.iter().map(|c| c.id.as_str()).collect()
}

mod merging {
    use super::*;

    /// Screen `shown`, a refresh returns `fetched`; after showing what is pending the
    /// screen lists `expected`, of which `new` are new.
    fn check(shown: &[Call], fetched: &[Call], expected: &[&str], new: usize) {
        let mut live = LiveCalls::new(shown.to_vec(), None);
        let got = live.receive(fetched, false);
        assert_eq!(got.new, new, "new calls");
        assert_eq!(live.pending_count(), new);
        assert_eq!(ids(live.shown()), ids(shown), "nothing moves before show");
        let highlighted = live.show_pending();
        assert_eq!(highlighted.len(), new);
        assert_eq!(ids(live.shown()), expected);
    }

    #[test]
    fn calls_sharing_the_newest_second_are_neither_lost_nor_doubled() {
        let on_screen = [ended("c9", 0), ended("c5", 0), ended("c3", -10)];
        // (fetched from start_date = the newest second, expected screen, new)
        let cases: [(Vec<Call>, Vec<&str>, usize); 5] = [
            // Only what was there: nothing new.
            (
                vec![ended("c9", 0), ended("c5", 0)],
                vec!["c9", "c5", "c3"],
                0,
            ),
            // A call of the same second slots in by id, one later goes on top.
            (
                vec![
                    ended("x", 1),
                    ended("c9", 0),
                    ended("c7", 0),
                    ended("c5", 0),
                ],
                vec!["x", "c9", "c7", "c5", "c3"],
                2,
            ),
            // Same second, a greater id than the top call: above it.
            (
                vec![ended("ca", 0), ended("c9", 0), ended("c5", 0)],
                vec!["ca", "c9", "c5", "c3"],
                1,
            ),
            // Same second, the smallest id: below every call of that second.
            (
                vec![ended("c9", 0), ended("c5", 0), ended("c1", 0)],
                vec!["c9", "c5", "c1", "c3"],
                1,
            ),
            // Overlapping pages repeat calls: each is taken once.
            (
                vec![ended("y", 5), ended("y", 5), ended("c9", 0), ended("y", 5)],
                vec!["y", "c9", "c5", "c3"],
                1,
            ),
        ];
        for (fetched, expected, new) in cases {
            check(&on_screen, &fetched, &expected, new);
        }
    }

    #[test]
    fn refreshes_before_show_accumulate_behind_the_pill_in_api_order() {
        let mut live = LiveCalls::new(vec![ended("a", 0)], None);
        live.receive(&[ended("b", 10)], false);
        live.receive(&[ended("d", 30), ended("b", 10), ended("c", 20)], false);
        assert_eq!(live.pending_count(), 3);
        assert_eq!(pill_text(live.pending_count()), "3 new calls — show");
        assert_eq!(pill_text(1), "1 new call — show");
        assert_eq!(pill_text(1200), "1,200 new calls — show");
        assert_eq!(live.show_pending(), vec!["d", "c", "b"]);
        assert_eq!(ids(live.shown()), ["d", "c", "b", "a"]);
        assert_eq!(live.pending_count(), 0);
    }

    #[test]
    fn since_is_the_newest_start_or_an_earlier_call_still_running() {
        // (calls on screen, start_date of the next refresh in seconds after base)
        let cases: [(Vec<Call>, Option<i64>); 4] = [
            (vec![], None),
            (vec![ended("b", 50), ended("a", 10)], Some(50)),
            (
                vec![ended("b", 50), call("a", 10, "connected", true)],
                Some(10),
            ),
            (
                vec![call("b", 50, "connected", true), ended("a", 10)],
                Some(50),
            ),
        ];
        for (shown, since) in cases {
            let live = LiveCalls::new(shown, None);
            assert_eq!(live.since(), since.map(|s| base() + Duration::seconds(s)));
        }
    }

    #[test]
    fn a_call_in_progress_is_reread_until_it_has_ended() {
        let mut live = LiveCalls::new(
            vec![
                call("r2", 40, "connected", true),
                ended("e", 30),
                call("r1", 20, "connected", true),
            ],
            None,
        );
        assert_eq!(live.to_reread(), ["r2", "r1"]);
        // The refresh window reaches back to r1, so its new state comes with it.
        assert_eq!(live.since(), Some(base() + Duration::seconds(20)));
        let got = live.receive(
            &[
                call("r2", 40, "connected", true),
                ended("e", 30),
                call("r1", 20, "disconnected", false),
            ],
            true,
        );
        assert_eq!((got.new, got.updated, got.left), (0, 1, 0));
        assert_eq!(live.to_reread(), ["r2"]);
        assert_eq!(live.shown()[2].status, CallStatus::Disconnected, "in place");
        // A detail read replaces it too.
        assert!(live.replace(ended("r2", 40)));
        assert!(live.to_reread().is_empty());
        assert!(!live.replace(ended("unknown", 1)));
        assert_eq!(ids(live.shown()), ["r2", "e", "r1"]);
    }

    #[test]
    fn a_call_that_ends_with_another_status_leaves_a_filtered_view() {
        let connected = Some(StatusFilter::Connected);
        // By a detail read.
        let mut live = LiveCalls::new(
            vec![call("r", 20, "connected", true), ended("e", 10)],
            connected,
        );
        assert!(live.replace(call("r", 20, "disconnected", false)));
        assert_eq!(ids(live.shown()), ["e"]);
        // By a complete refresh that no longer lists it (the API filters by status).
        let mut live = LiveCalls::new(
            vec![call("r", 20, "connected", true), ended("e", 10)],
            connected,
        );
        let got = live.receive(&[ended("n", 30)], true);
        assert_eq!((got.new, got.left), (1, 1));
        live.show_pending();
        assert_eq!(ids(live.shown()), ["n", "e"]);
        // An incomplete refresh proves nothing: the call stays.
        let mut live = LiveCalls::new(vec![call("r", 20, "connected", true)], connected);
        assert_eq!(live.receive(&[], false).left, 0);
        assert_eq!(ids(live.shown()), ["r"]);
        // A new call of another status is not the view's.
        let mut live = LiveCalls::new(vec![ended("e", 10)], connected);
        assert_eq!(live.receive(&[call("f", 30, "failed", false)], true).new, 0);
    }
}

mod interval {
    use super::*;

    #[test]
    fn url_spelling_round_trips_and_unknown_values_are_refused() {
        for i in LiveInterval::ALL {
            assert_eq!(LiveInterval::parse(i.as_str()), Some(i));
        }
        // (spelling, interval, ms)
        let cases = [
            ("15s", Some(LiveInterval::Sec15), Some(15_000)),
            ("30s", Some(LiveInterval::Sec30), Some(30_000)),
            ("1m", Some(LiveInterval::Min1), Some(60_000)),
            ("5m", Some(LiveInterval::Min5), Some(300_000)),
            ("off", Some(LiveInterval::Off), None),
            ("10s", None, None),
            ("", None, None),
            ("1M", None, None),
        ];
        for (text, interval, ms) in cases {
            assert_eq!(LiveInterval::parse(text), interval, "{text:?}");
            assert_eq!(interval.and_then(LiveInterval::millis), ms, "{text:?}");
        }
        assert_eq!(LiveInterval::default(), LiveInterval::Off);
        assert_eq!(LiveInterval::Min1.label(), "1 min");
    }
}

mod pacing {
    use super::*;

    /// Unix ms of the test's start; rate windows end at whole minutes after it.
    const T0: u64 = 1_709_632_800_000;

    fn headers(limit: u32, remaining: u32, reset_ms: u64) -> Option<RateLimit> {
        RateLimit::from_headers(
            Some(&limit.to_string()),
            Some(&remaining.to_string()),
            Some(&(reset_ms / 1000).to_string()),
        )
    }

    #[test]
    fn off_paused_or_in_flight_plans_nothing() {
        assert_eq!(Pacer::new(LiveInterval::Off).next_at(T0, 1), None);
        let mut p = Pacer::new(LiveInterval::Sec15);
        assert_eq!(
            p.next_at(T0, 1),
            Some(T0),
            "the first refresh may go at once"
        );
        p.started(T0, 1);
        assert!(p.in_flight());
        assert_eq!(p.next_at(T0 + 60_000, 1), None, "never two in flight");
        p.succeeded(T0 + 200, headers(600, 599, T0 + 60_000));
        assert_eq!(p.last_success_ms(), Some(T0 + 200));
        assert_eq!(p.next_at(T0 + 1_000, 1), Some(T0 + 15_000));
        for paused in [
            Paused {
                hidden: true,
                offline: false,
            },
            Paused {
                hidden: false,
                offline: true,
            },
        ] {
            p.set_paused(paused);
            assert_eq!(p.next_at(T0 + 40_000, 1), None, "{paused:?}");
        }
        // Back after the interval has passed: it catches up at once.
        p.set_paused(Paused::default());
        assert!(p.may_start(T0 + 40_000, 1));
    }

    #[test]
    fn the_interval_is_timed_from_the_last_start() {
        // (interval, next refresh after a start at T0)
        let cases = [
            (LiveInterval::Sec15, T0 + 15_000),
            (LiveInterval::Sec30, T0 + 30_000),
            (LiveInterval::Min1, T0 + 60_000),
            (LiveInterval::Min5, T0 + 300_000),
        ];
        for (interval, next) in cases {
            let mut p = Pacer::new(interval);
            p.started(T0, 1);
            p.succeeded(T0 + 100, None);
            assert_eq!(p.next_at(T0 + 100, 1), Some(next), "{interval:?}");
            assert!(!p.may_start(next - 1, 1));
            assert!(p.may_start(next, 1));
        }
    }

    #[test]
    fn spends_at_most_a_tenth_of_the_announced_limit_per_window() {
        // (limit, refreshes of cost 1 allowed in one window)
        let cases = [(600, 60), (100, 10), (25, 2), (5, 1)];
        for (limit, allowed) in cases {
            let reset = T0 + 3_600_000; // a long window: only the budget stops us
            let mut p = Pacer::new(LiveInterval::Sec15);
            let mut now = T0;
            let mut sent = 0;
            while p.may_start(now, 1) && sent < 1000 {
                p.started(now, 1);
                sent += 1;
                p.succeeded(now + 10, headers(limit, limit - sent, reset));
                now += 15_000;
            }
            assert_eq!(sent, allowed, "limit {limit}");
            assert_eq!(
                p.next_at(now, 1),
                Some(reset),
                "then waits for the window's end"
            );
            // A new window (its answer carries a new reset) frees the budget again.
            assert!(p.may_start(reset, 1), "limit {limit}");
        }
    }

    #[test]
    fn a_costly_refresh_counts_every_request() {
        let reset = T0 + 60_000;
        let mut p = Pacer::new(LiveInterval::Sec15);
        p.started(T0, 1);
        p.succeeded(T0 + 10, headers(100, 99, reset)); // budget 10, 1 spent
        assert!(p.may_start(T0 + 15_000, 9));
        assert!(
            !p.may_start(T0 + 15_000, 10),
            "1 + 10 is over a budget of 10"
        );
        assert_eq!(p.next_at(T0 + 15_000, 10), Some(reset));
    }

    #[test]
    fn too_few_remaining_waits_for_the_reset() {
        let reset = T0 + 40_000;
        let mut p = Pacer::new(LiveInterval::Sec15);
        p.started(T0, 1);
        // Other traffic (a gather) used the window up.
        p.succeeded(T0 + 10, headers(600, 0, reset));
        assert_eq!(p.next_at(T0 + 15_000, 1), Some(reset));
    }

    #[test]
    fn an_unlimited_api_only_paces_by_the_interval() {
        let mut p = Pacer::new(LiveInterval::Sec15);
        for i in 0..200u64 {
            let now = T0 + i * 15_000;
            assert!(p.may_start(now, 3), "refresh {i}");
            p.started(now, 3);
            p.succeeded(now + 5, headers(u32::MAX, u32::MAX, T0 + 60_000_000));
        }
    }

    #[test]
    fn a_429_waits_as_asked_then_recovers() {
        let mut p = Pacer::new(LiveInterval::Sec15);
        p.started(T0, 1);
        p.failed(
            T0 + 100,
            &ApiError::RateLimited { retry_after_s: 40 },
            headers(600, 0, T0 + 50_000),
        );
        assert_eq!(p.failures(), 1);
        // The wait asked for (40 s) and the window's end (50 s, none left) both hold.
        assert_eq!(p.next_at(T0 + 1_000, 1), Some(T0 + 50_000));
        p.started(T0 + 50_000, 1);
        p.succeeded(T0 + 50_100, headers(600, 599, T0 + 110_000));
        assert_eq!(p.failures(), 0);
        assert_eq!(
            p.next_at(T0 + 50_100, 1),
            Some(T0 + 65_000),
            "back to the interval"
        );
    }

    #[test]
    fn server_failures_back_off_doubling_up_to_five_minutes() {
        let mut p = Pacer::new(LiveInterval::Sec15);
        let error = ApiError::Server {
            status: 503,
            message: "down".into(),
        };
        // (failure number, wait after it)
        let cases = [
            (1, 15_000),
            (2, 30_000),
            (3, 60_000),
            (4, 120_000),
            (5, 240_000),
            (6, 300_000),
            (7, 300_000),
        ];
        let mut now = T0;
        for (n, wait) in cases {
            p.started(now, 1);
            p.failed(now, &error, None);
            assert_eq!(p.failures(), n);
            assert_eq!(p.next_at(now, 1), Some(now + wait), "after failure {n}");
            now += wait;
        }
        let offline = ApiError::Network { base: "/v1".into() };
        p.started(now, 1);
        p.failed(now, &offline, None);
        assert_eq!(p.next_at(now, 1), Some(now + MAX_BACKOFF_MS));
    }

    #[test]
    fn headers_are_read_only_when_all_three_are_numbers() {
        /// Limit, remaining and reset headers, and what is read from them.
        type Case<'a> = ([Option<&'a str>; 3], Option<(u32, u32, u64)>);
        let cases: [Case; 4] = [
            (
                [Some("600"), Some("12"), Some("1709632860")],
                Some((600, 12, 1_709_632_860)),
            ),
            (
                [Some("4294967295"), Some("4294967295"), Some("1")],
                Some((u32::MAX, u32::MAX, 1)),
            ),
            ([Some("600"), None, Some("1")], None),
            ([Some("600"), Some("x"), Some("1")], None),
        ];
        for ([l, r, s], expected) in cases {
            let got = RateLimit::from_headers(l, r, s).map(|h| (h.limit, h.remaining, h.reset_s));
            assert_eq!(got, expected, "{l:?} {r:?} {s:?}");
        }
    }
}
