//! `Db`: the queries behind the API's three endpoints, over the connection pool and the
//! filter-index cache (see the `db` module doc for how they use the `seq` order).

use super::filter_index::{FilterCache, FilterIndex, FilterKey};
use super::pool::Pool;
use super::rows::{CallRow, Metrics, Page, StoredDetail, Trunk, ROW_COLUMNS};
use super::schema::read_meta;
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
    max_seq: i64,
}

impl Db {
    /// Opens `size` read-only connections to a database made by `generate`.
    pub fn open(path: &Path, size: usize) -> Result<Db, ServerError> {
        read_meta(path)?;
        let pool = Pool::open(path, size)?;
        let max_seq: i64 =
            pool.lease()
                .query_row("SELECT coalesce(max(seq), 0) FROM calls", [], |r| r.get(0))?;
        Ok(Db {
            path: path.to_path_buf(),
            pool,
            filters: FilterCache::default(),
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
        let conn = self.pool.lease();
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
        let mut args: Vec<(&str, &dyn ToSql)> = vec![(":lo", &lo), (":hi", &hi)];
        if let Some(trunk) = &f.trunk_id {
            args.push((":trunk", trunk));
        }
        if let Some(status) = &f.status {
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
        let index = self.filters.get_or_build(key, || {
            FilterIndex::scan(&conn, &format!("SELECT seq {from} ORDER BY seq"), &args)
        })?;
        let total = index.total;
        if q.page.offset >= total {
            return Ok(Page {
                items: Vec::new(),
                total,
            });
        }
        let Some((first, skip)) = index.start_of(q.page.offset) else {
            return Err(ServerError::Task(
                "filter index is shorter than its total".into(),
            ));
        };
        let skip = i64::try_from(skip).unwrap_or(0);
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
        let conn = self.pool.lease();
        let mut stmt = conn.prepare_cached("SELECT id FROM trunks ORDER BY position")?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// `GET /v1/calls/{id}`: the call with its reason and metrics, if it exists (its
    /// turns are not stored: `generate::turns_of` derives them from the row).
    pub fn call_detail(&self, id: &str) -> Result<Option<StoredDetail>, ServerError> {
        let conn = self.pool.lease();
        let sql = format!(
            "SELECT {ROW_COLUMNS}, disconnect_reason, packet_loss_percent, jitter_ms, codec_used \
             FROM calls WHERE id = ?1"
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
        Ok(found)
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
