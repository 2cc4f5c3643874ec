//! Reading issued documents: a resident's Issued Documents. Rows whose
//! Aadhaar number has no locker yet (the unopened-locker state) join no
//! resident, so they appear the moment the locker opens.

use rusqlite::{Connection, params};

use crate::DbResult;
use crate::error::OptionalRow;

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
}

const COLUMNS: &str = "d.uri, d.issuer_id, i.name, d.doc_type, t.name, d.doc_name, d.doc_id,
    d.issued_on, d.valid_from, d.valid_to, d.time_stamp";

const JOINS: &str = "FROM issued_docs d
    JOIN residents r ON r.aadhaar_hmac = d.aadhaar_hmac
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

/// How many issued-document rows there are in all.
pub fn total_count(conn: &Connection) -> DbResult<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM issued_docs", [], |r| r.get(0))?;
    Ok(n as u64)
}
