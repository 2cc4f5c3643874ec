//! Replay protection: the `txn` values each orgId used inside the window.

use rusqlite::{Connection, params};

use crate::{DbError, DbResult, UnixTime};

/// Forgets the txns recorded before `keep_since`; returns how many.
pub fn purge(conn: &Connection, keep_since: UnixTime) -> DbResult<usize> {
    Ok(conn.execute("DELETE FROM seen_txns WHERE seen_at < ?1", [keep_since])?)
}

/// Records that `org_id` used `txn` at `now`. Returns `false` when it is
/// still recorded (a replay): callers purge old records with [`purge`].
pub fn record(conn: &Connection, org_id: &str, txn: &str, now: UnixTime) -> DbResult<bool> {
    match conn.execute(
        "INSERT INTO seen_txns (org_id, txn, seen_at) VALUES (?1, ?2, ?3)",
        params![org_id, txn, now],
    ) {
        Ok(_) => Ok(true),
        Err(e) => match DbError::from(e) {
            DbError::Conflict(_) => Ok(false),
            other => Err(other),
        },
    }
}

/// Forgets a recorded `txn`, for a request that failed after recording it
/// through no fault of the sender, so that the sender may retry.
pub fn forget(conn: &Connection, org_id: &str, txn: &str) -> DbResult<()> {
    conn.execute(
        "DELETE FROM seen_txns WHERE org_id = ?1 AND txn = ?2",
        params![org_id, txn],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_txn_is_a_replay_until_it_is_purged() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::Db::open(&dir.path().join("t.db"), 1).unwrap();
        let conn = db.conn().unwrap();
        assert!(record(&conn, "ORG", "t1", 1000).unwrap());
        assert_eq!(purge(&conn, 400).unwrap(), 0);
        assert!(
            !record(&conn, "org", "t1", 4000).unwrap(),
            "orgIds compare case-insensitively"
        );
        assert!(record(&conn, "ORG", "t2", 4000).unwrap());
        assert_eq!(purge(&conn, 1001).unwrap(), 1);
        assert!(
            record(&conn, "ORG", "t1", 5000).unwrap(),
            "purged once older than keep_since"
        );
    }
}
