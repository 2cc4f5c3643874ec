//! The dedicated repository: lockers allowed to pull (clients) and the
//! department's e-documents with their owners and search fields.

use crate::sql::{Conn, Param, params};

use crate::sql::{OptionalRow, Row};
use crate::{Db, DbError, DbResult, UnixTime};

/// A locker allowed to call the Pull APIs.
#[derive(Debug, Clone)]
pub struct Client {
    pub org_id: String,
    pub name: String,
    pub key_enc: Vec<u8>,
    pub disabled: bool,
}

/// Adds a client; `Conflict` when the orgId is taken.
pub fn insert_client(db: &Db, org_id: &str, name: &str, key_enc: &[u8], now: UnixTime) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute(
        "INSERT INTO repo_clients (org_id, name, key_enc, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![org_id, name, key_enc, now],
    )?;
    Ok(())
}

/// Looks a client up by orgId, case-insensitively.
pub fn client(db: &Db, org_id: &str) -> DbResult<Option<Client>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        "SELECT org_id, name, key_enc, disabled FROM repo_clients WHERE org_id = ?1",
        [org_id],
        |r| {
            Ok(Client {
                org_id: r.get(0)?,
                name: r.get(1)?,
                key_enc: r.get(2)?,
                disabled: r.get(3)?,
            })
        },
    )
    .optional_row()
}

/// Enables or disables a client.
pub fn set_client_disabled(db: &Db, org_id: &str, disabled: bool) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let changed = conn.execute(
        "UPDATE repo_clients SET disabled = ?2 WHERE org_id = ?1",
        params![org_id, disabled],
    )?;
    if changed == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Replaces a client's key.
pub fn set_client_key(db: &Db, org_id: &str, key_enc: &[u8]) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let changed = conn.execute(
        "UPDATE repo_clients SET key_enc = ?2 WHERE org_id = ?1",
        params![org_id, key_enc],
    )?;
    if changed == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// An e-document as stored.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: i64,
    pub uri: String,
    pub issuer_id: String,
    pub doc_type: String,
    pub doc_id: String,
    pub doc_name: String,
    pub content_sha256: String,
    pub content_type: String,
    pub size: i64,
    pub issued_on: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub owner_name: Option<String>,
    pub owner_dob: Option<String>,
    pub owner_gender: Option<String>,
    pub owner_phone: Option<String>,
    /// The content hash of its stored certificate XML (`DataContent`),
    /// signed when `signing_key` is set; `None` for documents stored before
    /// it was built at store time.
    pub certificate_sha256: Option<String>,
    pub approved_at: Option<UnixTime>,
    /// Whether its doc type wants a person's approval first.
    pub verify_by_hand: bool,
    /// The key that signed its certificate XML; `None` for a document
    /// stored before the repository signed.
    pub signing_key: Option<i64>,
}

/// What `insert_doc` stores.
pub struct NewDoc<'a> {
    pub uri: &'a str,
    pub issuer_id: &'a str,
    pub doc_type: &'a str,
    pub doc_id: &'a str,
    pub doc_name: &'a str,
    pub content_sha256: &'a str,
    pub content_type: &'a str,
    pub size: u64,
    pub issued_on: &'a str,
    pub valid_from: Option<&'a str>,
    pub valid_to: Option<&'a str>,
    pub owner_name: Option<&'a str>,
    pub owner_dob: Option<&'a str>,
    pub owner_gender: Option<&'a str>,
    pub owner_phone: Option<&'a str>,
    /// The content hash of the stored certificate XML.
    pub certificate_sha256: Option<&'a str>,
    /// Each owner's Aadhaar number: its look-up HMAC, sealed, and the keyed
    /// HMAC of its MD5 (for a search by `UID`).
    pub owners: &'a [SealedOwner],
    /// `(name, value)` search fields.
    pub udfs: &'a [(String, String)],
    /// The key that signed the certificate XML.
    pub signing_key: Option<i64>,
    pub now: UnixTime,
}

/// One owner of a document, never in the clear.
pub struct SealedOwner {
    pub aadhaar_hmac: Vec<u8>,
    pub aadhaar_enc: Vec<u8>,
    pub uid_hmac: Vec<u8>,
}

