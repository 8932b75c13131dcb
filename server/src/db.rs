//! The SQLite database: schema, the read-only connection pool and the queries behind
//! the API.
//!
//! # Schema (version 1)
//!
//! ```sql
//! CREATE TABLE meta   (key TEXT PRIMARY KEY, value TEXT NOT NULL);
//!   -- schema_version, seed, calls, now (Unix s, end of the history), generated_at
//! CREATE TABLE trunks (
//!   id           TEXT PRIMARY KEY,   -- 'conn_' + 12 of [0-9a-z]
//!   position     INTEGER NOT NULL,   -- listing order of GET /v1/trunks
//!   name         TEXT NOT NULL,      -- e.g. 'Support EU (Twilio)'
//!   carrier      TEXT NOT NULL,
//!   region       TEXT NOT NULL,
//!   phone_number TEXT NOT NULL,      -- the number callers dial (calls.to_number)
//!   created_at   INTEGER NOT NULL);  -- Unix seconds, UTC
//! CREATE TABLE calls (
//!   seq                   INTEGER PRIMARY KEY, -- rank in API order: 1 = newest
//!   id                    TEXT NOT NULL UNIQUE, -- 'call_' + 12 of [0-9a-z]
//!   trunk_id              TEXT NOT NULL,  -- trunks.id
//!   from_number           TEXT NOT NULL,  -- JSON "from"
//!   to_number             TEXT NOT NULL,  -- JSON "to"
//!   status                TEXT NOT NULL,  -- 'connected' | 'failed' | 'disconnected'
//!   duration_seconds      INTEGER NOT NULL, -- 0 for failed; elapsed so far if running
//!   start_time            INTEGER NOT NULL, -- Unix seconds, UTC
//!   end_time              INTEGER,          -- NULL while the call is still running
//!   carrier_lag_ms        INTEGER NOT NULL,
//!   ai_latency_ms         INTEGER NOT NULL, -- 0 for failed calls (no AI turn)
//!   gateway_processing_ms INTEGER NOT NULL,
//!   disconnect_reason     TEXT,             -- NULL while running
//!   packet_loss_percent   REAL NOT NULL,
//!   jitter_ms             REAL NOT NULL,
//!   codec_used            TEXT NOT NULL);
//! ```
//!
//! Invariant: rows are inserted in API order (`start_time DESC, id DESC`), so `seq`
//! is each call's rank and `start_time` never increases with `seq`. The queries rely on
//! it: a date range becomes a `seq` range found with two index seeks, the unfiltered
//! list is a `seq` range read (O(log n) at any offset, and its total is `hi - lo + 1`),
//! and the `(status)`, `(trunk_id)`, `(trunk_id, status)` indexes, whose entries end
//! in `seq`, return filtered pages already in order. The first request for a filter
//! scans its index range once, keeping the total and the `seq` of every 512th match
//! (a `FilterIndex`, cached: the data never changes while the server runs); any later
//! page starts from the nearest mark, so a deep offset skips at most 511 index
//! entries instead of hundreds of thousands.
//!
//! Cross-checking the API with SQL: `total` for a filter equals
//! `SELECT count(*) FROM calls WHERE status = ? AND trunk_id = ? AND start_time >= ?
//! AND start_time <= ?` (leave out the conditions not asked for), and page `k` (size
//! `n`) is `... ORDER BY start_time DESC, id DESC LIMIT n OFFSET k*n`.

use crate::error::ServerError;
use crate::generate::{self, Turn};
use crate::params::{CallFilter, CallQuery, PageQuery, Status};
use rusqlite::types::ToSql;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row};
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// Version stored in `meta.schema_version`; a database with another one is refused.
pub const SCHEMA_VERSION: u32 = 1;

