//! Change counters: one per kind of row that nodes cache (`repo_clients`),
//! bumped by whoever changes such a row, so every node's cache can tell with
//! one cheap read that what it holds is stale.

use crate::Db;
use crate::DbResult;
use crate::sql::{Conn, OptionalRow, params};

/// The counter of `name` (0 when it was never bumped).
pub fn counter(db: &Db, name: &str) -> DbResult<i64> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let found = conn
        .query_row(
            "SELECT counter FROM change_counters WHERE name = ?1",
            params![name],
            |r| r.get(0),
        )
        .optional_row()?;
    Ok(found.unwrap_or(0))
}

/// Bumps the counter of `name`.
pub fn bump(db: &Db, name: &str) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute(
        "INSERT INTO change_counters (name, counter) VALUES (?1, 1)
         ON CONFLICT (name) DO UPDATE SET counter = change_counters.counter + 1",
        params![name],
    )?;
    Ok(())
}