/// Stores a document with its owners and search fields, atomically.
/// `Conflict` when the URI (or the doc id within its type) is taken.
pub fn insert_doc(db: &Db, doc: &NewDoc<'_>) -> DbResult<i64> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let tx = conn.transaction()?;
    let inserted_id = tx.insert_id(
        "INSERT INTO repo_docs (uri, issuer_id, doc_type, doc_id, doc_name, content_sha256, content_type, size,
             issued_on, valid_from, valid_to, owner_name, owner_dob, owner_gender, created_at, owner_phone,
             certificate_sha256, signing_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            doc.uri,
            doc.issuer_id,
            doc.doc_type,
            doc.doc_id,
            doc.doc_name,
            doc.content_sha256,
            doc.content_type,
            doc.size as i64,
            doc.issued_on,
            doc.valid_from,
            doc.valid_to,
            doc.owner_name,
            doc.owner_dob,
            doc.owner_gender,
            doc.now,
            doc.owner_phone,
            doc.certificate_sha256,
            doc.signing_key
        ],
    )?;
    let id = inserted_id;
    for owner in doc.owners {
        tx.execute(
            "INSERT INTO repo_doc_owners (doc, aadhaar_hmac, aadhaar_enc, uid_hmac) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            params![id, owner.aadhaar_hmac, owner.aadhaar_enc, owner.uid_hmac],
        )?;
    }
    for (name, value) in doc.udfs {
        tx.execute(
            "INSERT INTO repo_doc_udfs (doc, name, value) VALUES (?1, ?2, ?3)",
            params![id, name, value],
        )?;
    }
    tx.commit()?;
    Ok(id)
}

/// How many documents a doc type has, for the size of its DocId space.
pub fn count_docs(db: &Db, issuer_id: &str, doc_type: &str) -> DbResult<u64> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM repo_docs WHERE issuer_id = ?1 AND doc_type = ?2",
        params![issuer_id, doc_type],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

const DOC_COLUMNS: &str = "d.id, d.uri, d.issuer_id, d.doc_type, d.doc_id, d.doc_name, d.content_sha256,
    d.content_type, d.size, d.issued_on, d.valid_from, d.valid_to, d.owner_name, d.owner_dob, d.owner_gender,
    d.approved_at, COALESCE(t.verify_by_hand, 0), d.owner_phone, d.certificate_sha256, d.signing_key";

const DOC_FROM: &str = "repo_docs d LEFT JOIN doc_types t ON t.issuer_id = d.issuer_id AND t.code = d.doc_type";

fn doc_from_row(r: &Row<'_>) -> DbResult<Doc> {
    Ok(Doc {
        id: r.get(0)?,
        uri: r.get(1)?,
        issuer_id: r.get(2)?,
        doc_type: r.get(3)?,
        doc_id: r.get(4)?,
        doc_name: r.get(5)?,
        content_sha256: r.get(6)?,
        content_type: r.get(7)?,
        size: r.get(8)?,
        issued_on: r.get(9)?,
        valid_from: r.get(10)?,
        valid_to: r.get(11)?,
        owner_name: r.get(12)?,
        owner_dob: r.get(13)?,
        owner_gender: r.get(14)?,
        approved_at: r.get(15)?,
        verify_by_hand: r.get(16)?,
        owner_phone: r.get(17)?,
        certificate_sha256: r.get(18)?,
        signing_key: r.get(19)?,
    })
}

/// A document by URI, case-insensitively.
pub fn doc_by_uri(db: &Db, uri: &str) -> DbResult<Option<Doc>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        &format!("SELECT {DOC_COLUMNS} FROM {DOC_FROM} WHERE d.uri = ?1"),
        [uri],
        doc_from_row,
    )
    .optional_row()
}

/// The sealed Aadhaar numbers of a document's owners.
pub fn owners(db: &Db, doc: i64) -> DbResult<Vec<Vec<u8>>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare_cached("SELECT aadhaar_enc FROM repo_doc_owners WHERE doc = ?1")?;
    let rows = stmt.query_map([doc], |r| r.get(0))?;
    rows.collect::<Result<_, _>>()
}

/// An issuer's documents not yet pushed to a locker, oldest first (those
/// waiting for approval are left out).
pub fn unpushed_docs(db: &Db, issuer_id: &str) -> DbResult<Vec<Doc>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare(&format!(
        "SELECT {DOC_COLUMNS} FROM {DOC_FROM} WHERE d.issuer_id = ?1 AND d.pushed_at IS NULL
             AND (d.approved_at IS NOT NULL OR COALESCE(t.verify_by_hand, 0) = 0) ORDER BY d.id"
    ))?;
    let rows = stmt.query_map([issuer_id], doc_from_row)?;
    rows.collect::<Result<_, _>>()
}

