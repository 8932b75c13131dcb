//! The database's tables and indexes, its `meta` table, and how a call's status is
//! stored (the `params::Status` enum as its lower-case spelling).
//!
//! # Schema (version 2)
//!
//! ```sql
//! CREATE TABLE meta   (key TEXT PRIMARY KEY, value TEXT NOT NULL);
//!   -- schema_version, seed, calls, now (Unix s, end of the history), generated_at,
//!   -- ahead_until (Unix s, end of the calls generated ahead of `now`),
//!   -- max_duration (s, the longest call: a call older than that has ended)
//! CREATE TABLE trunks (
//!   id           TEXT PRIMARY KEY,   -- 'conn_' + 12 of [0-9a-z]
//!   position     INTEGER NOT NULL,   -- listing order of GET /v1/trunks
//!   name         TEXT NOT NULL,      -- e.g. 'Support EU (Twilio)'
//!   carrier      TEXT NOT NULL,
//!   region       TEXT NOT NULL,
//!   phone_number TEXT NOT NULL,      -- the number callers dial (calls.to_number)
//!   created_at   INTEGER NOT NULL);  -- Unix seconds, UTC
//! CREATE TABLE generated_calls (     -- every call, with how it ends
//!   seq                   INTEGER PRIMARY KEY, -- rank in API order: 1 = newest at `now`;
//!                                              -- calls ahead of `now` have seq <= 0
//!   id                    TEXT NOT NULL UNIQUE, -- 'call_' + 12 of [0-9a-z]
//!   trunk_id              TEXT NOT NULL,  -- trunks.id
//!   from_number           TEXT NOT NULL,  -- JSON "from"
//!   to_number             TEXT NOT NULL,  -- JSON "to"
//!   status                TEXT NOT NULL,  -- final: 'connected' | 'failed' | 'disconnected'
//!   duration_seconds      INTEGER NOT NULL, -- final; 0 for failed
//!   start_time            INTEGER NOT NULL, -- Unix seconds, UTC
//!   end_time              INTEGER NOT NULL, -- start_time + duration_seconds
//!   carrier_lag_ms        INTEGER NOT NULL,
//!   ai_latency_ms         INTEGER NOT NULL, -- 0 for failed calls (no AI turn)
//!   gateway_processing_ms INTEGER NOT NULL,
//!   disconnect_reason     TEXT NOT NULL,
//!   packet_loss_percent   REAL NOT NULL,
//!   jitter_ms             REAL NOT NULL,
//!   codec_used            TEXT NOT NULL);
//! CREATE VIEW calls AS ...  -- the calls as the API shows them with its clock at
//!                           -- meta.now (see VIEW below): what a server started with
//!                           -- `--now` and no `--speed` answers, for SQL cross-checks
//! ```
//!
//! The database is never written while serving: the API *reveals* `generated_calls` by
//! its clock (`db::queries`). A call is visible once `start_time <= clock`; while
//! `clock < end_time` it is shown `connected`, with `end_time` null, `duration_seconds`
//! so far and no `disconnect_reason`; from `end_time` on, as stored.

use crate::error::ServerError;
use crate::params::Status;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;

/// Version stored in `meta.schema_version`; a database with another one is refused.
pub const SCHEMA_VERSION: u32 = 2;

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
CREATE TABLE generated_calls (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  trunk_id TEXT NOT NULL,
  from_number TEXT NOT NULL,
  to_number TEXT NOT NULL,
  status TEXT NOT NULL,
  duration_seconds INTEGER NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  carrier_lag_ms INTEGER NOT NULL,
  ai_latency_ms INTEGER NOT NULL,
  gateway_processing_ms INTEGER NOT NULL,
  disconnect_reason TEXT NOT NULL,
  packet_loss_percent REAL NOT NULL,
  jitter_ms REAL NOT NULL,
  codec_used TEXT NOT NULL
);
CREATE VIEW calls AS
SELECT seq, id, trunk_id, from_number, to_number,
  CASE WHEN end_time > m.now THEN 'connected' ELSE status END AS status,
  CASE WHEN end_time > m.now THEN m.now - start_time ELSE duration_seconds END AS duration_seconds,
  start_time,
  CASE WHEN end_time > m.now THEN NULL ELSE end_time END AS end_time,
  carrier_lag_ms, ai_latency_ms, gateway_processing_ms,
  CASE WHEN end_time > m.now THEN NULL ELSE disconnect_reason END AS disconnect_reason,
  packet_loss_percent, jitter_ms, codec_used
FROM generated_calls, (SELECT CAST(value AS INTEGER) AS now FROM meta WHERE key = 'now') AS m
WHERE start_time <= m.now;
";

/// Indexes, built after the bulk insert (much faster than maintaining them during it).
/// Their entries end in `seq` (the rowid), so an index range is already in API order.
pub const INDEXES: &str = "
CREATE UNIQUE INDEX calls_id ON generated_calls (id);
CREATE INDEX calls_start ON generated_calls (start_time);
CREATE INDEX calls_status ON generated_calls (status);
CREATE INDEX calls_trunk ON generated_calls (trunk_id);
CREATE INDEX calls_trunk_status ON generated_calls (trunk_id, status);
";

/// A status is stored as its wire spelling, so SQL against the file reads naturally.
impl ToSql for Status {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

/// A stored status other than the three known is an error, not a silent default.
impl FromSql for Status {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Status::parse(text).ok_or_else(|| {
            FromSqlError::Other(format!("unknown call status '{text}' in the database").into())
        })
    }
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
    /// End of the calls generated ahead of `now`, Unix seconds.
    pub ahead_until: i64,
    /// The longest call's duration, seconds: every call that started longer ago than
    /// this has ended.
    pub max_duration: i64,
}

/// The schema version a file of ours was written with, or `None` when the file cannot
/// be read as one (then `read_meta` says why). Lets the server regenerate a database
/// an older version wrote instead of refusing it.
pub fn stored_version(path: &Path) -> Option<i64> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    conn.query_row(
        "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'",
        [],
        |r| r.get(0),
    )
    .ok()
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
        ahead_until: num("ahead_until")?,
        max_duration: num("max_duration")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_stored_as_its_spelling_and_read_back_strictly() {
        let conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        for status in Status::ALL {
            let text: String = conn
                .query_row("SELECT ?1", [status], |r| r.get(0))
                .unwrap_or_default();
            assert_eq!(text, status.as_str());
            let back: Status = conn
                .query_row("SELECT ?1", [status.as_str()], |r| r.get(0))
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, status);
        }
        for bad in ["ringing", "Connected", ""] {
            let read: rusqlite::Result<Status> = conn.query_row("SELECT ?1", [bad], |r| r.get(0));
            assert!(read.is_err(), "{bad}");
        }
        let number: rusqlite::Result<Status> = conn.query_row("SELECT 1", [], |r| r.get(0));
        assert!(number.is_err());
    }

    #[test]
    fn meta_of_another_version_is_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("x.db");
        let conn = Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch(SCHEMA).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch(
            "INSERT INTO meta VALUES ('schema_version','3'),('seed','1'),('calls','0'),\
             ('now','0'),('generated_at','0'),('ahead_until','0'),('max_duration','0');",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let err = read_meta(&path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("schema version 3, expected 2"), "{err}");
        assert_eq!(stored_version(&path), Some(3));
        conn.execute(
            "UPDATE meta SET value = '2' WHERE key = 'schema_version'",
            [],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_meta(&path).ok().map(|m| m.calls), Some(0));
    }
}