/// Tables, created before the bulk insert.
pub const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE trunks (
  id TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  carrier TEXT NOT NULL,
  region TEXT NOT NULL,
  phone_number TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE calls (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  trunk_id TEXT NOT NULL,
  from_number TEXT NOT NULL,
  to_number TEXT NOT NULL,
  status TEXT NOT NULL,
  duration_seconds INTEGER NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER,
  carrier_lag_ms INTEGER NOT NULL,
  ai_latency_ms INTEGER NOT NULL,
  gateway_processing_ms INTEGER NOT NULL,
  disconnect_reason TEXT,
  packet_loss_percent REAL NOT NULL,
  jitter_ms REAL NOT NULL,
  codec_used TEXT NOT NULL
);
";

/// Indexes, built after the bulk insert (much faster than maintaining them during it).
pub const INDEXES: &str = "
CREATE UNIQUE INDEX calls_id ON calls (id);
CREATE INDEX calls_start ON calls (start_time);
CREATE INDEX calls_status ON calls (status);
CREATE INDEX calls_trunk ON calls (trunk_id);
CREATE INDEX calls_trunk_status ON calls (trunk_id, status);
";

/// Columns of a list row, in `CallRow::from_row` order.
const ROW_COLUMNS: &str = "id, trunk_id, from_number, to_number, status, duration_seconds, \
     start_time, end_time, carrier_lag_ms, ai_latency_ms, gateway_processing_ms";

/// Filter-index cache size; past it the cache starts over (bounded memory: a mark per
/// 512 matches is at most ~16 KB per filter on 1,000,000 calls).
const FILTER_CACHE_MAX: usize = 2048;
/// Distance between two marks of a `FilterIndex`.
const MARK_STRIDE: u64 = 512;

/// Formats Unix seconds as RFC 3339 UTC with whole seconds: `2024-03-05T10:30:00Z`.
///
/// Hand-written (days-to-civil, as in Howard Hinnant's date algorithms) because a
/// page holds up to 200 timestamps and chrono's format machinery was a visible share
/// of a 100-row answer; years outside 0..=9999 fall back to chrono.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return match chrono::DateTime::from_timestamp(secs, 0) {
            Some(dt) => dt.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            None => String::from("1970-01-01T00:00:00Z"),
        };
    }
    let mut out = [0u8; 20];
    let mut put = |at: usize, value: i64, width: usize| {
        let mut v = value;
        for i in (0..width).rev() {
            out[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, of_day / 3600, 2);
    put(14, of_day / 60 % 60, 2);
    put(17, of_day % 60, 2);
    for (at, sep) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'Z'),
    ] {
        out[at] = sep;
    }
    out.iter().map(|b| char::from(*b)).collect()
}

/// (year, month, day) of a day number counted from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn ser_time<S: Serializer>(secs: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*secs))
}

fn ser_opt_time<S: Serializer>(secs: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match secs {
        Some(v) => s.serialize_str(&rfc3339(*v)),
        None => s.serialize_none(),
    }
}

/// One call as `GET /v1/calls` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallRow {
    /// `call_...`.
    pub id: String,
    /// `conn_...`.
    pub trunk_id: String,
    /// Caller number, as stored.
    pub from: String,
    /// Called number, as stored.
    pub to: String,
    /// `connected`, `failed` or `disconnected`.
    pub status: String,
    /// Seconds; 0 for failed calls.
    pub duration_seconds: i64,
    /// Unix seconds, serialized as RFC 3339.
    #[serde(serialize_with = "ser_time")]
    pub start_time: i64,
    /// Unix seconds, serialized as RFC 3339; `null` while running.
    #[serde(serialize_with = "ser_opt_time")]
    pub end_time: Option<i64>,
    /// Carrier leg latency.
    pub carrier_lag_ms: i64,
    /// AI agent response latency.
    pub ai_latency_ms: i64,
    /// Gateway processing latency.
    pub gateway_processing_ms: i64,
}

impl CallRow {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<CallRow> {
        Ok(CallRow {
            id: r.get(0)?,
            trunk_id: r.get(1)?,
            from: r.get(2)?,
            to: r.get(3)?,
            status: r.get(4)?,
            duration_seconds: r.get(5)?,
            start_time: r.get(6)?,
            end_time: r.get(7)?,
            carrier_lag_ms: r.get(8)?,
            ai_latency_ms: r.get(9)?,
            gateway_processing_ms: r.get(10)?,
        })
    }
}

/// Quality metrics of one call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Lost packets, percent.
    pub packet_loss_percent: f64,
    /// Jitter, ms.
    pub jitter_ms: f64,
    /// Audio codec, e.g. `opus`.
    pub codec_used: String,
}

/// One call as `GET /v1/calls/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallDetail {
    /// The list row's fields.
    #[serde(flatten)]
    pub row: CallRow,
    /// Why the call ended; `null` while running.
    pub disconnect_reason: Option<String>,
    /// Quality metrics.
    pub metrics: Metrics,
    /// The conversation, turn by turn.
    pub turns: Vec<Turn>,
}

