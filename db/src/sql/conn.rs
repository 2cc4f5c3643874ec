//! One connection, whichever the backend: statements, rows and
//! transactions with the shape of rusqlite's API, so that every query in
//! this crate is written once. Placeholders are SQLite's `?N`; the
//! PostgreSQL side rewrites them. Where the two dialects differ, a query
//! asks [`Conn::dialect`] and gives each its own text.

use std::cell::RefCell;
use std::ops::Deref;

use r2d2_sqlite::SqliteConnectionManager;

use super::postgres::{PgCell, PgConn, PgManager};
use super::value::{FromCell, Param, Value};
use crate::{DbError, DbResult};

/// Which SQL a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A SQLite connection: from the pool, or the importer's own.
pub(crate) enum SqliteHandle {
    Pooled(r2d2::PooledConnection<SqliteConnectionManager>),
    Own(rusqlite::Connection),
}

impl Deref for SqliteHandle {
    type Target = rusqlite::Connection;
    fn deref(&self) -> &rusqlite::Connection {
        match self {
            SqliteHandle::Pooled(c) => c,
            SqliteHandle::Own(c) => c,
        }
    }
}

/// A connection borrowed from the pool (or the importer's own). It lives on
/// the stack for one call, so the size of the larger variant costs nothing
/// that boxing it (an allocation per checkout) would save.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Conn {
    Sqlite(SqliteHandle),
    /// The `postgres` client needs `&mut` for every call; the cell gives the
    /// same `&self` API as rusqlite. A call never re-enters another.
    Postgres(RefCell<r2d2::PooledConnection<PgManager>>),
}

/// The parameters of one statement: `params![...]`, an array, or `[]`.
pub(crate) trait Params {
    fn values(&self) -> Vec<Value<'_>>;
}

impl Params for &[&dyn Param] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|p| p.value()).collect()
    }
}

impl<T: Param, const N: usize> Params for [T; N] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|p| p.value()).collect()
    }
}

fn pg_params<'a>(values: &'a [Value<'a>]) -> Vec<&'a (dyn postgres::types::ToSql + Sync)> {
    values
        .iter()
        .map(|v| v as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

impl Conn {
    /// The SQL this connection speaks.
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres(_) => Dialect::Postgres,
        }
    }

    fn pg(cell: &RefCell<r2d2::PooledConnection<PgManager>>) -> DbResult<std::cell::RefMut<'_, PgConn>> {
        let conn = cell
            .try_borrow_mut()
            .map_err(|_| DbError::Other("a PostgreSQL connection was used by two statements at once".into()))?;
        Ok(std::cell::RefMut::map(conn, |c| &mut **c))
    }

    /// PostgreSQL's binary `COPY ... FROM STDIN`: `write` sends the rows of
    /// `types`; how many went in. (SQLite has no such statement.)
    pub(crate) fn copy_in(
        &self,
        sql: &str,
        types: &[postgres::types::Type],
        write: impl FnOnce(&mut postgres::binary_copy::BinaryCopyInWriter<'_>) -> Result<(), postgres::Error>,
    ) -> DbResult<u64> {
        let Conn::Postgres(cell) = self else {
            return Err(DbError::Other("COPY is PostgreSQL's".into()));
        };
        let mut conn = Self::pg(cell)?;
        let mut writer = postgres::binary_copy::BinaryCopyInWriter::new(conn.client.copy_in(sql)?, types);
        write(&mut writer)?;
        Ok(writer.finish()?)
    }

    /// Runs one statement; returns the number of rows it changed.
    pub(crate) fn execute<P: Params>(&self, sql: &str, params: P) -> DbResult<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    /// Runs statements with no parameters and no result, one after another.
    pub(crate) fn execute_batch(&self, sql: &str) -> DbResult<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Postgres(c) => Ok(Self::pg(c)?.client.batch_execute(sql)?),
        }
    }

    /// The first row of a query mapped by `f`; `NotFound` when there is none.
    pub(crate) fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> DbResult<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> DbResult<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    /// Runs an `INSERT` and returns the `id` of the row it made.
    pub(crate) fn insert_id<P: Params>(&self, sql: &str, params: P) -> DbResult<i64> {
        self.query_row(&format!("{sql} RETURNING id"), params, |r| r.get(0))
    }

    /// A statement, prepared once per connection and kept.
    pub(crate) fn prepare_cached(&self, sql: &str) -> DbResult<Stmt<'_>> {
        Ok(match self {
            Conn::Sqlite(c) => Stmt::Sqlite(c.prepare_cached(sql)?),
            Conn::Postgres(c) => Stmt::Postgres {
                statement: Self::pg(c)?.prepare(sql)?,
                conn: c,
            },
        })
    }

    /// The same as [`Conn::prepare_cached`] (both backends keep statements).
    pub(crate) fn prepare(&self, sql: &str) -> DbResult<Stmt<'_>> {
        self.prepare_cached(sql)
    }

    /// Starts a transaction; it rolls back unless [`Tx::commit`] is called.
    pub(crate) fn transaction(&self) -> DbResult<Tx<'_>> {
        self.execute_batch("BEGIN")?;
        Ok(Tx { conn: self, open: true })
    }

    /// Starts a transaction that writes only after the writers before it in
    /// the same `scope` are done: SQLite takes its write lock at once
    /// (`BEGIN IMMEDIATE`, one writer in all); PostgreSQL takes an advisory
    /// lock on `scope` until the transaction ends. For read-then-write
    /// checks (a quota, a count) that a unique key cannot express.
    pub(crate) fn transaction_serialized(&self, scope: &str) -> DbResult<Tx<'_>> {
        match self {
            Conn::Sqlite(_) => self.execute_batch("BEGIN IMMEDIATE")?,
            Conn::Postgres(_) => self.execute_batch("BEGIN")?,
        }
        let tx = Tx { conn: self, open: true };
        if self.dialect() == Dialect::Postgres {
            tx.query_row("SELECT pg_advisory_xact_lock(hashtext(?1))", [scope], |_| Ok(()))?;
        }
        Ok(tx)
    }
}

