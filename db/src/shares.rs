//! Shares: a document a resident gave a requester, behind a public URL
//! that expires and allows a limited number of fetches.

use crate::Db;
use crate::sql::{Conn, params};

use crate::sql::{OptionalRow, Row};
use crate::{DbError, DbResult, UnixTime};

/// What was shared: an issued document (by URI) or an uploaded file (by id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharedDoc {
    Issued { uri: String },
    Uploaded { id: i64 },
}

/// A share as stored.
#[derive(Debug, Clone)]
pub struct Share {
    pub id: i64,
    pub resident_id: i64,
    pub app_id: String,
    pub origin: String,
    pub doc: SharedDoc,
    pub doc_name: String,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub max_fetches: i64,
    pub fetches: i64,
    pub last_fetched_at: Option<UnixTime>,
    pub revoked_at: Option<UnixTime>,
}

/// What [`insert`] stores.
pub struct NewShare<'a> {
    pub resident_id: i64,
    pub app_id: &'a str,
    pub origin: &'a str,
    pub doc: &'a SharedDoc,
    pub doc_name: &'a str,
    pub token_hash: &'a [u8],
    pub now: UnixTime,
    pub expires_at: UnixTime,
    pub max_fetches: i64,
}

pub fn insert(db: &Db, new: &NewShare<'_>) -> DbResult<i64> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let (kind, reference) = match new.doc {
        SharedDoc::Issued { uri } => ("issued", uri.clone()),
        SharedDoc::Uploaded { id } => ("uploaded", id.to_string()),
    };
    let inserted_id = conn.insert_id(
        "INSERT INTO shares (resident_id, app_id, origin, doc_kind, doc_ref, doc_name, token_hash,
             created_at, expires_at, max_fetches)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            new.resident_id,
            new.app_id,
            new.origin,
            kind,
            reference,
            new.doc_name,
            new.token_hash,
            new.now,
            new.expires_at,
            new.max_fetches
        ],
    )?;
    Ok(inserted_id)
}

const COLUMNS: &str = "id, resident_id, app_id, origin, doc_kind, doc_ref, doc_name, created_at, expires_at,
    max_fetches, fetches, last_fetched_at, revoked_at";

fn from_row(r: &Row<'_>) -> DbResult<Share> {
    let kind: String = r.get(4)?;
    let reference: String = r.get(5)?;
    let doc = if kind == "uploaded" {
        SharedDoc::Uploaded {
            id: reference.parse().unwrap_or_default(),
        }
    } else {
        SharedDoc::Issued { uri: reference }
    };
    Ok(Share {
        id: r.get(0)?,
        resident_id: r.get(1)?,
        app_id: r.get(2)?,
        origin: r.get(3)?,
        doc,
        doc_name: r.get(6)?,
        created_at: r.get(7)?,
        expires_at: r.get(8)?,
        max_fetches: r.get(9)?,
        fetches: r.get(10)?,
        last_fetched_at: r.get(11)?,
        revoked_at: r.get(12)?,
    })
}

/// Counts one fetch of the share behind `token_hash`, if it may still be
/// fetched at `now`; returns the share either way (`None`: no such token).
/// The second value says whether this fetch was counted.
pub fn fetch(db: &Db, token_hash: &[u8], now: UnixTime) -> DbResult<Option<(Share, bool)>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    // One statement, so two fetches racing for the last allowed one cannot
    // both win.
    let counted = conn.execute(
        "UPDATE shares SET fetches = fetches + 1, last_fetched_at = ?2
         WHERE token_hash = ?1 AND revoked_at IS NULL AND expires_at > ?2 AND fetches < max_fetches",
        params![token_hash, now],
    )? == 1;
    let share = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM shares WHERE token_hash = ?1"),
            [token_hash],
            from_row,
        )
        .optional_row()?;
    Ok(share.map(|s| (s, counted)))
}

/// Gives back a fetch that could not be served (the issuer was down), so
/// that the requester may try again.
pub fn uncount_fetch(db: &Db, id: i64) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute(
        "UPDATE shares SET fetches = fetches - 1 WHERE id = ?1 AND fetches > 0",
        [id],
    )?;
    Ok(())
}

/// A resident's shares, newest first.
pub fn for_resident(db: &Db, resident_id: i64) -> DbResult<Vec<Share>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM shares WHERE resident_id = ?1 ORDER BY id DESC LIMIT 500"
    ))?;
    let rows = stmt.query_map([resident_id], from_row)?;
    rows.collect::<Result<_, _>>()
}

/// The shares made to an app, newest first.
pub fn for_app(db: &Db, app_id: &str) -> DbResult<Vec<Share>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM shares WHERE app_id = ?1 ORDER BY id DESC LIMIT 500"
    ))?;
    let rows = stmt.query_map([app_id], from_row)?;
    rows.collect::<Result<_, _>>()
}

/// Revokes one of a resident's shares; `NotFound` when it is not theirs.
pub fn revoke(db: &Db, resident_id: i64, id: i64, now: UnixTime) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let changed = conn.execute(
        "UPDATE shares SET revoked_at = COALESCE(revoked_at, ?3) WHERE id = ?1 AND resident_id = ?2",
        params![id, resident_id, now],
    )?;
    if changed == 0 { Err(DbError::NotFound) } else { Ok(()) }
}
