//! Failed sign-ins, counted per throttle key inside a time window.

use crate::sql::{Conn, params};

use crate::{Db, DbResult, UnixTime};

/// The failures of one key since a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub count: u32,
    /// The oldest failure counted; it leaves the window first.
    pub oldest: Option<UnixTime>,
}

/// Counts the failures of `key` at or after `since`.
pub fn since(db: &Db, key: &str, since: UnixTime) -> DbResult<Window> {
    since_on(&db.conn()?, key, since)
}

pub(crate) fn since_on(conn: &Conn, key: &str, since: UnixTime) -> DbResult<Window> {
    let (count, oldest): (u32, Option<UnixTime>) = conn.query_row(
        "SELECT COUNT(*), MIN(failed_at) FROM login_failures WHERE key = ?1 AND failed_at >= ?2",
        params![key, since],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Window { count, oldest })
}

/// Records one failure under each key, and drops failures older than
/// `purge_before` (so the table only ever holds one window).
pub fn record(db: &Db, keys: &[&str], now: UnixTime, purge_before: UnixTime) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM login_failures WHERE failed_at < ?1", [purge_before])?;
    for key in keys {
        tx.execute(
            "INSERT INTO login_failures (key, failed_at) VALUES (?1, ?2)",
            params![key, now],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// What [`reserve`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// A failure was recorded under each key ahead of the check: these rows,
    /// to be [`release`]d if the attempt turns out not to fail.
    Reserved(Vec<i64>),
    /// A key was at its limit; nothing was recorded. Each key's window.
    Full(Vec<Window>),
}

/// Records a failure under each `(key, limit)` ahead of a password check,
/// unless one key already has `limit` failures at or after `since`. Counting
/// and recording are one write transaction, so parallel attempts cannot all
/// pass the count before any of them is recorded. Failures older than
/// `purge_before` are dropped.
pub fn reserve(
    db: &Db,
    keys: &[(&str, u32)],
    now: UnixTime,
    since_time: UnixTime,
    purge_before: UnixTime,
) -> DbResult<Reservation> {
    let conn = db.conn()?;
    // Per throttle window: counting and recording are one step.
    let tx = conn.transaction_serialized("login_failures")?;
    tx.execute("DELETE FROM login_failures WHERE failed_at < ?1", [purge_before])?;
    let windows = keys
        .iter()
        .map(|(key, _)| since_on(&tx, key, since_time))
        .collect::<DbResult<Vec<_>>>()?;
    if windows.iter().zip(keys).any(|(w, (_, limit))| w.count >= *limit) {
        return Ok(Reservation::Full(windows));
    }
    let mut rows = Vec::with_capacity(keys.len());
    let insert = format!(
        "INSERT INTO login_failures (key, failed_at) VALUES (?1, ?2) RETURNING {}",
        row_id(&tx)
    );
    for (key, _) in keys {
        rows.push(tx.query_row(&insert, params![key, now], |r| r.get(0))?);
    }
    tx.commit()?;
    Ok(Reservation::Reserved(rows))
}

/// The column that names a failure row: SQLite's implicit `rowid`, or the
/// explicit `id` of the PostgreSQL table (which has no rowid).
fn row_id(conn: &Conn) -> &'static str {
    match conn.dialect() {
        crate::Dialect::Sqlite => "rowid",
        crate::Dialect::Postgres => "id",
    }
}

/// Takes back failures recorded by [`reserve`] for an attempt that did not fail.
pub fn release(db: &Db, rows: &[i64]) -> DbResult<()> {
    let conn = db.conn()?;
    for row in rows {
        conn.execute(
            &format!("DELETE FROM login_failures WHERE {} = ?1", row_id(&conn)),
            [row],
        )?;
    }
    Ok(())
}

/// Forgets the failures of `key` (after a successful sign-in).
pub fn clear(db: &Db, key: &str) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute("DELETE FROM login_failures WHERE key = ?1", [key])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_count_per_key_inside_the_window_and_clear() {
        let db = crate::testing::db(1);
        record(&db, &["account:1", "address:10.0.0.1"], 100, 0).unwrap();
        record(&db, &["account:1", "address:10.0.0.1"], 200, 0).unwrap();
        record(&db, &["account:2", "address:10.0.0.1"], 300, 0).unwrap();
        assert_eq!(
            since(&db, "account:1", 0).unwrap(),
            Window {
                count: 2,
                oldest: Some(100)
            }
        );
        assert_eq!(
            since(&db, "account:1", 150).unwrap(),
            Window {
                count: 1,
                oldest: Some(200)
            }
        );
        assert_eq!(since(&db, "address:10.0.0.1", 0).unwrap().count, 3);
        assert_eq!(since(&db, "account:9", 0).unwrap(), Window { count: 0, oldest: None });
        clear(&db, "account:1").unwrap();
        assert_eq!(since(&db, "account:1", 0).unwrap().count, 0);
        assert_eq!(
            since(&db, "address:10.0.0.1", 0).unwrap().count,
            3,
            "only that key is cleared"
        );
        // Recording purges what has left the window.
        record(&db, &["account:3"], 1000, 250).unwrap();
        assert_eq!(since(&db, "address:10.0.0.1", 0).unwrap().count, 1);
    }

    #[test]
    fn reservations_stop_at_the_limit_and_can_be_released() {
        let db = crate::testing::db(2);
        let keys = [("account:1", 2), ("address:a", 10)];
        let Reservation::Reserved(first) = reserve(&db, &keys, 100, 0, 0).unwrap() else {
            panic!("under the limit")
        };
        assert!(matches!(
            reserve(&db, &keys, 101, 0, 0).unwrap(),
            Reservation::Reserved(_)
        ));
        let Reservation::Full(windows) = reserve(&db, &keys, 102, 0, 0).unwrap() else {
            panic!("at the limit")
        };
        assert_eq!(
            windows[0],
            Window {
                count: 2,
                oldest: Some(100)
            }
        );
        assert_eq!(
            since(&db, "address:a", 0).unwrap().count,
            2,
            "a refusal records nothing"
        );
        release(&db, &first).unwrap();
        assert_eq!(since(&db, "account:1", 0).unwrap().count, 1);
        assert!(matches!(
            reserve(&db, &keys, 103, 0, 0).unwrap(),
            Reservation::Reserved(_)
        ));
    }
}
