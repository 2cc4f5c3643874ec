//! The database the servers under test run on: the SQLite file in their
//! data folder (the default), or, with `OL_TEST_DATABASE=postgres`, a
//! PostgreSQL database of its own per data folder on the run's server
//! (`openlocker-testpg`), passed to the binary as `--database-url`. Tests
//! that check data at rest read it through [`at_rest`], whichever it is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use openlocker_db::direct::Direct;

pub use openlocker_testpg::use_postgres;

/// The PostgreSQL database of each data folder, made on first use.
static DATABASES: Mutex<Option<HashMap<PathBuf, String>>> = Mutex::new(None);

/// The database URL the binary gets for this data folder (`None`: SQLite,
/// the binary's default, in the folder). A folder given a database by
/// [`use_database`] has it on either backend.
pub fn database_url(data: &Path) -> Option<String> {
    let mut databases = DATABASES.lock().unwrap();
    let databases = databases.get_or_insert_with(HashMap::new);
    if let Some(url) = databases.get(data) {
        return Some(url.clone());
    }
    if !use_postgres() {
        return None;
    }
    let url = databases
        .entry(data.to_path_buf())
        .or_insert_with(|| openlocker_testpg::shared().create_database());
    Some(url.clone())
}

/// Puts this data folder's database at `url` (a test's own PostgreSQL).
pub fn use_database(data: &Path, url: &str) {
    let mut databases = DATABASES.lock().unwrap();
    databases
        .get_or_insert_with(HashMap::new)
        .insert(data.to_path_buf(), url.to_owned());
}

/// The flags that point the binary at this data folder's database.
pub fn database_args(data: &Path) -> Vec<String> {
    match database_url(data) {
        Some(url) => vec!["--database-url".into(), url],
        None => Vec::new(),
    }
}

/// Direct statements on the database of this data folder, as it is at rest.
pub fn at_rest(data: &Path) -> Direct {
    let url = database_url(data).unwrap_or_else(|| format!("sqlite://{}", data.join("openlocker.db").display()));
    openlocker_db::Db::connect(&url, 1).unwrap().direct().unwrap()
}

/// Every byte the database holds for this data folder: the SQLite files in
/// it, or a `pg_dump` of its PostgreSQL database (for plaintext checks).
pub fn everything_stored(data: &Path) -> Vec<u8> {
    match database_url(data) {
        Some(url) => openlocker_testpg::shared().dump(&url),
        None => ["openlocker.db", "openlocker.db-wal"]
            .iter()
            .filter_map(|f| std::fs::read(data.join(f)).ok())
            .flatten()
            .collect(),
    }
}
