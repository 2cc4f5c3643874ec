//! The connection pool. WAL mode, the busy timeout and foreign keys are set on
//! every connection as the pool opens it, and migrations run once on open.

use std::path::Path;
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;

use crate::{DbResult, migrate};

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A pooled connection (inside this crate only).
pub(crate) type Conn = r2d2::PooledConnection<SqliteConnectionManager>;

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<SqliteConnectionManager>,
}

impl Db {
    /// Opens (creating if needed) the database file, migrates it to the
    /// current schema and returns a pool of `max_connections`.
    pub fn open(path: &Path, max_connections: u32) -> DbResult<Db> {
        // WAL lets readers and the importer run side by side. It is a property
        // of the file, set once here rather than racing from every connection.
        {
            let conn = rusqlite::Connection::open(path)?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        let manager = SqliteConnectionManager::file(path).with_init(|conn| {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            // NORMAL sync is crash-safe in WAL mode: a killed process loses no
            // committed transaction.
            conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
        });
        let pool = r2d2::Pool::builder()
            .max_size(max_connections.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(30))
            .build(manager)?;
        let db = Db { pool };
        let mut conn = db.conn()?;
        migrate::run(&mut conn)?;
        drop(conn);
        Ok(db)
    }

    /// Whether the database answers (for `/healthz`).
    pub fn ping(&self) -> DbResult<()> {
        self.conn()?.query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    /// Borrows a connection from the pool.
    pub(crate) fn conn(&self) -> DbResult<Conn> {
        Ok(self.pool.get()?)
    }

    /// Opens the CSV import's connection, outside the pool, tuned with a
    /// larger page cache of `cache_mib` MiB.
    pub fn import_conn(&self, path: &Path, cache_mib: u32) -> DbResult<crate::import::ImportConn> {
        let conn = rusqlite::Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch(&format!(
            "PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -{};
             PRAGMA wal_autocheckpoint = 40000;",
            u64::from(cache_mib) * 1024
        ))?;
        Ok(crate::import::ImportConn(conn))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_in_wal_mode_with_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db"), 2).unwrap();
        let conn = db.conn().unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let timeout: i64 = conn.query_row("PRAGMA busy_timeout", [], |r| r.get(0)).unwrap();
        assert_eq!(timeout, 10_000);
    }
}