/// A prepared statement.
pub(crate) enum Stmt<'c> {
    Sqlite(rusqlite::CachedStatement<'c>),
    Postgres {
        conn: &'c RefCell<r2d2::PooledConnection<PgManager>>,
        statement: postgres::Statement,
    },
}

impl Stmt<'_> {
    /// Runs the statement; returns the number of rows it changed.
    pub(crate) fn execute<P: Params>(&mut self, params: P) -> DbResult<usize> {
        let values = params.values();
        match self {
            Stmt::Sqlite(s) => Ok(s.execute(rusqlite::params_from_iter(values.iter()))?),
            Stmt::Postgres { conn, statement } => {
                let changed = Conn::pg(conn)?.client.execute(statement, &pg_params(&values))?;
                Ok(usize::try_from(changed).unwrap_or(usize::MAX))
            }
        }
    }

    /// Every row, each mapped by `f`, as an iterator of results (as rusqlite's).
    pub(crate) fn query_map<T, P, F>(&mut self, params: P, mut f: F) -> DbResult<std::vec::IntoIter<DbResult<T>>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> DbResult<T>,
    {
        let values = params.values();
        let mut out = Vec::new();
        match self {
            Stmt::Sqlite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(values.iter()))?;
                while let Some(row) = rows.next()? {
                    out.push(f(&Row::Sqlite(row)));
                }
            }
            Stmt::Postgres { conn, statement } => {
                let rows = Conn::pg(conn)?.client.query(statement, &pg_params(&values))?;
                out.extend(rows.iter().map(|row| f(&Row::Postgres(row))));
            }
        }
        Ok(out.into_iter())
    }

    /// The first row mapped by `f`; `NotFound` when there is none.
    pub(crate) fn query_row<T, P, F>(&mut self, params: P, f: F) -> DbResult<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> DbResult<T>,
    {
        let values = params.values();
        match self {
            Stmt::Sqlite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(values.iter()))?;
                match rows.next()? {
                    Some(row) => f(&Row::Sqlite(row)),
                    None => Err(DbError::NotFound),
                }
            }
            Stmt::Postgres { conn, statement } => {
                let row = Conn::pg(conn)?.client.query_opt(statement, &pg_params(&values))?;
                match row {
                    Some(row) => f(&Row::Postgres(&row)),
                    None => Err(DbError::NotFound),
                }
            }
        }
    }

    /// Whether the query returns any row.
    pub(crate) fn exists<P: Params>(&mut self, params: P) -> DbResult<bool> {
        match self.query_row(params, |_| Ok(())) {
            Ok(()) => Ok(true),
            Err(DbError::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// One result row.
pub(crate) enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

/// A column index (rusqlite's `get::<_, T>(i)` form keeps working).
pub(crate) trait RowIndex: Copy {
    fn index(self) -> usize;
}

impl RowIndex for usize {
    fn index(self) -> usize {
        self
    }
}

impl Row<'_> {
    /// Column `idx` as a `T`.
    pub(crate) fn get<I: RowIndex, T: FromCell>(&self, idx: I) -> DbResult<T> {
        let idx = idx.index();
        let cell = match self {
            Row::Sqlite(r) => super::sqlite::cell(r, idx)?,
            Row::Postgres(r) => r.try_get::<_, PgCell<'_>>(idx)?.0,
        };
        T::from_cell(cell).map_err(|e| DbError::Other(format!("column {idx}: {e}")))
    }
}

/// An open transaction; derefs to its connection. Dropped without
/// [`Tx::commit`], it rolls back.
pub(crate) struct Tx<'c> {
    conn: &'c Conn,
    open: bool,
}

impl Tx<'_> {
    /// Commits the transaction.
    pub(crate) fn commit(mut self) -> DbResult<()> {
        // A COMMIT that fails (SQLite busy) leaves the transaction open:
        // then the drop rolls it back, so the pool gets a clean connection.
        self.conn.execute_batch("COMMIT")?;
        self.open = false;
        Ok(())
    }
}

