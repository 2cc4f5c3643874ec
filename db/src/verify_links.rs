//! Verification links: what the QR code beside an issued document opens.
//! Each names one document's kept certificate XML, behind a token stored
//! only as its SHA-256, until it expires or its resident revokes it.

use crate::sql::params;

use crate::sql::{OptionalRow, Row};
use crate::{Db, DbError, DbResult, UnixTime};

/// A verification link as stored.
#[derive(Debug, Clone)]
pub struct VerifyLink {
    pub id: i64,
    pub resident_id: i64,
    pub uri: String,
    pub doc_name: String,
    /// The content id of the kept certificate XML.
    pub certificate_id: String,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub revoked_at: Option<UnixTime>,
}

/// What [`insert`] stores.
pub struct NewVerifyLink<'a> {
    pub resident_id: i64,
    pub uri: &'a str,
    pub doc_name: &'a str,
    pub certificate_id: &'a str,
    pub token_hash: &'a [u8],
    pub now: UnixTime,
    pub expires_at: UnixTime,
}

const COLUMNS: &str = "id, resident_id, uri, doc_name, certificate_id, created_at, expires_at, revoked_at";

fn from_row(r: &Row<'_>) -> DbResult<VerifyLink> {
    Ok(VerifyLink {
        id: r.get(0)?,
        resident_id: r.get(1)?,
        uri: r.get(2)?,
        doc_name: r.get(3)?,
        certificate_id: r.get(4)?,
        created_at: r.get(5)?,
        expires_at: r.get(6)?,
        revoked_at: r.get(7)?,
    })
}

/// Stores a new link; returns its id.
pub fn insert(db: &Db, new: &NewVerifyLink<'_>) -> DbResult<i64> {
    let conn = db.conn()?;
    let inserted_id = conn.insert_id(
        "INSERT INTO verify_links (resident_id, uri, doc_name, certificate_id, token_hash, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            new.resident_id,
            new.uri,
            new.doc_name,
            new.certificate_id,
            new.token_hash,
            new.now,
            new.expires_at
        ],
    )?;
    Ok(inserted_id)
}

/// The link behind `token_hash` while it works at `now` (not revoked, not
/// expired); `None` otherwise, or for no such token.
pub fn live_by_token(db: &Db, token_hash: &[u8], now: UnixTime) -> DbResult<Option<VerifyLink>> {
    db.conn()?
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM verify_links
                 WHERE token_hash = ?1 AND revoked_at IS NULL AND expires_at > ?2"
            ),
            params![token_hash, now],
            from_row,
        )
        .optional_row()
}

/// A resident's links that still work at `now`, newest first.
pub fn live_for_resident(db: &Db, resident_id: i64, now: UnixTime) -> DbResult<Vec<VerifyLink>> {
    let conn = db.conn()?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM verify_links
         WHERE resident_id = ?1 AND revoked_at IS NULL AND expires_at > ?2 ORDER BY id DESC LIMIT 500"
    ))?;
    let rows = stmt.query_map(params![resident_id, now], from_row)?;
    rows.collect::<Result<_, _>>()
}

/// Revokes one of a resident's links; `NotFound` when it is not theirs.
pub fn revoke(db: &Db, resident_id: i64, id: i64, now: UnixTime) -> DbResult<()> {
    let changed = db.conn()?.execute(
        "UPDATE verify_links SET revoked_at = COALESCE(revoked_at, ?3) WHERE id = ?1 AND resident_id = ?2",
        params![id, resident_id, now],
    )?;
    if changed == 0 { Err(DbError::NotFound) } else { Ok(()) }
}
