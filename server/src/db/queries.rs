//! `Db`: the queries behind the API's three endpoints, over the connection pool and the
//! filter-index cache (see the `db` module doc for how they use the `seq` order), at the
//! time of the API's clock (see `live` for how a list is split so that its totals stay
//! right while calls start and end).

use super::filter_index::{FilterCache, FilterIndex, FilterKey};
use super::live::{self, LiveCache, LiveKey};
use super::pool::Pool;
use super::rows::{CallRow, Metrics, Page, StoredDetail, Trunk, ROW_COLUMNS};
use super::schema::{read_meta, Meta};
use crate::error::ServerError;
use crate::params::{CallFilter, CallQuery, PageQuery, Status};
use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};

/// The database as the API reads it.
pub struct Db {
    path: PathBuf,
    pool: Pool,
    filters: FilterCache,
    live: LiveCache,
    meta: Meta,
    /// `seq` of the newest call generated (the last call ahead; 1 without any).
    min_seq: i64,
    /// `seq` of the oldest call.
    max_seq: i64,
}

/// The `seq` of the newest call that started at or before `t`, if any: the smallest
/// `seq` of the latest start second not after `t` (two index seeks).
fn newest_at_or_before(conn: &Connection, t: i64) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT min(seq) FROM generated_calls WHERE start_time = \
         (SELECT max(start_time) FROM generated_calls WHERE start_time <= ?1)",
    )?
    .query_row([t], |r| r.get(0))
}

/// `lo..=hi` when not empty.
fn span(lo: i64, hi: i64) -> Option<(i64, i64)> {
    (lo <= hi).then_some((lo, hi))
}