/// Records that these documents reached a locker.
pub fn mark_pushed(db: &Db, ids: &[i64], now: UnixTime) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare("UPDATE repo_docs SET pushed_at = ?2 WHERE id = ?1")?;
        for id in ids {
            stmt.execute(params![id, now])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Approves a document of a "verify by hand" doc type.
pub fn approve(db: &Db, uri: &str, now: UnixTime) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let changed = conn.execute(
        "UPDATE repo_docs SET approved_at = COALESCE(approved_at, ?2) WHERE uri = ?1",
        params![uri, now],
    )?;
    if changed == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Documents whose search fields hold every `(name, value)` pair (compared
/// case-insensitively), optionally of one doc type. At most `limit`.
pub fn find_by_udfs(
    db: &Db,
    issuer_id: Option<&str>,
    doc_type: Option<&str>,
    udfs: &[(String, String)],
    limit: u32,
) -> DbResult<Vec<Doc>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    if udfs.is_empty() {
        return Ok(Vec::new());
    }
    let matches: Vec<String> = (0..udfs.len())
        .map(|i| {
            format!(
                "SELECT doc FROM repo_doc_udfs WHERE name = ?{} AND value = ?{}",
                2 * i + 4,
                2 * i + 5
            )
        })
        .collect();
    let sql = format!(
        "SELECT {DOC_COLUMNS} FROM {DOC_FROM} WHERE d.issuer_id = COALESCE(?1, d.issuer_id)
             AND d.doc_type = COALESCE(?2, d.doc_type) AND d.id IN ({}) LIMIT ?3",
        matches.join(" INTERSECT ")
    );
    let mut values: Vec<&dyn Param> = vec![&issuer_id, &doc_type, &limit];
    for (name, value) in udfs {
        values.push(name);
        values.push(value);
    }
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(values.as_slice(), doc_from_row)?;
    rows.collect::<Result<_, _>>()
}

// An optional filter is `col = COALESCE(?N, col)`: PostgreSQL then takes the
// parameter's type from the column (a bare `?N IS NULL` gives it none).

/// Documents owned by the holder of this Aadhaar HMAC, optionally of one
/// doc type. At most `limit`.
pub fn find_by_owner(
    db: &Db,
    issuer_id: Option<&str>,
    doc_type: Option<&str>,
    aadhaar_hmac: &[u8],
    limit: u32,
) -> DbResult<Vec<Doc>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare(&format!(
        "SELECT {DOC_COLUMNS} FROM {DOC_FROM} WHERE d.issuer_id = COALESCE(?1, d.issuer_id)
             AND d.doc_type = COALESCE(?2, d.doc_type)
             AND d.id IN (SELECT doc FROM repo_doc_owners WHERE aadhaar_hmac = ?3) LIMIT ?4"
    ))?;
    let rows = stmt.query_map(params![issuer_id, doc_type, aadhaar_hmac, limit], doc_from_row)?;
    rows.collect::<Result<_, _>>()
}

/// Documents owned by the holder of the Aadhaar number whose MD5 has this
/// keyed HMAC, optionally of one doc type. At most `limit`.
pub fn find_by_uid(db: &Db, doc_type: Option<&str>, uid_hmac: &[u8], limit: u32) -> DbResult<Vec<Doc>> {
    let conn = db.conn()?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {DOC_COLUMNS} FROM {DOC_FROM} WHERE d.doc_type = COALESCE(?1, d.doc_type)
             AND d.id IN (SELECT doc FROM repo_doc_owners WHERE uid_hmac = ?2) LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![doc_type, uid_hmac, limit], doc_from_row)?;
    rows.collect::<Result<_, _>>()
}

/// An owner row by its key, with a value: `(doc, aadhaar_hmac, value)`.
pub type OwnerValue = (i64, Vec<u8>, Vec<u8>);

/// Owners stored before the UID index existed, with their sealed number.
pub fn owners_without_uid(db: &Db) -> DbResult<Vec<OwnerValue>> {
    let conn = db.conn()?;
    let mut stmt = conn.prepare("SELECT doc, aadhaar_hmac, aadhaar_enc FROM repo_doc_owners WHERE uid_hmac IS NULL")?;
    let rows = stmt.query_map(params![], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect::<Result<_, _>>()
}

/// Fills in the UID index of owners, in one transaction.
pub fn set_owner_uids(db: &Db, uids: &[OwnerValue]) -> DbResult<()> {
    let conn = db.conn()?;
    let tx = conn.transaction()?;
    for (doc, aadhaar_hmac, uid_hmac) in uids {
        tx.execute(
            "UPDATE repo_doc_owners SET uid_hmac = ?3 WHERE doc = ?1 AND aadhaar_hmac = ?2",
            params![doc, aadhaar_hmac, uid_hmac],
        )?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
#[path = "repo_tests.rs"]
mod tests;
