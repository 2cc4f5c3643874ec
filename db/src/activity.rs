//! The residents' activity log.

use crate::Db;
use crate::sql::{Conn, params};

use crate::{DbResult, UnixTime};

/// One entry to add.
pub struct NewEntry<'a> {
    pub resident_id: i64,
    pub at: UnixTime,
    pub kind: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// One entry as stored.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub at: UnixTime,
    pub kind: String,
    pub detail: String,
    pub ip: String,
    pub user_agent: String,
}

/// Adds an entry.
pub fn insert(db: &Db, new: &NewEntry<'_>) -> DbResult<()> {
    insert_on(&db.conn()?, new)
}

pub(crate) fn insert_on(conn: &Conn, new: &NewEntry<'_>) -> DbResult<()> {
    conn.execute(
        "INSERT INTO activity (resident_id, at, kind, detail, ip, user_agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![new.resident_id, new.at, new.kind, new.detail, new.ip, new.user_agent],
    )?;
    Ok(())
}

/// Writes a batch of entries and notes when grants were last used, in one
/// transaction: the partner API's calls, written behind so a read stays a
/// read on the hot path. A grant use only moves `last_used_at` forward.
pub fn write_behind(db: &Db, entries: &[NewEntry<'_>], grant_uses: &[(i64, UnixTime)]) -> DbResult<()> {
    let conn = db.conn()?;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO activity (resident_id, at, kind, detail, ip, user_agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for new in entries {
            insert.execute(params![
                new.resident_id,
                new.at,
                new.kind,
                new.detail,
                new.ip,
                new.user_agent
            ])?;
        }
        let mut touch = tx.prepare_cached(
            "UPDATE oauth_grants SET last_used_at = ?2 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2)",
        )?;
        for (grant_id, at) in grant_uses {
            touch.execute(params![grant_id, at])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// A resident's entries, newest first: up to `limit` with an id below
/// `before` (all when `None`).
pub fn list(db: &Db, resident_id: i64, before: Option<i64>, limit: u32) -> DbResult<Vec<Entry>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, kind, detail, ip, user_agent FROM activity
         WHERE resident_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![resident_id, before.unwrap_or(i64::MAX), limit], |r| {
        Ok(Entry {
            id: r.get(0)?,
            at: r.get(1)?,
            kind: r.get(2)?,
            detail: r.get(3)?,
            ip: r.get(4)?,
            user_agent: r.get(5)?,
        })
    })?;
    rows.collect::<Result<_, _>>()
}
