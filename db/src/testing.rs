//! Test databases: each test gets a fresh, migrated [`Db`] on the backend
//! of the run (`OL_TEST_DATABASE=postgres`, else SQLite), so one suite
//! covers both. PostgreSQL comes from the shared harness
//! (`openlocker-testpg`), one database per test.

use std::ops::Deref;

use crate::Db;

/// A test's database; what backs it lives as long as this does.
pub(crate) struct TestDb {
    db: Db,
    _dir: Option<tempfile::TempDir>,
}

impl Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

/// A URL of a fresh, empty database of the run's backend.
pub(crate) fn fresh_url() -> (Option<tempfile::TempDir>, String) {
    if openlocker_testpg::use_postgres() {
        (None, openlocker_testpg::shared().create_database())
    } else {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        (Some(dir), url)
    }
}

/// A fresh, migrated database with a pool of `max_connections`.
pub(crate) fn db(max_connections: u32) -> TestDb {
    let (dir, url) = fresh_url();
    TestDb {
        db: Db::connect(&url, max_connections).unwrap(),
        _dir: dir,
    }
}