/// One trunk as `GET /v1/trunks` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trunk {
    /// `conn_...`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Carrier behind the trunk.
    pub carrier: String,
    /// Region label.
    pub region: String,
    /// The number callers dial.
    pub phone_number: String,
    /// Always `active` here.
    pub status: &'static str,
    /// Creation time, RFC 3339.
    #[serde(serialize_with = "ser_time")]
    pub created_at: i64,
}

/// A page of results with the total matching count.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// All items matching the filters.
    pub total: u64,
}

/// What `meta` says about a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// Schema version.
    pub schema_version: u32,
    /// Seed it was generated with.
    pub seed: u64,
    /// Number of calls asked for.
    pub calls: u64,
    /// End of the history, Unix seconds.
    pub now: i64,
    /// When it was generated, Unix seconds.
    pub generated_at: i64,
}

/// Reads `meta`, or explains why the file is not one of ours.
pub fn read_meta(path: &Path) -> Result<Meta, ServerError> {
    let incompatible = |reason: String| ServerError::IncompatibleDb {
        path: path.to_path_buf(),
        reason,
    };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let get = |key: &str| -> Result<String, ServerError> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| incompatible(format!("cannot read meta: {e}")))?
            .ok_or_else(|| incompatible(format!("meta.{key} is missing")))
    };
    let num = |key: &str| -> Result<i64, ServerError> {
        get(key)?
            .parse::<i64>()
            .map_err(|_| incompatible(format!("meta.{key} is not a number")))
    };
    let schema_version = num("schema_version")?;
    if schema_version != i64::from(SCHEMA_VERSION) {
        return Err(incompatible(format!(
            "schema version {schema_version}, expected {SCHEMA_VERSION}"
        )));
    }
    Ok(Meta {
        schema_version: SCHEMA_VERSION,
        seed: get("seed")?
            .parse()
            .map_err(|_| incompatible("meta.seed is not a number".into()))?,
        calls: u64::try_from(num("calls")?).unwrap_or(0),
        now: num("now")?,
        generated_at: num("generated_at")?,
    })
}

/// Key of the filter cache: the filter reduced to its `seq` range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FilterKey {
    status: Option<Status>,
    trunk_id: Option<String>,
    lo: i64,
    hi: i64,
}

/// What one scan of a filter's index range learned.
#[derive(Debug)]
struct FilterIndex {
    /// Matching calls.
    total: u64,
    /// `marks[j]` is the `seq` of match number `j * MARK_STRIDE` (0-based).
    marks: Vec<i64>,
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

/// A fixed pool of read-only connections plus the cached filter indexes.
pub struct Db {
    path: PathBuf,
    pool: Mutex<Vec<Connection>>,
    available: Condvar,
    filters: Mutex<HashMap<FilterKey, Arc<FilterIndex>>>,
    max_seq: i64,
}

/// A connection borrowed from the pool; returned on drop.
struct Lease<'a> {
    db: &'a Db,
    conn: Option<Connection>,
}

impl std::ops::Deref for Lease<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        // Present from creation until drop.
        self.conn.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            lock(&self.db.pool).push(conn);
            self.db.available.notify_one();
        }
    }
}

/// Locks a mutex, recovering from poisoning (the data stays consistent: every critical
/// section here is a single push, pop or insert).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Opens one tuned read-only connection.
fn open_reader(path: &Path) -> Result<Connection, ServerError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.pragma_update_and_check(None, "mmap_size", 4_i64 << 30, |r| r.get::<_, i64>(0))?;
    conn.pragma_update(None, "cache_size", -32_768_i64)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

