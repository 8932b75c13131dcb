//! A fixed pool of read-only, memory-mapped SQLite connections: a request borrows one
//! (`Lease`) and gives it back on drop; when all are out, the next waits.

use crate::error::ServerError;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard};

/// Locks a mutex, recovering from poisoning (the data stays consistent: every critical
/// section in `db` is a single push, pop, insert or clear).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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

/// The connections and a way to wait for one.
pub struct Pool {
    conns: Mutex<Vec<Connection>>,
    available: Condvar,
}

/// A connection borrowed from the pool; returned on drop.
pub struct Lease<'a> {
    pool: &'a Pool,
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
            lock(&self.pool.conns).push(conn);
            self.pool.available.notify_one();
        }
    }
}

impl Pool {
    /// `size` (at least 1) read-only connections to `path`.
    pub fn open(path: &Path, size: usize) -> Result<Pool, ServerError> {
        let conns = (0..size.max(1))
            .map(|_| open_reader(path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Pool {
            conns: Mutex::new(conns),
            available: Condvar::new(),
        })
    }

    /// A connection, waiting if all are lent.
    pub fn lease(&self) -> Lease<'_> {
        let mut conns = lock(&self.conns);
        loop {
            if let Some(conn) = conns.pop() {
                return Lease {
                    pool: self,
                    conn: Some(conn),
                };
            }
            conns = self
                .available
                .wait(conns)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_goes_back_on_drop() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("p.db");
        Connection::open(&path)
            .and_then(|c| c.execute_batch("CREATE TABLE t (x INTEGER);"))
            .unwrap_or_else(|e| panic!("{e}"));
        let pool = Pool::open(&path, 1).unwrap_or_else(|e| panic!("{e}"));
        {
            let conn = pool.lease();
            let n: i64 = conn
                .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                .unwrap_or(-1);
            assert_eq!(n, 0);
            // Read-only: writes fail.
            assert!(conn.execute("INSERT INTO t VALUES (1)", []).is_err());
        }
        // With one connection, a second lease only works if the first came back.
        let _again = pool.lease();
    }
}
