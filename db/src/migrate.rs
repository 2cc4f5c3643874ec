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
    ("0007-identity", include_str!("../migrations/0007-identity.sql")),
    ("0008-field", include_str!("../migrations/0008-field.sql")),
    ("0009-hardening", include_str!("../migrations/0009-hardening.sql")),
    ("0010-signing", include_str!("../migrations/0010-signing.sql")),
    ("0011-verify-links", include_str!("../migrations/0011-verify-links.sql")),
    ("0012-oauth", include_str!("../migrations/0012-oauth.sql")),
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
    if current == MIGRATIONS.len() {
        return Ok(());
    }
    // A step that rebuilds a table (SQLite cannot drop a constraint) must not
    // cascade the DROP into the tables that refer to it: foreign keys are
    // off while the steps run (the pragma is ignored inside a transaction)
    // and checked again before each step commits.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let ran = run_steps(conn, current);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    ran
}

fn run_steps(conn: &mut Connection, current: usize) -> DbResult<()> {
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .map_err(|e| DbError::Other(format!("migration {name}: {e}")))?;
        let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if broken > 0 {
            return Err(DbError::Other(format!(
                "migration {name} would leave {broken} row(s) pointing at nothing"
            )));
        }
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

    #[test]
    fn residents_made_by_the_cli_become_verified_and_sign_ups_do_not() {
        // A version-6 database, before identity, opened as the pool does.
        let mut old = Connection::open_in_memory().unwrap();
        old.pragma_update(None, "foreign_keys", "ON").unwrap();
        for (_, sql) in &MIGRATIONS[..6] {
            old.execute_batch(sql).unwrap();
        }
        old.execute_batch(
            "PRAGMA user_version = 6;
             INSERT INTO residents (id, aadhaar_hmac, aadhaar_enc, name, dob, mobile, password_hash, created_at)
                 VALUES (1, x'01', x'01', 'By CLI', '1990-01-01', '9000000001', 'h', 10),
                        (2, x'02', x'02', 'By sign-up', '1990-01-01', '9000000002', 'h', 20);
             INSERT INTO activity (resident_id, at, kind, detail) VALUES
                 (1, 10, 'signed_up', 'opened by the operator'), (2, 20, 'signed_up', ''), (2, 21, 'signed_in', '');",
        )
        .unwrap();
        run(&mut old).unwrap();
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
            .query_row("SELECT count(*) FROM activity", [], |r| r.get(0))
            .unwrap();
        assert_eq!(entries, 3);
        let fk: bool = old.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert!(fk, "foreign keys are on again after migrating");
    }
}
