//! [`Heatmap`]: when calls happen, by weekday and hour of the day in a chosen time
//! zone, with the p95 total latency of each hour.
//!
//! Every call counts in its cell's `calls`; the p95 of a cell is taken over its
//! *latency calls* (as [`LatencyCalls`] chooses them) whose total latency is known, so
//! an unknown latency is left out, never read as zero. Cells are the wall-clock hours
//! of the zone: on the day a DST change repeats an hour, both passes fall in that
//! hour's cell; on the day it skips one, that cell simply gets none that day. A zone
//! with a half-hour offset (Asia/Kolkata, +05:30) bins by its own clock, so 08:45 UTC
//! is 14:15 there, in the 14:00 cell.

use chrono::{DateTime, Datelike, Local, TimeZone, Timelike, Utc, Weekday};

use super::{percentile_sorted, LatencyCalls};
use crate::api::{Call, TimeZoneMode};

/// Weekdays as the rows list them, Monday first (ISO 8601).
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// One weekday × hour cell.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HeatCell {
    /// Calls that started in this hour, every status counted.
    pub calls: u64,
    /// Latency calls with a known total latency, the p95's sample.
    pub latency_calls: u64,
    /// p95 of their total latency in ms (numpy-linear); `None` without any.
    pub p95_total_ms: Option<f64>,
}

/// Calls and p95 total latency per (weekday, hour): 7 rows (Monday first) × 24 hours.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Heatmap {
    /// `cells[weekday][hour]`, weekday 0 = Monday.
    pub cells: [[HeatCell; 24]; 7],
}

impl Heatmap {
    /// Bins `calls` by their start in `tz` (the browser passes `Local` or `Utc`, tests
    /// fixed offsets and named zones).
    ///
    /// Cost: one pass, then one sort per cell of its latency values.
    pub fn compute<Z: TimeZone>(calls: &[Call], tz: &Z, latency_calls: LatencyCalls) -> Heatmap {
        let mut values: Vec<Vec<u32>> = vec![Vec::new(); 7 * 24];
        let mut out = Heatmap::default();
        for call in calls {
            let (day, hour) = cell_of(call.start_time, tz);
            out.cells[day][hour].calls += 1;
            if latency_calls.includes(&call.status) {
                if let Some(total) = call.total_latency_ms() {
                    values[day * 24 + hour].push(total);
                }
            }
        }
        for (i, mut v) in values.into_iter().enumerate() {
            v.sort_unstable();
            let cell = &mut out.cells[i / 24][i % 24];
            cell.latency_calls = v.len() as u64;
            cell.p95_total_ms = percentile_sorted(&v, 95.0);
        }
        out
    }

    /// [`Heatmap::compute`] in the dashboard's zone setting.
    pub fn compute_in(calls: &[Call], tz: TimeZoneMode, latency_calls: LatencyCalls) -> Heatmap {
        match tz {
            TimeZoneMode::Utc => Heatmap::compute(calls, &Utc, latency_calls),
            TimeZoneMode::Local => Heatmap::compute(calls, &Local, latency_calls),
        }
    }

    /// The cell of a weekday and an hour (0–23; a later hour reads as 23).
    pub fn cell(&self, weekday: Weekday, hour: u32) -> &HeatCell {
        &self.cells[weekday.num_days_from_monday() as usize][(hour as usize).min(23)]
    }

    /// Every cell with its weekday and hour, Monday 00:00 first.
    pub fn iter(&self) -> impl Iterator<Item = (Weekday, u32, &HeatCell)> {
        WEEKDAYS.iter().enumerate().flat_map(move |(d, &wd)| {
            self.cells[d]
                .iter()
                .enumerate()
                .map(move |(h, c)| (wd, h as u32, c))
        })
    }

    /// Calls in all cells.
    pub fn total_calls(&self) -> u64 {
        self.iter().map(|(_, _, c)| c.calls).sum()
    }

    /// Whether no call was binned.
    pub fn is_empty(&self) -> bool {
        self.total_calls() == 0
    }

    /// The busiest cell (the first in week order among equals); `None` when empty.
    pub fn busiest(&self) -> Option<(Weekday, u32, &HeatCell)> {
        self.iter()
            .filter(|(_, _, c)| c.calls > 0)
            .fold(None, |best, cur| match best {
                Some(b) if b.2.calls >= cur.2.calls => Some(b),
                _ => Some(cur),
            })
    }

    /// The cell with the highest p95 total latency (the first in week order among
    /// equals); `None` without latency calls.
    pub fn worst_p95(&self) -> Option<(Weekday, u32, &HeatCell)> {
        self.iter()
            .filter(|(_, _, c)| c.p95_total_ms.is_some())
            .fold(None, |best, cur| match best {
                Some(b) if b.2.p95_total_ms >= cur.2.p95_total_ms => Some(b),
                _ => Some(cur),
            })
    }

    /// The largest calls count of a cell (0 when empty).
    pub fn max_calls(&self) -> u64 {
        self.iter().map(|(_, _, c)| c.calls).max().unwrap_or(0)
    }

    /// The largest p95 of a cell, if any cell has one.
    pub fn max_p95(&self) -> Option<f64> {
        self.worst_p95().and_then(|(_, _, c)| c.p95_total_ms)
    }
}

/// The (weekday index from Monday, hour) of an instant on `tz`'s clock.
fn cell_of<Z: TimeZone>(t: DateTime<Utc>, tz: &Z) -> (usize, usize) {
    let local = t.with_timezone(tz);
    (
        local.weekday().num_days_from_monday() as usize,
        local.hour() as usize,
    )
}

/// A cell's name: `Tue 14:00–15:00`.
pub fn cell_label(weekday: Weekday, hour: u32) -> String {
    format!("{weekday} {hour:02}:00–{:02}:00", hour + 1)
}
