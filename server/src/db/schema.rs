//! The database's tables and indexes, its `meta` table, and how a call's status is
//! stored (the `params::Status` enum as its lower-case spelling).
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

use crate::error::ServerError;
use crate::params::Status;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;

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
            "INSERT INTO meta VALUES ('schema_version','2'),('seed','1'),('calls','0'),\
             ('now','0'),('generated_at','0');",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let err = read_meta(&path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("schema version 2, expected 1"), "{err}");
        conn.execute(
            "UPDATE meta SET value = '1' WHERE key = 'schema_version'",
            [],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_meta(&path).ok().map(|m| m.calls), Some(0));
    }
}
