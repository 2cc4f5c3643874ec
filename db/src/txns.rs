//! Replay protection: the `txn` values each orgId used inside the window.

use rusqlite::{Connection, params};

use crate::{DbError, DbResult, UnixTime};

/// Records that `org_id` used `txn` at `now`. Returns `false` when it had
/// already used it since `window_start` (a replay). Older records are purged.
pub fn record(conn: &Connection, org_id: &str, txn: &str, now: UnixTime, window_start: UnixTime) -> DbResult<bool> {
    conn.execute("DELETE FROM seen_txns WHERE seen_at < ?1", [window_start])?;
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
