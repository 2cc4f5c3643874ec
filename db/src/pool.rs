//! The [`Db`] handle: a pool of SQLite or PostgreSQL connections, opened
//! from a [`DatabaseUrl`] and migrated once on open. SQLite connections get
//! WAL, the busy timeout and foreign keys as the pool opens them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;

use crate::sql::conn::SqliteHandle;
use crate::sql::postgres::PgManager;
use crate::sql::{Conn, Dialect, params};
use crate::url::DatabaseUrl;
use crate::{DbResult, migrate};

/// How long a SQLite connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a caller waits for a PostgreSQL connection: a database that
/// went away is reported within this (and `/healthz` turns 503).
const PG_CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Sqlite {
        pool: r2d2::Pool<SqliteConnectionManager>,
        path: PathBuf,
    },
    Postgres {
        pool: r2d2::Pool<PgManager>,
    },
}

impl Db {
    /// Opens (creating if needed) a SQLite database file, migrates it and
    /// returns a pool of `max_connections`.
    pub fn open(path: &Path, max_connections: u32) -> DbResult<Db> {
        Db::open_url(&DatabaseUrl::Sqlite(path.to_path_buf()), max_connections)
    }

    /// Opens the database a URL names (see [`DatabaseUrl`]) and migrates it.
    pub fn connect(url: &str, max_connections: u32) -> DbResult<Db> {
        Db::open_url(&DatabaseUrl::parse(url)?, max_connections)
    }

    /// Opens a parsed database URL and migrates the database.
    pub fn open_url(url: &DatabaseUrl, max_connections: u32) -> DbResult<Db> {
        let db = match url {
            DatabaseUrl::Sqlite(path) => open_sqlite(path, max_connections)?,
            DatabaseUrl::Postgres(config) => {
                let manager = PgManager {
                    config: (**config).clone(),
                };
                let pool = r2d2::Pool::builder()
                    .max_size(max_connections.max(1))
                    .min_idle(Some(1))
                    .connection_timeout(PG_CHECKOUT_TIMEOUT)
                    .build(manager)
                    .map_err(|e| crate::DbError::Other(format!("cannot connect to {}: {e}", url.redacted())))?;
                Db {
                    backend: Backend::Postgres { pool },
                }
            }
        };
        migrate::run(&db.conn()?)?;
        Ok(db)
    }

    /// Opens a database without migrating it (for the migration tests).
    #[cfg(test)]
    pub(crate) fn connect_unmigrated(url: &str) -> DbResult<Db> {
        let url = DatabaseUrl::parse(url)?;
        match &url {
            DatabaseUrl::Sqlite(path) => open_sqlite(path, 1),
            DatabaseUrl::Postgres(config) => Ok(Db {
                backend: Backend::Postgres {
                    pool: r2d2::Pool::builder().max_size(1).build(PgManager {
                        config: (**config).clone(),
                    })?,
                },
            }),
        }
    }

    /// The SQL dialect of this database.
    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite { .. } => Dialect::Sqlite,
            Backend::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// Whether the database answers (for `/healthz`).
    pub fn ping(&self) -> DbResult<()> {
        self.conn()?.query_row("SELECT 1", params![], |_| Ok(()))
    }

    /// Borrows a connection from the pool.
    pub(crate) fn conn(&self) -> DbResult<Conn> {
        Ok(match &self.backend {
            Backend::Sqlite { pool, .. } => Conn::Sqlite(SqliteHandle::Pooled(pool.get()?)),
            Backend::Postgres { pool } => Conn::Postgres(std::cell::RefCell::new(pool.get()?)),
        })
    }

    /// Opens the CSV import's connection, held for a whole file. On SQLite it
    /// is its own, outside the pool, with a page cache of `cache_mib` MiB.
    pub fn import_conn(&self, cache_mib: u32) -> DbResult<crate::import::ImportConn> {
        let conn = match &self.backend {
            Backend::Sqlite { path, .. } => {
                let conn = rusqlite::Connection::open(path)?;
                conn.busy_timeout(BUSY_TIMEOUT)?;
                conn.execute_batch(&format!(
                    "PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA cache_size = -{};
                     PRAGMA wal_autocheckpoint = 40000;",
                    u64::from(cache_mib) * 1024
                ))?;
                Conn::Sqlite(SqliteHandle::Own(conn))
            }
            Backend::Postgres { .. } => self.conn()?,
        };
        Ok(crate::import::ImportConn(conn))
    }
}

fn open_sqlite(path: &Path, max_connections: u32) -> DbResult<Db> {
    // WAL lets readers and the importer run side by side. It is a property
    // of the file, set once here rather than racing from every connection.
    {
        let conn = rusqlite::Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    let manager = SqliteConnectionManager::file(path).with_init(|conn| {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_prepared_statement_cache_capacity(64);
        // NORMAL sync is crash-safe in WAL mode: a killed process loses no
        // committed transaction.
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
    });
    let pool = r2d2::Pool::builder()
        .max_size(max_connections.max(1))
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(30))
        .build(manager)?;
    Ok(Db {
        backend: Backend::Sqlite {
            pool,
            path: path.to_path_buf(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_opens_in_wal_mode_with_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db"), 2).unwrap();
        let conn = db.conn().unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode", params![], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let timeout: i64 = conn.query_row("PRAGMA busy_timeout", params![], |r| r.get(0)).unwrap();
        assert_eq!(timeout, 10_000);
    }
}
