//! Reading issued documents: a resident's Issued Documents. Rows whose
//! Aadhaar number has no verified resident yet (the unopened-locker state:
//! no locker, or only unverified claims) join no resident, so they appear
//! the moment a resident proves the number is theirs.

use crate::sql::{Conn, params};

use crate::sql::{OptionalRow, Row};
use crate::{Db, DbResult, UnixTime};

/// An issued document as a resident sees it.
#[derive(Debug, Clone)]
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
    /// `unchecked` (not fetched yet), `valid`, `invalid` or `unsigned`.
    pub signature: String,
    /// Why the signature is `invalid`.
    pub signature_detail: Option<String>,
    /// Who signed it, from the trusted certificate, when `valid`.
    pub signed_by: Option<String>,
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
    /// The kept copy: content ids of the PDF and of the certificate XML.
    pub copy: &'a KeptCopy,
    pub now: UnixTime,
}

/// Where the kept copy of a document is: content ids in the locker's store
/// of issued documents (`None` when the issuer gave no such part).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptCopy {
    pub doc_content_id: Option<String>,
    pub data_content_id: Option<String>,
}

impl KeptCopy {
    /// Whether anything is kept.
    pub fn is_empty(&self) -> bool {
        self.doc_content_id.is_none() && self.data_content_id.is_none()
    }
}

const COLUMNS: &str = "d.uri, d.issuer_id, i.name, d.doc_type, t.name, d.doc_name, d.doc_id,
    d.issued_on, d.valid_from, d.valid_to, d.time_stamp, d.source, d.signature, d.signature_detail, d.signed_by";

const JOINS: &str = "FROM issued_docs d
    JOIN residents r ON r.aadhaar_hmac = d.aadhaar_hmac AND r.identity_state = 'verified'
    LEFT JOIN issuers i ON i.id = d.issuer_id
    LEFT JOIN doc_types t ON t.issuer_id = d.issuer_id AND t.code = d.doc_type";

fn from_row(r: &Row<'_>) -> DbResult<IssuedDoc> {
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
        signature: r.get(12)?,
        signature_detail: r.get(13)?,
        signed_by: r.get(14)?,
    })
}

/// A resident's issued documents, newest issue first.
pub fn for_resident(db: &Db, resident_id: i64) -> DbResult<Vec<IssuedDoc>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {JOINS} WHERE r.id = ?1 ORDER BY d.issued_on DESC, d.id DESC"
    ))?;
    let rows = stmt.query_map([resident_id], from_row)?;
    rows.collect::<Result<_, _>>()
}

/// One of a resident's issued documents by URI, or `None` when that URI is
/// not in their locker.
pub fn for_resident_by_uri(db: &Db, resident_id: i64, uri: &str) -> DbResult<Option<IssuedDoc>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        &format!("SELECT {COLUMNS} {JOINS} WHERE r.id = ?1 AND d.uri = ?2"),
        params![resident_id, uri],
        from_row,
    )
    .optional_row()
}

/// Saves a pulled document and its kept copy in the resident's locker. A
/// URI already there (pushed earlier, or pulled before) keeps its details,
/// and gets the copy when it had none; returns whether the document is new
/// to the locker.
pub fn save_pulled(db: &Db, doc: &PulledDoc<'_>) -> DbResult<bool> {
    let conn = db.conn()?;
    let existed: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM issued_docs WHERE aadhaar_hmac = ?1 AND uri = ?2)",
        params![doc.aadhaar_hmac, doc.uri],
        |r| r.get(0),
    )?;
    conn.execute(
        "INSERT INTO issued_docs (aadhaar_hmac, aadhaar_enc, uri, issuer_id, doc_type, doc_name, doc_id,
             issued_on, time_stamp, source, updated_at, doc_content_id, data_content_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pull', ?10, ?11, ?12)
         ON CONFLICT (aadhaar_hmac, uri) DO UPDATE SET
             doc_content_id = COALESCE(issued_docs.doc_content_id, excluded.doc_content_id),
             data_content_id = COALESCE(issued_docs.data_content_id, excluded.data_content_id)",
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
            doc.now,
            doc.copy.doc_content_id,
            doc.copy.data_content_id
        ],
    )?;
    Ok(!existed)
}

