//! Reading issued documents: a resident's Issued Documents. Rows whose
//! Aadhaar number has no verified resident yet (the unopened-locker state:
//! no locker, or only unverified claims) join no resident, so they appear
//! the moment a resident proves the number is theirs.

use rusqlite::{Connection, params};

use crate::error::OptionalRow;
use crate::{DbResult, UnixTime};

/// An issued document as a resident sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IssuedDoc {
    pub uri: String,
    pub issuer_id: String,
    pub issuer_name: Option<String>,
    pub doc_type: String,
    pub doc_type_name: Option<String>,
    pub doc_name: String,
    pub doc_id: String,
    pub issued_on: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub time_stamp: String,
    /// `push` (sent by the issuer) or `pull` (found by the resident).
    pub source: String,
}

/// A document a resident found through a Pull URI search.
pub struct PulledDoc<'a> {
    pub aadhaar_hmac: &'a [u8],
    pub aadhaar_enc: &'a [u8],
    pub uri: &'a str,
    pub issuer_id: &'a str,
    pub doc_type: &'a str,
    pub doc_name: &'a str,
    pub doc_id: &'a str,
    /// `YYYY-MM-DD`.
    pub issued_on: &'a str,
    pub time_stamp: &'a str,
    pub now: UnixTime,
}

const COLUMNS: &str = "d.uri, d.issuer_id, i.name, d.doc_type, t.name, d.doc_name, d.doc_id,
    d.issued_on, d.valid_from, d.valid_to, d.time_stamp, d.source";

const JOINS: &str = "FROM issued_docs d
    JOIN residents r ON r.aadhaar_hmac = d.aadhaar_hmac AND r.identity_state = 'verified'
    LEFT JOIN issuers i ON i.id = d.issuer_id
    LEFT JOIN doc_types t ON t.issuer_id = d.issuer_id AND t.code = d.doc_type";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IssuedDoc> {
    Ok(IssuedDoc {
        uri: r.get(0)?,
        issuer_id: r.get(1)?,
        issuer_name: r.get(2)?,
        doc_type: r.get(3)?,
        doc_type_name: r.get(4)?,
        doc_name: r.get(5)?,
        doc_id: r.get(6)?,
        issued_on: r.get(7)?,
        valid_from: r.get(8)?,
        valid_to: r.get(9)?,
        time_stamp: r.get(10)?,
        source: r.get(11)?,
    })
}

/// A resident's issued documents, newest issue first.
pub fn for_resident(conn: &Connection, resident_id: i64) -> DbResult<Vec<IssuedDoc>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {JOINS} WHERE r.id = ?1 ORDER BY d.issued_on DESC, d.id DESC"
    ))?;
    let rows = stmt.query_map([resident_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One of a resident's issued documents by URI, or `None` when that URI is
/// not in their locker.
pub fn for_resident_by_uri(conn: &Connection, resident_id: i64, uri: &str) -> DbResult<Option<IssuedDoc>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} {JOINS} WHERE r.id = ?1 AND d.uri = ?2"),
        params![resident_id, uri],
        from_row,
    )
    .optional_row()
}

/// Saves a pulled document in the resident's locker. A URI already there
/// (pushed earlier, or pulled before) is kept as it is; returns whether the
/// document is new to the locker.
pub fn save_pulled(conn: &Connection, doc: &PulledDoc<'_>) -> DbResult<bool> {
    let added = conn.execute(
        "INSERT INTO issued_docs (aadhaar_hmac, aadhaar_enc, uri, issuer_id, doc_type, doc_name, doc_id,
             issued_on, time_stamp, source, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pull', ?10)
         ON CONFLICT (aadhaar_hmac, uri) DO NOTHING",
        params![
            doc.aadhaar_hmac,
            doc.aadhaar_enc,
            doc.uri,
            doc.issuer_id,
            doc.doc_type,
            doc.doc_name,
            doc.doc_id,
            doc.issued_on,
            doc.time_stamp,
            doc.now
        ],
    )?;
    Ok(added == 1)
}

/// How many issued-document rows there are in all.
pub fn total_count(conn: &Connection) -> DbResult<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM issued_docs", [], |r| r.get(0))?;
    Ok(n as u64)
}
