//! Sign-in sessions of residents, issuer users and requester users.

use crate::Db;
use crate::sql::{Conn, params};

use crate::sql::OptionalRow;
use crate::{DbResult, UnixTime};

/// Who a session belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Resident,
    IssuerUser,
    RequesterUser,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Resident => "resident",
            SessionKind::IssuerUser => "issuer_user",
            SessionKind::RequesterUser => "requester_user",
        }
    }
}

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    pub subject_id: i64,
    pub csrf_token: String,
    pub expires_at: UnixTime,
}

/// Stores a session under the hash of its cookie value.
pub fn insert(
    db: &Db,
    token_hash: &[u8],
    kind: SessionKind,
    subject_id: i64,
    csrf_token: &str,
    now: UnixTime,
    expires_at: UnixTime,
) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute(
        "INSERT INTO sessions (token_hash, kind, subject_id, csrf_token, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![token_hash, kind.as_str(), subject_id, csrf_token, now, expires_at],
    )?;
    Ok(())
}

/// The session with this token hash and kind, if it has not expired.
pub fn get(db: &Db, token_hash: &[u8], kind: SessionKind, now: UnixTime) -> DbResult<Option<Session>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        "SELECT subject_id, csrf_token, expires_at FROM sessions
         WHERE token_hash = ?1 AND kind = ?2 AND expires_at > ?3",
        params![token_hash, kind.as_str(), now],
        |r| {
            Ok(Session {
                subject_id: r.get(0)?,
                csrf_token: r.get(1)?,
                expires_at: r.get(2)?,
            })
        },
    )
    .optional_row()
}

/// Ends one session.
pub fn delete(db: &Db, token_hash: &[u8]) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}

/// Drops sessions that have expired; returns how many.
pub fn purge_expired(db: &Db, now: UnixTime) -> DbResult<usize> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])
}

/// Ends every session of one subject ("sign out everywhere"); returns how many.
pub fn delete_all_of(db: &Db, kind: SessionKind, subject_id: i64) -> DbResult<usize> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute(
        "DELETE FROM sessions WHERE kind = ?1 AND subject_id = ?2",
        params![kind.as_str(), subject_id],
    )
}