/// The kept copy of one of a resident's documents (empty when there is none
/// yet); `None` when the URI is not in their locker.
pub fn kept_copy(db: &Db, resident_id: i64, uri: &str) -> DbResult<Option<KeptCopy>> {
    db.conn()?
        .query_row(
            "SELECT d.doc_content_id, d.data_content_id FROM issued_docs d
             JOIN residents r ON r.aadhaar_hmac = d.aadhaar_hmac WHERE r.id = ?1 AND d.uri = ?2",
            params![resident_id, uri],
            |r| {
                Ok(KeptCopy {
                    doc_content_id: r.get(0)?,
                    data_content_id: r.get(1)?,
                })
            },
        )
        .optional_row()
}

/// Records the kept copy of a pushed document fetched at its first open.
pub fn set_kept_copy(db: &Db, resident_id: i64, uri: &str, copy: &KeptCopy, now: UnixTime) -> DbResult<()> {
    db.conn()?.execute(
        "UPDATE issued_docs SET doc_content_id = ?3, data_content_id = ?4, updated_at = ?5
         WHERE uri = ?2 AND aadhaar_hmac = (SELECT aadhaar_hmac FROM residents WHERE id = ?1)",
        params![resident_id, uri, copy.doc_content_id, copy.data_content_id, now],
    )?;
    Ok(())
}

/// Content ids of kept copies whose row went and that no row (nor a
/// verification link) refers to now.
pub fn unused_trashed_copies(db: &Db) -> DbResult<Vec<String>> {
    let conn = db.conn()?;
    let mut stmt = conn.prepare(
        "SELECT content_id FROM issued_copy_trash t WHERE NOT EXISTS (
             SELECT 1 FROM issued_docs d WHERE d.doc_content_id = t.content_id OR d.data_content_id = t.content_id)
         AND NOT EXISTS (SELECT 1 FROM verify_links v WHERE v.certificate_id = t.content_id)",
    )?;
    let rows = stmt.query_map(params![], |r| r.get(0))?;
    rows.collect::<Result<_, _>>()
}

/// Empties the trash of kept copies, once their files are dealt with
/// (removed, or in use again).
pub fn clear_copy_trash(db: &Db, content_ids: &[String]) -> DbResult<()> {
    let conn = db.conn()?;
    let tx = conn.transaction()?;
    for id in content_ids {
        tx.execute("DELETE FROM issued_copy_trash WHERE content_id = ?1", [id])?;
    }
    tx.commit()?;
    Ok(())
}

/// How many issued-document rows there are in all.
pub fn total_count(db: &Db) -> DbResult<u64> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let n: i64 = conn.query_row("SELECT count(*) FROM issued_docs", params![], |r| r.get(0))?;
    Ok(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pulled_document_saved_twice_keeps_its_first_copy_and_is_new_once() {
        let db = crate::testing::db(1);
        let copy = |id: &str| KeptCopy {
            doc_content_id: Some(id.into()),
            data_content_id: None,
        };
        fn pulled(copy: &KeptCopy) -> PulledDoc<'_> {
            PulledDoc {
                aadhaar_hmac: b"h",
                aadhaar_enc: b"e",
                uri: "in.gov.cbse-HSCER-A12",
                issuer_id: "in.gov.cbse",
                doc_type: "HSCER",
                doc_name: "Marks",
                doc_id: "A12",
                issued_on: "2024-05-01",
                time_stamp: "2024-05-01T10:00:00",
                copy,
                now: 1,
            }
        }
        assert!(save_pulled(&db, &pulled(&copy("first"))).unwrap());
        assert!(!save_pulled(&db, &pulled(&copy("second"))).unwrap());
        let kept: Option<String> = db
            .conn()
            .unwrap()
            .query_row("SELECT doc_content_id FROM issued_docs", params![], |r| r.get(0))
            .unwrap();
        assert_eq!(kept.as_deref(), Some("first"));
        assert_eq!(total_count(&db).unwrap(), 1);
    }
}