impl Db {
    /// Opens `size` read-only connections to a database made by `generate`.
    pub fn open(path: &Path, size: usize) -> Result<Db, ServerError> {
        let meta = read_meta(path)?;
        let pool = Pool::open(path, size)?;
        let (min_seq, max_seq): (i64, i64) = pool.lease().query_row(
            "SELECT coalesce(min(seq), 1), coalesce(max(seq), 0) FROM generated_calls",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Db {
            path: path.to_path_buf(),
            pool,
            filters: FilterCache::default(),
            live: LiveCache::default(),
            meta,
            min_seq,
            max_seq,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the database's `meta` says (end of the history, of the calls ahead, ...).
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// Number of calls of the history (those that started by `meta().now`).
    pub fn call_count(&self) -> u64 {
        u64::try_from(self.max_seq).unwrap_or(0)
    }

    /// Number of calls generated ahead of the history's end.
    pub fn ahead_count(&self) -> u64 {
        u64::try_from(1 - self.min_seq).unwrap_or(0)
    }

    /// The `seq` range `[lo, hi]` of the calls visible at `at` within the date filter,
    /// or `None` when it is empty. Calls that start after `at` are not there yet.
    fn seq_range(
        &self,
        conn: &Connection,
        f: &CallFilter,
        at: i64,
    ) -> rusqlite::Result<Option<(i64, i64)>> {
        let end = f.end.map_or(at, |e| e.min(at));
        let Some(lo) = newest_at_or_before(conn, end)? else {
            return Ok(None);
        };
        let mut hi = self.max_seq;
        if let Some(start) = f.start {
            let v: Option<i64> = conn
                .prepare_cached(
                    "SELECT max(seq) FROM generated_calls WHERE start_time = \
                     (SELECT min(start_time) FROM generated_calls WHERE start_time >= ?1)",
                )?
                .query_row([start], |r| r.get(0))?;
            match v {
                Some(v) => hi = v,
                None => return Ok(None),
            }
        }
        Ok(span(lo, hi))
    }

    /// The first `seq` of the settled calls at `at`: those that started by the settle
    /// instant and so have ended (`live`); past the oldest call when none has.
    fn settled_from(&self, conn: &Connection, at: i64) -> rusqlite::Result<i64> {
        let settle = live::settle_instant(at, self.meta.max_duration);
        Ok(newest_at_or_before(conn, settle)?.unwrap_or(self.max_seq + 1))
    }

    /// Rows `[first, last]` in API order, as shown at `at`, keeping those `keep` accepts.
    fn rows_between(
        conn: &Connection,
        (first, last): (i64, i64),
        at: i64,
        keep: impl Fn(i64) -> bool,
    ) -> Result<Vec<CallRow>, ServerError> {
        let sql = format!(
            "SELECT {ROW_COLUMNS}, seq FROM generated_calls WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut out = Vec::new();
        let mut rows = stmt.query([first, last])?;
        while let Some(r) = rows.next()? {
            if keep(r.get(11)?) {
                out.push(CallRow::from_row(r)?.as_of(at));
            }
        }
        Ok(out)
    }

    /// One page of `GET /v1/calls` and the total matching count, as seen at `at`
    /// (Unix seconds: the API's clock).
    pub fn list_calls(&self, q: &CallQuery, at: i64) -> Result<Page<CallRow>, ServerError> {
        let conn = self.pool.lease();
        let f = &q.filter;
        let Some((lo, hi)) = self.seq_range(&conn, f, at)? else {
            return Ok(Page {
                items: Vec::new(),
                total: 0,
            });
        };
        let limit = u64::from(q.page.limit);
        let offset = q.page.offset;

        if f.status.is_none() && f.trunk_id.is_none() {
            let total = u64::try_from(hi - lo + 1).unwrap_or(0);
            let first = lo.saturating_add(i64::try_from(offset).unwrap_or(i64::MAX));
            if first > hi {
                return Ok(Page {
                    items: Vec::new(),
                    total,
                });
            }
            let last = hi.min(first.saturating_add(i64::try_from(limit).unwrap_or(1) - 1));
            let items = Self::rows_between(&conn, (first, last), at, |_| true)?;
            return Ok(Page { items, total });
        }

        // Newest first: the live part (visible status read at `at`), then the settled
        // part (stored status, cached index).
        let boundary = self.settled_from(&conn, at)?;
        let live_part = match span(lo, hi.min(boundary - 1)) {
            Some((live_lo, live_hi)) => {
                let key = LiveKey {
                    status: f.status,
                    trunk_id: f.trunk_id.clone(),
                    lo: live_lo,
                    hi: live_hi,
                    at,
                };
                Some(self.live.get_or_build(key, |k| live::scan(&conn, k))?)
            }
            None => None,
        };
        let live_seqs: &[i64] = live_part.as_deref().map_or(&[], Vec::as_slice);
        let live_n = live_seqs.len() as u64;
        let settled = match span(lo.max(boundary), hi) {
            Some(range) => Some(self.settled_index(&conn, f, range)?),
            None => None,
        };
        let total = live_n + settled.as_ref().map_or(0, |(ix, ..)| ix.total);

        let mut items = Vec::new();
        if offset < live_n {
            let from = usize::try_from(offset).unwrap_or(usize::MAX);
            let to = usize::try_from((offset + limit).min(live_n)).unwrap_or(usize::MAX);
            let wanted = &live_seqs[from..to];
            if let (Some(&first), Some(&last)) = (wanted.first(), wanted.last()) {
                items = Self::rows_between(&conn, (first, last), at, |seq| {
                    wanted.binary_search(&seq).is_ok()
                })?;
            }
        }
        let room = limit - items.len() as u64;
        if let Some((index, range, (index_name, condition))) = &settled {
            let skip = offset.saturating_sub(live_n);
            if room > 0 && skip < index.total {
                let Some((first, skip)) = index.start_of(skip) else {
                    return Err(ServerError::Task(
                        "filter index is shorter than its total".into(),
                    ));
                };
                let skip = i64::try_from(skip).unwrap_or(0);
                let room = i64::try_from(room).unwrap_or(i64::MAX);
                let sql = format!(
                    "SELECT {ROW_COLUMNS} FROM generated_calls INDEXED BY {index_name} \
                     WHERE {condition} AND seq BETWEEN :first AND :hi ORDER BY seq \
                     LIMIT :limit OFFSET :skip"
                );
                let mut stmt = conn.prepare_cached(&sql)?;
                let mut args = filter_args(f);
                args.push((":first", &first));
                args.push((":hi", &range.1));
                args.push((":limit", &room));
                args.push((":skip", &skip));
                let rows = stmt
                    .query_map(args.as_slice(), CallRow::from_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                items.extend(rows.into_iter().map(|r| r.as_of(at)));
            }
        }
        Ok(Page { items, total })
    }

    /// The cached index of the filter's matches in the settled range `[lo, hi]`, with
    /// the index and condition that select them.
    #[allow(clippy::type_complexity)]
    fn settled_index(
        &self,
        conn: &Connection,
        f: &CallFilter,
        (lo, hi): (i64, i64),
    ) -> Result<
        (
            std::sync::Arc<FilterIndex>,
            (i64, i64),
            (&'static str, &'static str),
        ),
        ServerError,
    > {
        let (index_name, condition) = match (f.status.is_some(), f.trunk_id.is_some()) {
            (true, true) => (
                "calls_trunk_status",
                "trunk_id = :trunk AND status = :status",
            ),
            (false, true) => ("calls_trunk", "trunk_id = :trunk"),
            _ => ("calls_status", "status = :status"),
        };
        let key = FilterKey {
            status: f.status,
            trunk_id: f.trunk_id.clone(),
            lo,
            hi,
        };
        let index = self.filters.get_or_build(key, || {
            // INDEXED BY: an index whose entries end in `seq` filters and orders at
            // once, and deep offsets then skip index entries only, never table rows.
            let sql = format!(
                "SELECT seq FROM generated_calls INDEXED BY {index_name} \
                 WHERE {condition} AND seq BETWEEN :lo AND :hi ORDER BY seq"
            );
            let mut args = filter_args(f);
            args.push((":lo", &lo));
            args.push((":hi", &hi));
            FilterIndex::scan(conn, &sql, &args)
        })?;
        Ok((index, (lo, hi), (index_name, condition)))
    }

    /// Indexes every status × trunk combination over everything visible at `at`, so
    /// the first requests for them are served from the cache.
    pub fn prewarm(&self, at: i64) -> Result<(), ServerError> {
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
                self.list_calls(&q, at)?;
            }
        }
        Ok(())
    }

    /// All trunk ids, in listing order.
    pub fn trunk_ids(&self) -> Result<Vec<String>, ServerError> {
        let conn = self.pool.lease();
        let mut stmt = conn.prepare_cached("SELECT id FROM trunks ORDER BY position")?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// `GET /v1/calls/{id}`: the call with its reason and metrics as seen at `at`, if
    /// it exists and has started by then (its turns are not stored:
    /// `generate::turns_of` derives them from the row).
    pub fn call_detail(&self, id: &str, at: i64) -> Result<Option<StoredDetail>, ServerError> {
        let conn = self.pool.lease();
        let sql = format!(
            "SELECT {ROW_COLUMNS}, disconnect_reason, packet_loss_percent, jitter_ms, codec_used \
             FROM generated_calls WHERE id = ?1"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let found = stmt
            .query_row([id], |r| {
                Ok(StoredDetail {
                    row: CallRow::from_row(r)?,
                    disconnect_reason: r.get(11)?,
                    metrics: Metrics {
                        packet_loss_percent: r.get(12)?,
                        jitter_ms: r.get(13)?,
                        codec_used: r.get(14)?,
                    },
                })
            })
            .optional()?;
        Ok(found
            .filter(|d| d.row.start_time <= at)
            .map(|d| d.as_of(at)))
    }

    /// `GET /v1/trunks`: one page of trunks.
    pub fn trunks(&self, page: PageQuery) -> Result<Page<Trunk>, ServerError> {
        let conn = self.pool.lease();
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

/// The named arguments of a filter's condition (`:trunk`, `:status`).
fn filter_args(f: &CallFilter) -> Vec<(&'static str, &dyn ToSql)> {
    let mut args: Vec<(&str, &dyn ToSql)> = Vec::new();
    if let Some(trunk) = &f.trunk_id {
        args.push((":trunk", trunk));
    }
    if let Some(status) = &f.status {
        args.push((":status", status));
    }
    args
}