impl Db {
    /// Opens `size` read-only connections to a database made by `generate`.
    pub fn open(path: &Path, size: usize) -> Result<Db, ServerError> {
        read_meta(path)?;
        let mut conns = Vec::with_capacity(size.max(1));
        for _ in 0..size.max(1) {
            conns.push(open_reader(path)?);
        }
        let max_seq: i64 =
            conns[0].query_row("SELECT coalesce(max(seq), 0) FROM calls", [], |r| r.get(0))?;
        Ok(Db {
            path: path.to_path_buf(),
            pool: Mutex::new(conns),
            available: Condvar::new(),
            filters: Mutex::new(HashMap::new()),
            max_seq,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of calls.
    pub fn call_count(&self) -> u64 {
        u64::try_from(self.max_seq).unwrap_or(0)
    }

    fn lease(&self) -> Lease<'_> {
        let mut pool = lock(&self.pool);
        loop {
            if let Some(conn) = pool.pop() {
                return Lease {
                    db: self,
                    conn: Some(conn),
                };
            }
            pool = self.available.wait(pool).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The `seq` range `[lo, hi]` of the date filter, or `None` when it is empty.
    fn seq_range(&self, conn: &Connection, f: &CallFilter) -> rusqlite::Result<Option<(i64, i64)>> {
        let (mut lo, mut hi) = (1, self.max_seq);
        if let Some(end) = f.end {
            let v: Option<i64> = conn
                .prepare_cached(
                    "SELECT min(seq) FROM calls WHERE start_time = \
                     (SELECT max(start_time) FROM calls WHERE start_time <= ?1)",
                )?
                .query_row([end], |r| r.get(0))?;
            match v {
                Some(v) => lo = v,
                None => return Ok(None),
            }
        }
        if let Some(start) = f.start {
            let v: Option<i64> = conn
                .prepare_cached(
                    "SELECT max(seq) FROM calls WHERE start_time = \
                     (SELECT min(start_time) FROM calls WHERE start_time >= ?1)",
                )?
                .query_row([start], |r| r.get(0))?;
            match v {
                Some(v) => hi = v,
                None => return Ok(None),
            }
        }
        Ok((lo <= hi).then_some((lo, hi)))
    }

    /// One page of `GET /v1/calls` and the total matching count.
    pub fn list_calls(&self, q: &CallQuery) -> Result<Page<CallRow>, ServerError> {
        let conn = self.lease();
        let f = &q.filter;
        let Some((lo, hi)) = self.seq_range(&conn, f)? else {
            return Ok(Page {
                items: Vec::new(),
                total: 0,
            });
        };
        let limit = i64::from(q.page.limit);
        let offset = i64::try_from(q.page.offset).unwrap_or(i64::MAX);

        if f.status.is_none() && f.trunk_id.is_none() {
            let total = u64::try_from(hi - lo + 1).unwrap_or(0);
            let first = lo.saturating_add(offset);
            if first > hi {
                return Ok(Page {
                    items: Vec::new(),
                    total,
                });
            }
            let last = hi.min(first.saturating_add(limit - 1));
            let sql =
                format!("SELECT {ROW_COLUMNS} FROM calls WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq");
            let mut stmt = conn.prepare_cached(&sql)?;
            let items = stmt
                .query_map([first, last], CallRow::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            return Ok(Page { items, total });
        }

        let (index_name, condition) = match (f.status.is_some(), f.trunk_id.is_some()) {
            (true, true) => (
                "calls_trunk_status",
                "trunk_id = :trunk AND status = :status",
            ),
            (false, true) => ("calls_trunk", "trunk_id = :trunk"),
            _ => ("calls_status", "status = :status"),
        };
        let status = f.status.map(Status::as_str);
        let mut args: Vec<(&str, &dyn ToSql)> = vec![(":lo", &lo), (":hi", &hi)];
        if let Some(trunk) = &f.trunk_id {
            args.push((":trunk", trunk));
        }
        if let Some(status) = &status {
            args.push((":status", status));
        }
        // INDEXED BY: an index whose entries end in `seq` filters and orders at once,
        // and deep offsets then skip index entries only, never table rows.
        let from = format!(
            "FROM calls INDEXED BY {index_name} WHERE {condition} AND seq BETWEEN :lo AND :hi"
        );

        let key = FilterKey {
            status: f.status,
            trunk_id: f.trunk_id.clone(),
            lo,
            hi,
        };
        let cached = lock(&self.filters).get(&key).cloned();
        let index = match cached {
            Some(ix) => ix,
            None => {
                let sql = format!("SELECT seq {from} ORDER BY seq");
                let ix = Arc::new(heavy(|| scan(&conn, &sql, &args))?);
                let mut filters = lock(&self.filters);
                if filters.len() >= FILTER_CACHE_MAX {
                    filters.clear();
                }
                filters.insert(key, ix.clone());
                ix
            }
        };
        let total = index.total;
        if q.page.offset >= total {
            return Ok(Page {
                items: Vec::new(),
                total,
            });
        }
        let mark = usize::try_from(q.page.offset / MARK_STRIDE).unwrap_or(usize::MAX);
        let Some(first) = index.marks.get(mark).copied() else {
            return Err(ServerError::Task(
                "filter index is shorter than its total".into(),
            ));
        };
        let skip = i64::try_from(q.page.offset % MARK_STRIDE).unwrap_or(0);
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM calls INDEXED BY {index_name} WHERE {condition} \
             AND seq BETWEEN :first AND :hi ORDER BY seq LIMIT :limit OFFSET :skip"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut page_args: Vec<(&str, &dyn ToSql)> = args
            .iter()
            .filter(|(name, _)| *name != ":lo")
            .copied()
            .collect();
        page_args.push((":first", &first));
        page_args.push((":limit", &limit));
        page_args.push((":skip", &skip));
        let items = stmt
            .query_map(page_args.as_slice(), CallRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Page { items, total })
    }

    /// Indexes every status × trunk combination over the whole history, so the first
    /// requests for them are served from the cache.
    pub fn prewarm(&self) -> Result<(), ServerError> {
        let trunk_ids: Vec<Option<String>> = std::iter::once(None)
            .chain(self.trunk_ids()?.into_iter().map(Some))
            .collect();
        let statuses: Vec<Option<Status>> =
            std::iter::once(None).chain(Status::ALL.map(Some)).collect();
        for trunk_id in &trunk_ids {
            for status in &statuses {
                let q = CallQuery {
                    page: PageQuery {
                        limit: 1,
                        offset: 0,
                    },
                    filter: CallFilter {
                        status: *status,
                        trunk_id: trunk_id.clone(),
                        start: None,
                        end: None,
                    },
                };
                self.list_calls(&q)?;
            }
        }
        Ok(())
    }

    /// All trunk ids, in listing order.
    pub fn trunk_ids(&self) -> Result<Vec<String>, ServerError> {
        let conn = self.lease();
        let mut stmt = conn.prepare_cached("SELECT id FROM trunks ORDER BY position")?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// `GET /v1/calls/{id}`: the call with its reason, metrics and turns, if it exists.
    pub fn call_detail(&self, id: &str) -> Result<Option<CallDetail>, ServerError> {
        let conn = self.lease();
        let sql = format!(
            "SELECT {ROW_COLUMNS}, disconnect_reason, packet_loss_percent, jitter_ms, codec_used \
             FROM calls WHERE id = ?1"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let found = stmt
            .query_row([id], |r| {
                Ok((
                    CallRow::from_row(r)?,
                    r.get::<_, Option<String>>(11)?,
                    Metrics {
                        packet_loss_percent: r.get(12)?,
                        jitter_ms: r.get(13)?,
                        codec_used: r.get(14)?,
                    },
                ))
            })
            .optional()?;
        Ok(found.map(|(row, disconnect_reason, metrics)| {
            let turns = generate::turns(
                &row.id,
                &row.status,
                row.duration_seconds,
                row.ai_latency_ms,
                row.gateway_processing_ms,
            );
            CallDetail {
                row,
                disconnect_reason,
                metrics,
                turns,
            }
        }))
    }

    /// `GET /v1/trunks`: one page of trunks.
    pub fn trunks(&self, page: PageQuery) -> Result<Page<Trunk>, ServerError> {
        let conn = self.lease();
        let total: i64 = conn
            .prepare_cached("SELECT count(*) FROM trunks")?
            .query_row([], |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, carrier, region, phone_number, created_at FROM trunks \
             ORDER BY position LIMIT ?1 OFFSET ?2",
        )?;
        let items = stmt
            .query_map(
                [
                    i64::from(page.limit),
                    i64::try_from(page.offset).unwrap_or(i64::MAX),
                ],
                |r| {
                    Ok(Trunk {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        carrier: r.get(2)?,
                        region: r.get(3)?,
                        phone_number: r.get(4)?,
                        status: "active",
                        created_at: r.get(5)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }
}

/// Walks a filter's matches in order, counting them and marking every
/// `MARK_STRIDE`-th `seq`.
fn scan(
    conn: &Connection,
    sql: &str,
    args: &[(&str, &dyn ToSql)],
) -> Result<FilterIndex, ServerError> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_chrono() {
        let chrono_fmt = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default()
        };
        let mut t = -86_400 * 800_000; // year ~ -220, exercises the fallback
        while t < 86_400 * 3_000_000 {
            assert_eq!(rfc3339(t), chrono_fmt(t), "{t}");
            t += 86_400 * 37 + 12_345;
        }
        for t in [0, 951_782_400, 1_709_251_199, 1_709_251_200, 4_107_542_399] {
            assert_eq!(rfc3339(t), chrono_fmt(t), "{t}");
        }
        assert_eq!(rfc3339(1_709_634_600), "2024-03-05T10:30:00Z");
    }
}
