//! Numbered migrations, embedded at build time: `migrations/sqlite/` and
//! `migrations/postgres/` hold the same numbers with the same meaning, each
//! in its dialect. SQLite tracks the version in `user_version`, PostgreSQL
//! in `schema_migrations`. A migration that has landed is never edited.

use crate::sql::{Conn, Dialect, params};
use crate::{DbError, DbResult};

/// One numbered step, in each backend's SQL; both mean the same change.
struct Step {
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const fn step(name: &'static str, sqlite: &'static str, postgres: &'static str) -> Step {
    Step { name, sqlite, postgres }
}

/// Every migration in order; the schema version is the index plus one.
const MIGRATIONS: &[Step] = &[
    step(
        "0001-init",
        include_str!("../migrations/sqlite/0001-init.sql"),
        include_str!("../migrations/postgres/0001-init.sql"),
    ),
    step(
        "0002-repository",
        include_str!("../migrations/sqlite/0002-repository.sql"),
        include_str!("../migrations/postgres/0002-repository.sql"),
    ),
    step(
        "0003-resident-files",
        include_str!("../migrations/sqlite/0003-resident-files.sql"),
        include_str!("../migrations/postgres/0003-resident-files.sql"),
    ),
    step(
        "0004-pull-search",
        include_str!("../migrations/sqlite/0004-pull-search.sql"),
        include_str!("../migrations/postgres/0004-pull-search.sql"),
    ),
    step(
        "0005-requesters",
        include_str!("../migrations/sqlite/0005-requesters.sql"),
        include_str!("../migrations/postgres/0005-requesters.sql"),
    ),
    step(
        "0006-txn-times",
        include_str!("../migrations/sqlite/0006-txn-times.sql"),
        include_str!("../migrations/postgres/0006-txn-times.sql"),
    ),
    step(
        "0007-identity",
        include_str!("../migrations/sqlite/0007-identity.sql"),
        include_str!("../migrations/postgres/0007-identity.sql"),
    ),
    step(
        "0008-field",
        include_str!("../migrations/sqlite/0008-field.sql"),
        include_str!("../migrations/postgres/0008-field.sql"),
    ),
    step(
        "0009-hardening",
        include_str!("../migrations/sqlite/0009-hardening.sql"),
        include_str!("../migrations/postgres/0009-hardening.sql"),
    ),
    step(
        "0010-signing",
        include_str!("../migrations/sqlite/0010-signing.sql"),
        include_str!("../migrations/postgres/0010-signing.sql"),
    ),
    step(
        "0011-verify-links",
        include_str!("../migrations/sqlite/0011-verify-links.sql"),
        include_str!("../migrations/postgres/0011-verify-links.sql"),
    ),
    step(
        "0012-oauth",
        include_str!("../migrations/sqlite/0012-oauth.sql"),
        include_str!("../migrations/postgres/0012-oauth.sql"),
    ),
    step(
        "0013-cluster",
        include_str!("../migrations/sqlite/0013-cluster.sql"),
        include_str!("../migrations/postgres/0013-cluster.sql"),
    ),
];

/// The advisory lock that nodes starting at once take, so that one migrates
/// and the others wait and then find the schema current.
const PG_MIGRATION_LOCK: i64 = 0x6f6c_6d69_6772;

/// Brings the database up to the newest schema, one transaction per step.
pub(crate) fn run(conn: &Conn) -> DbResult<()> {
    match conn.dialect() {
        Dialect::Sqlite => run_sqlite(conn),
        Dialect::Postgres => {
            conn.execute("SELECT pg_advisory_lock(?1)", params![PG_MIGRATION_LOCK])?;
            let ran = run_postgres(conn);
            conn.execute("SELECT pg_advisory_unlock(?1)", params![PG_MIGRATION_LOCK])?;
            ran
        }
    }
}

fn check_known(current: usize) -> DbResult<()> {
    if current > MIGRATIONS.len() {
        return Err(DbError::Other(format!(
            "database schema version {current} is newer than this build knows ({}); upgrade openlocker",
            MIGRATIONS.len()
        )));
    }
    Ok(())
}

/// SQLite keeps the version in `user_version`.
fn run_sqlite(conn: &Conn) -> DbResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", params![], |r| r.get(0))?;
    let current = current as usize;
    check_known(current)?;
    if current == MIGRATIONS.len() {
        return Ok(());
    }
    // A step that rebuilds a table (SQLite cannot drop a constraint) must not
    // cascade the DROP into the tables that refer to it: foreign keys are
    // off while the steps run (the pragma is ignored inside a transaction)
    // and checked again before each step commits.
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let ran = run_sqlite_steps(conn, current);
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    ran
}

