//! The clocks of the server, injectable so tests can move time without sleeping:
//! `serve`'s sign-in, sessions and limits (session expiry, growing sign-in delays,
//! rate-limit windows), and the local API's data clock, which decides which generated
//! calls have started and ended (`SystemClock` in `demo`, a still `ManualClock` at
//! `--now`, a `ScaledClock` with `--speed`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

/// Where "now" comes from, in Unix seconds.
pub trait Clock: Send + Sync {
    /// The current time in Unix seconds.
    fn now(&self) -> i64;
}

/// The system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock standing at `unix` seconds.
    pub fn new(unix: i64) -> Self {
        ManualClock(AtomicI64::new(unix))
    }

    /// Moves the clock forward by `secs`.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A clock that runs from a given time, `speed` times faster than real time
/// (`--speed`); reads whole seconds, rounded down.
#[derive(Debug)]
pub struct ScaledClock {
    from: i64,
    started: Instant,
    speed: f64,
}

impl ScaledClock {
    /// A clock reading `from` now and advancing `speed` seconds per real second.
    pub fn new(from: i64, speed: f64) -> Self {
        ScaledClock {
            from,
            started: Instant::now(),
            speed,
        }
    }

    /// The reading after `elapsed` real time.
    fn at(&self, elapsed: std::time::Duration) -> i64 {
        // Whole seconds only; a speed is at most `MAX_SPEED`, so this stays far from
        // i64's range for any realistic uptime.
        self.from + (elapsed.as_secs_f64() * self.speed).floor() as i64
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> i64 {
        self.at(self.started.elapsed())
    }
}

/// Largest `--speed`: a year of data per minute is already more than a demo wants.
pub const MAX_SPEED: f64 = 1_000_000.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(100);
        assert_eq!(c.now(), 100);
        c.advance(3600);
        assert_eq!(c.now(), 3700);
    }

    #[test]
    fn a_scaled_clock_runs_from_its_start_speed_times_faster() {
        use std::time::Duration;
        let c = ScaledClock::new(1_000, 60.0);
        // (real time elapsed, reading)
        let cases = [
            (Duration::ZERO, 1_000),
            (Duration::from_millis(16), 1_000),
            (Duration::from_millis(17), 1_001),
            (Duration::from_secs(1), 1_060),
            (Duration::from_secs(60), 4_600),
        ];
        for (elapsed, reading) in cases {
            assert_eq!(c.at(elapsed), reading, "{elapsed:?}");
        }
        assert!(c.now() >= 1_000);
    }
}