impl Deref for Tx<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            // A connection that cannot roll back is broken; the pool drops it.
            if let Err(err) = self.conn.execute_batch("ROLLBACK") {
                tracing::warn!(%err, "rolling back a transaction failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sql::params;

    #[test]
    fn a_transaction_dropped_without_commit_rolls_back_and_the_connection_goes_on() {
        let db = crate::testing::db(1);
        let conn = db.conn().unwrap();
        {
            let tx = conn.transaction_serialized("test").unwrap();
            tx.execute(
                "INSERT INTO seen_txns (org_id, txn, seen_at) VALUES ('o', 't', 1)",
                params![],
            )
            .unwrap();
            // A failing statement (on PostgreSQL it aborts the transaction).
            assert!(tx.execute("INSERT INTO no_such_table VALUES (1)", params![]).is_err());
        }
        let kept: i64 = conn
            .query_row("SELECT count(*) FROM seen_txns", params![], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, 0, "rolled back");
        let tx = conn.transaction().unwrap();
        tx.execute(
            "INSERT INTO seen_txns (org_id, txn, seen_at) VALUES ('o', 't', 1)",
            params![],
        )
        .unwrap();
        tx.commit().unwrap();
        let err = conn
            .execute(
                "INSERT INTO seen_txns (org_id, txn, seen_at) VALUES ('O', 't', 2)",
                params![],
            )
            .unwrap_err();
        assert!(
            matches!(err, crate::DbError::Conflict(_)),
            "{err:?}: org ids compare case-insensitively"
        );
    }

    #[test]
    fn cells_read_back_as_they_were_written() {
        let db = crate::testing::db(1);
        let conn = db.conn().unwrap();
        conn.execute(
            "INSERT INTO issuers (id, name, org_id, pull_api_key_enc, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params!["cbse.nic.in", "CBSE", "ORG1", vec![0_u8, 159, 255], i64::MAX],
        )
        .unwrap();
        let (name, key, at, missing): (String, Vec<u8>, i64, Option<String>) = conn
            .query_row(
                "SELECT name, pull_api_key_enc, created_at, pull_uri_url FROM issuers WHERE id = ?1",
                ["CBSE.NIC.IN"],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            (name.as_str(), key, at, missing),
            ("CBSE", vec![0, 159, 255], i64::MAX, None)
        );
        let wrong = conn.query_row("SELECT name FROM issuers", params![], |r| r.get::<_, i64>(0));
        assert!(
            matches!(wrong, Err(crate::DbError::Other(ref m)) if m.contains("column 0")),
            "{wrong:?}"
        );
    }
}
