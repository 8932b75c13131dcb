//! What one scan of a filter's index range learns (its total and the `seq` of every
//! `MARK_STRIDE`-th match), and the cache of those per filter. The data never changes
//! while the server runs, so an index is built once per filter and reused by every
//! page: a deep offset starts from the nearest mark and skips at most 511 entries.

use super::pool::lock;
use crate::error::ServerError;
use crate::params::Status;
use rusqlite::types::ToSql;
use rusqlite::Connection;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Distance between two marks.
pub const MARK_STRIDE: u64 = 512;
/// Filters cached before the cache starts over (bounded memory: a mark per 512 matches
/// is at most ~16 KB per filter on 1,000,000 calls).
const CACHE_MAX: usize = 2048;

/// A filter reduced to what its index depends on: status, trunk and `seq` range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FilterKey {
    /// Status filter.
    pub status: Option<Status>,
    /// Trunk filter.
    pub trunk_id: Option<String>,
    /// First `seq` of the date range.
    pub lo: i64,
    /// Last `seq` of the date range.
    pub hi: i64,
}

/// A filter's matches, counted and marked.
#[derive(Debug, PartialEq, Eq)]
pub struct FilterIndex {
    /// Matching calls.
    pub total: u64,
    /// `marks[j]` is the `seq` of match number `j * MARK_STRIDE` (0-based).
    pub marks: Vec<i64>,
}

impl FilterIndex {
    /// Walks the matches of `sql` (which selects `seq` in order), counting them and
    /// marking every `MARK_STRIDE`-th. Long on a big table: tells the runtime first.
    pub fn scan(
        conn: &Connection,
        sql: &str,
        args: &[(&str, &dyn ToSql)],
    ) -> Result<FilterIndex, ServerError> {
        heavy(|| {
            let mut stmt = conn.prepare_cached(sql)?;
            let mut rows = stmt.query(args)?;
            let mut total = 0u64;
            let mut marks = Vec::new();
            while let Some(row) = rows.next()? {
                if total.is_multiple_of(MARK_STRIDE) {
                    marks.push(row.get(0)?);
                }
                total += 1;
            }
            Ok(FilterIndex { total, marks })
        })
    }

    /// Where page `offset` starts: the mark at or before it and how many matches to
    /// skip after the mark; `None` past the end.
    pub fn start_of(&self, offset: u64) -> Option<(i64, u64)> {
        if offset >= self.total {
            return None;
        }
        let mark = usize::try_from(offset / MARK_STRIDE).ok()?;
        Some((*self.marks.get(mark)?, offset % MARK_STRIDE))
    }
}

/// Runs `f`, telling a multi-threaded tokio runtime first that it may block for a
/// while (so other requests move to another thread); elsewhere just runs it.
fn heavy<R>(f: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// The indexes built so far.
#[derive(Debug, Default)]
pub struct FilterCache {
    map: Mutex<HashMap<FilterKey, Arc<FilterIndex>>>,
}

impl FilterCache {
    /// The index of `key`, built with `build` the first time.
    pub fn get_or_build(
        &self,
        key: FilterKey,
        build: impl FnOnce() -> Result<FilterIndex, ServerError>,
    ) -> Result<Arc<FilterIndex>, ServerError> {
        if let Some(ix) = lock(&self.map).get(&key).cloned() {
            return Ok(ix);
        }
        // Built outside the lock: other filters are served meanwhile; two requests for
        // the same new filter may both build it, which is harmless.
        let ix = Arc::new(build()?);
        let mut map = lock(&self.map);
        if map.len() >= CACHE_MAX {
            map.clear();
        }
        map.insert(key, ix.clone());
        Ok(ix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(n: i64) -> Connection {
        let conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch("CREATE TABLE calls (seq INTEGER PRIMARY KEY, even INTEGER);")
            .unwrap_or_else(|e| panic!("{e}"));
        for seq in 1..=n {
            conn.execute(
                "INSERT INTO calls VALUES (?1, ?2)",
                [seq, i64::from(seq % 2 == 0)],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        conn
    }

    #[test]
    fn marks_every_stride_and_finds_pages() {
        let conn = table(2000);
        let ix = FilterIndex::scan(
            &conn,
            "SELECT seq FROM calls WHERE even = 1 ORDER BY seq",
            &[],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        // 1000 even seqs: 2, 4, ...; marks at matches 0, 512 → seqs 2 and 1026.
        assert_eq!(ix.total, 1000);
        assert_eq!(ix.marks, vec![2, 1026]);
        assert_eq!(ix.start_of(0), Some((2, 0)));
        assert_eq!(ix.start_of(511), Some((2, 511)));
        assert_eq!(ix.start_of(512), Some((1026, 0)));
        assert_eq!(ix.start_of(999), Some((1026, 487)));
        assert_eq!(ix.start_of(1000), None);
    }

    #[test]
    fn cache_builds_once_per_filter() {
        let cache = FilterCache::default();
        let key = FilterKey {
            status: Some(Status::Failed),
            trunk_id: None,
            lo: 1,
            hi: 10,
        };
        let mut builds = 0;
        for _ in 0..3 {
            let ix = cache
                .get_or_build(key.clone(), || {
                    builds += 1;
                    Ok(FilterIndex {
                        total: 3,
                        marks: vec![1],
                    })
                })
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(ix.total, 3);
        }
        assert_eq!(builds, 1);
    }
}
