//! Numbered migrations, embedded at build time and tracked by SQLite's
//! `user_version`. A migration that has landed is never edited.

use rusqlite::Connection;

use crate::{DbError, DbResult};

/// Every migration in order; the schema version is the index plus one.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001-init", include_str!("../migrations/0001-init.sql")),
    ("0002-repository", include_str!("../migrations/0002-repository.sql")),
    (
        "0003-resident-files",
        include_str!("../migrations/0003-resident-files.sql"),
    ),
    ("0004-pull-search", include_str!("../migrations/0004-pull-search.sql")),
    ("0005-requesters", include_str!("../migrations/0005-requesters.sql")),
    ("0006-txn-times", include_str!("../migrations/0006-txn-times.sql")),
    ("0008-field", include_str!("../migrations/0008-field.sql")),
    ("0009-hardening", include_str!("../migrations/0009-hardening.sql")),
];

/// Brings the database up to the newest schema, one transaction per step.
pub(crate) fn run(conn: &mut Connection) -> DbResult<()> {
    let current: usize = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    if current > MIGRATIONS.len() {
        return Err(DbError::Other(format!(
            "database schema version {current} is newer than this build knows ({}); upgrade openlocker",
            MIGRATIONS.len()
        )));
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .map_err(|e| DbError::Other(format!("migration {name}: {e}")))?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
        tracing::info!(migration = name, "applied schema migration");
    }
    Ok(())
}

/// The schema version this build migrates to.
pub fn latest_version() -> usize {
    MIGRATIONS.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn).unwrap();
        run(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v as usize, latest_version());
    }
}