fn run_sqlite_steps(conn: &Conn, current: usize) -> DbResult<()> {
    for (index, step) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(step.sqlite)
            .map_err(|e| DbError::Other(format!("migration {}: {e}", step.name)))?;
        let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", params![], |r| r.get(0))?;
        if broken > 0 {
            return Err(DbError::Other(format!(
                "migration {} would leave {broken} row(s) pointing at nothing",
                step.name
            )));
        }
        tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
        tx.commit()?;
        tracing::info!(migration = step.name, "applied schema migration");
    }
    Ok(())
}

/// PostgreSQL keeps the applied versions in `schema_migrations`.
fn run_postgres(conn: &Conn) -> DbResult<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT NOT NULL PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at BIGINT NOT NULL
         )",
    )?;
    let current: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        params![],
        |r| r.get(0),
    )?;
    let current = current as usize;
    check_known(current)?;
    for (index, step) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(step.postgres)
            .map_err(|e| DbError::Other(format!("migration {}: {e}", step.name)))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at)
             VALUES (?1, ?2, CAST(EXTRACT(EPOCH FROM now()) AS BIGINT))",
            params![(index + 1) as i64, step.name],
        )?;
        tx.commit()?;
        tracing::info!(migration = step.name, "applied schema migration");
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
    use crate::Db;

    /// A connection to a fresh, empty database of the run's backend.
    fn empty() -> (Option<tempfile::TempDir>, Db) {
        let (dir, url) = crate::testing::fresh_url();
        (dir, Db::connect_unmigrated(&url).unwrap())
    }

    fn version(conn: &Conn) -> i64 {
        match conn.dialect() {
            Dialect::Sqlite => conn.query_row("PRAGMA user_version", params![], |r| r.get(0)),
            Dialect::Postgres => conn.query_row("SELECT MAX(version) FROM schema_migrations", params![], |r| r.get(0)),
        }
        .unwrap()
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let (_dir, db) = empty();
        let conn = db.conn().unwrap();
        run(&conn).unwrap();
        run(&conn).unwrap();
        assert_eq!(version(&conn) as usize, latest_version());
    }

    /// Runs the first `n` steps by hand, as an older build would have.
    fn migrate_to(conn: &Conn, n: usize) {
        for (index, step) in MIGRATIONS[..n].iter().enumerate() {
            match conn.dialect() {
                Dialect::Sqlite => conn.execute_batch(step.sqlite).unwrap(),
                Dialect::Postgres => conn.execute_batch(step.postgres).unwrap(),
            }
            if conn.dialect() == Dialect::Postgres {
                conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)").unwrap();
                conn.execute(
                    "INSERT INTO schema_migrations VALUES (?1, ?2, 0)",
                    params![(index + 1) as i64, step.name],
                )
                .unwrap();
            }
        }
        if conn.dialect() == Dialect::Sqlite {
            conn.execute_batch(&format!("PRAGMA user_version = {n}")).unwrap();
        }
    }

    #[test]
    fn residents_made_by_the_cli_become_verified_and_sign_ups_do_not() {
        // A version-6 database, before identity.
        let (_dir, db) = empty();
        let old = db.conn().unwrap();
        migrate_to(&old, 6);
        for (id, hmac, name, mobile) in [
            (1_i64, b"\x01", "By CLI", "9000000001"),
            (2, b"\x02", "By sign-up", "9000000002"),
        ] {
            old.execute(
                "INSERT INTO residents (id, aadhaar_hmac, aadhaar_enc, name, dob, mobile, password_hash, created_at)
                 VALUES (?1, ?2, ?2, ?3, '1990-01-01', ?4, 'h', ?5)",
                params![id, hmac, name, mobile, id * 10],
            )
            .unwrap();
        }
        old.execute_batch(
            "INSERT INTO activity (resident_id, at, kind, detail) VALUES
                 (1, 10, 'signed_up', 'opened by the operator'), (2, 20, 'signed_up', ''), (2, 21, 'signed_in', '');",
        )
        .unwrap();
        run(&old).unwrap();
        let state = |id: i64| -> (String, Option<String>, Option<i64>) {
            old.query_row(
                "SELECT identity_state, identity_method, verified_at FROM residents WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
        };
        assert_eq!(state(1), ("verified".into(), Some("operator".into()), Some(10)));
        assert_eq!(state(2), ("unverified".into(), None, None));
        // The activity log survived the rebuild, and still refers to its residents.
        let entries: i64 = old
            .query_row("SELECT count(*) FROM activity", params![], |r| r.get(0))
            .unwrap();
        assert_eq!(entries, 3);
        if old.dialect() == Dialect::Sqlite {
            let fk: bool = old.query_row("PRAGMA foreign_keys", params![], |r| r.get(0)).unwrap();
            assert!(fk, "foreign keys are on again after migrating");
        }
    }
}
