//! The *live* part of a filtered list: the newest calls, among which some may still be
//! running at the clock's time, so their visible status (`connected` while running,
//! their final one afterwards) depends on the clock.
//!
//! A filtered list at clock `t` is split at the *settle boundary*: every call that
//! started at or before `settle_instant(t, max_duration)` has ended by `t` (no call
//! lasts longer than `max_duration`), so its visible status is its stored final one
//! and the cached `FilterIndex` of that range is exact for as long as the data exists.
//! The boundary is rounded down to the hour so that, under a running clock, it (and
//! so the settled range's cache key) moves once an hour of data time, not every
//! second. The calls above it (between about `max_duration` and `max_duration + 1 h`
//! of the newest) are read here, their visible status taken at `t`, and the matching
//! `seq`s kept: a few hundred rows on the demo's data, cached per clock second, so a
//! clock that stands still reads them once.

use super::pool::lock;
use crate::error::ServerError;
use crate::params::Status;
use rusqlite::Connection;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The settle boundary moves in steps of this much data time.
pub const SETTLE_STEP: i64 = 3600;
/// Live parts cached before the cache starts over (under a running clock each clock
/// second has its own; a still clock needs one per filter).
const CACHE_MAX: usize = 512;

/// The latest instant at or before which every call has ended by `at`, rounded down
/// to a whole `SETTLE_STEP`.
pub fn settle_instant(at: i64, max_duration: i64) -> i64 {
    (at - max_duration.max(0) - 1).div_euclid(SETTLE_STEP) * SETTLE_STEP
}

/// What the live part's matches depend on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LiveKey {
    /// Status filter (visible status).
    pub status: Option<Status>,
    /// Trunk filter.
    pub trunk_id: Option<String>,
    /// First `seq` of the live range.
    pub lo: i64,
    /// Last `seq` of the live range.
    pub hi: i64,
    /// The clock's time, Unix seconds.
    pub at: i64,
}

/// Reads the live range `[key.lo, key.hi]` and returns, in API order, the `seq` of
/// every call that matches the filter with its status as shown at `key.at`.
pub fn scan(conn: &Connection, key: &LiveKey) -> Result<Vec<i64>, ServerError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, trunk_id, status, start_time, end_time FROM generated_calls \
         WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq",
    )?;
    let mut rows = stmt.query([key.lo, key.hi])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        if let Some(trunk) = &key.trunk_id {
            let id: String = row.get(1)?;
            if &id != trunk {
                continue;
            }
        }
        if let Some(wanted) = key.status {
            let start: i64 = row.get(3)?;
            let end: Option<i64> = row.get(4)?;
            let running = start <= key.at && end.is_some_and(|e| e > key.at);
            let shown = if running {
                Status::Connected
            } else {
                row.get(2)?
            };
            if shown != wanted {
                continue;
            }
        }
        out.push(row.get(0)?);
    }
    Ok(out)
}

/// The live parts computed so far.
#[derive(Debug, Default)]
pub struct LiveCache {
    map: Mutex<HashMap<LiveKey, Arc<Vec<i64>>>>,
}

impl LiveCache {
    /// The matches of `key`, read with `build` the first time.
    pub fn get_or_build(
        &self,
        key: LiveKey,
        build: impl FnOnce(&LiveKey) -> Result<Vec<i64>, ServerError>,
    ) -> Result<Arc<Vec<i64>>, ServerError> {
        if let Some(found) = lock(&self.map).get(&key).cloned() {
            return Ok(found);
        }
        let found = Arc::new(build(&key)?);
        let mut map = lock(&self.map);
        if map.len() >= CACHE_MAX {
            map.clear();
        }
        map.insert(key, found.clone());
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_call_started_by_the_settle_instant_has_ended() {
        // (clock, longest call, settle instant)
        let cases = [
            (10 * 3600, 5400, 8 * 3600),
            (10 * 3600 + 1, 5400, 8 * 3600),
            (10 * 3600 + 5400, 5400, 9 * 3600),
            (10 * 3600 + 5401, 5400, 10 * 3600),
            (3600, 0, 0),
            (-1, 60, -3600),
        ];
        for (at, longest, settle) in cases {
            let got = settle_instant(at, longest);
            assert_eq!(got, settle, "at {at}, longest {longest}");
            // A call started then and lasting the longest has ended strictly before `at`.
            assert!(got + longest < at, "at {at}");
            assert_eq!(got.rem_euclid(SETTLE_STEP), 0);
        }
    }
}
