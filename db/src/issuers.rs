//! Issuers, their Push API keys, their doc types and their portal users.

use crate::sql::{Conn, params};

use crate::sql::{OptionalRow, Row};
use crate::{Db, DbError, DbResult, UnixTime};

/// A registered issuer.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub id: String,
    pub name: String,
    pub org_id: String,
    pub pull_uri_url: Option<String>,
    pub pull_doc_url: Option<String>,
    pub pull_org_id: Option<String>,
    /// The repository's API key, sealed with the master key.
    pub pull_api_key_enc: Option<Vec<u8>>,
    /// How requests to the repository carry `x-digilocker-hmac`: `raw`,
    /// `hex` or `none`.
    pub pull_hmac: String,
    pub created_at: UnixTime,
    /// Whether the Pull URLs were set by the issuer in its portal (so they
    /// are called on public addresses only), not by the operator.
    pub pull_set_in_portal: bool,
}

/// What `insert` needs to register an issuer.
pub struct NewIssuer<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub org_id: &'a str,
    pub pull_uri_url: Option<&'a str>,
    pub pull_doc_url: Option<&'a str>,
    pub pull_org_id: Option<&'a str>,
    pub pull_api_key_enc: Option<&'a [u8]>,
    /// `raw`, `hex` or `none`.
    pub pull_hmac: &'a str,
    /// The first Push API key, sealed.
    pub key_enc: &'a [u8],
    pub now: UnixTime,
}

const ISSUER_COLUMNS: &str = "id, name, org_id, pull_uri_url, pull_doc_url, pull_org_id, pull_api_key_enc, created_at, pull_set_in_portal, pull_hmac";

fn issuer_from_row(row: &Row<'_>) -> DbResult<Issuer> {
    Ok(Issuer {
        id: row.get(0)?,
        name: row.get(1)?,
        org_id: row.get(2)?,
        pull_uri_url: row.get(3)?,
        pull_doc_url: row.get(4)?,
        pull_org_id: row.get(5)?,
        pull_api_key_enc: row.get(6)?,
        created_at: row.get(7)?,
        pull_set_in_portal: row.get(8)?,
        pull_hmac: row.get(9)?,
    })
}

/// Registers an issuer with its first API key, atomically.
/// Fails with `Conflict` when the id (compared case-insensitively) is taken.
pub fn insert(db: &Db, new: &NewIssuer<'_>) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO issuers (id, name, org_id, pull_uri_url, pull_doc_url, pull_org_id, pull_api_key_enc, created_at,
             pull_hmac)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            new.id,
            new.name,
            new.org_id,
            new.pull_uri_url,
            new.pull_doc_url,
            new.pull_org_id,
            new.pull_api_key_enc,
            new.now,
            new.pull_hmac
        ],
    )
    .map_err(|e| match e {
        DbError::Conflict(_) => DbError::Conflict(format!("issuer {} already exists", new.id)),
        other => other,
    })?;
    tx.execute(
        "INSERT INTO issuer_keys (issuer_id, key_enc, created_at) VALUES (?1, ?2, ?3)",
        params![new.id, new.key_enc, new.now],
    )?;
    tx.commit()?;
    Ok(())
}

/// Looks an issuer up by its id, case-insensitively.
pub fn get(db: &Db, id: &str) -> DbResult<Option<Issuer>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        &format!("SELECT {ISSUER_COLUMNS} FROM issuers WHERE id = ?1"),
        [id],
        issuer_from_row,
    )
    .optional_row()
}

/// Looks an issuer up by its Push API orgId, case-insensitively.
pub fn get_by_org_id(db: &Db, org_id: &str) -> DbResult<Option<Issuer>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        &format!("SELECT {ISSUER_COLUMNS} FROM issuers WHERE org_id = ?1"),
        [org_id],
        issuer_from_row,
    )
    .optional_row()
}

/// Every issuer, by id.
pub fn list(db: &Db) -> DbResult<Vec<Issuer>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare(&format!("SELECT {ISSUER_COLUMNS} FROM issuers ORDER BY id"))?;
    let rows = stmt.query_map(params![], issuer_from_row)?;
    rows.collect::<Result<_, _>>()
}

/// Sets how the locker reaches the issuer's repository, as the issuer set it
/// in its portal. `api_key_enc` of `None` keeps the stored key.
pub fn set_pull(
    db: &Db,
    id: &str,
    uri_url: Option<&str>,
    doc_url: Option<&str>,
    org_id: Option<&str>,
    api_key_enc: Option<&[u8]>,
) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let changed = conn.execute(
        "UPDATE issuers SET pull_uri_url = ?2, pull_doc_url = ?3, pull_org_id = ?4,
             pull_api_key_enc = COALESCE(?5, pull_api_key_enc), pull_set_in_portal = 1
         WHERE id = ?1",
        params![id, uri_url, doc_url, org_id, api_key_enc],
    )?;
    if changed == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// The sealed API keys that are valid at `now`: the current one and any still
/// in their grace period, newest first.
pub fn valid_keys(db: &Db, issuer_id: &str, now: UnixTime) -> DbResult<Vec<Vec<u8>>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare_cached(
        "SELECT key_enc FROM issuer_keys
         WHERE issuer_id = ?1 AND (expires_at IS NULL OR expires_at > ?2)
         ORDER BY id DESC",
    )?;
    let rows = stmt.query_map(params![issuer_id, now], |r| r.get(0))?;
    rows.collect::<Result<_, _>>()
}

/// Makes `key_enc` the current key. The previous keys stay valid until
/// `old_keys_expire_at` (or their own earlier expiry).
pub fn rotate_key(
    db: &Db,
    issuer_id: &str,
    key_enc: &[u8],
    now: UnixTime,
    old_keys_expire_at: UnixTime,
) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let tx = conn.transaction()?;
    tx.execute(
        "UPDATE issuer_keys SET expires_at = CASE WHEN expires_at < ?2 THEN expires_at ELSE ?2 END
         WHERE issuer_id = ?1",
        params![issuer_id, old_keys_expire_at],
    )?;
    tx.execute(
        "INSERT INTO issuer_keys (issuer_id, key_enc, created_at) VALUES (?1, ?2, ?3)",
        params![issuer_id, key_enc, now],
    )?;
    // Keys past their grace period are of no use to anyone: drop them.
    tx.execute(
        "DELETE FROM issuer_keys WHERE issuer_id = ?1 AND expires_at IS NOT NULL AND expires_at <= ?2",
        params![issuer_id, now],
    )?;
    tx.commit()?;
    Ok(())
}

/// A document type of an issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocType {
    pub issuer_id: String,
    pub code: String,
    pub name: String,
    /// Pull URI search fields, in order.
    pub udfs: Vec<String>,
    /// Whether documents of this type wait for a person's approval
    /// (Pull URI answers Status 9 until then).
    pub verify_by_hand: bool,
    /// Whether a resident's Pull URI search for this type carries their own
    /// Aadhaar number (UID, as its MD5).
    pub pull_sends_uid: bool,
    /// Whether it carries their name (`FullName`).
    pub pull_sends_name: bool,
    /// Whether it carries their date of birth (`DOB`).
    pub pull_sends_dob: bool,
    /// What of the answer's `IssuedTo` must agree with the resident: a comma
    /// list of `name`, `dob`, `gender`, `mobile`, or `none`.
    pub pull_match: String,
}

/// Adds a doc type; `Conflict` when the issuer already has that code.
pub fn insert_doc_type(db: &Db, doc_type: &DocType, now: UnixTime) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute(
        "INSERT INTO doc_types (issuer_id, code, name, udfs, verify_by_hand, pull_sends_uid, created_at,
             pull_sends_name, pull_sends_dob, pull_match)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            doc_type.issuer_id,
            doc_type.code,
            doc_type.name,
            doc_type.udfs.join("\n"),
            doc_type.verify_by_hand,
            doc_type.pull_sends_uid,
            now,
            doc_type.pull_sends_name,
            doc_type.pull_sends_dob,
            doc_type.pull_match
        ],
    )
    .map_err(|e| match e {
        DbError::Conflict(_) => DbError::Conflict(format!(
            "doc type {} already exists for issuer {}",
            doc_type.code, doc_type.issuer_id
        )),
        other => other,
    })?;
    Ok(())
}

/// Renames a doc type and replaces its search fields.
pub fn update_doc_type(db: &Db, doc_type: &DocType) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let changed = conn.execute(
        "UPDATE doc_types SET name = ?3, udfs = ?4, verify_by_hand = ?5, pull_sends_uid = ?6,
             pull_sends_name = ?7, pull_sends_dob = ?8, pull_match = ?9
         WHERE issuer_id = ?1 AND code = ?2",
        params![
            doc_type.issuer_id,
            doc_type.code,
            doc_type.name,
            doc_type.udfs.join("\n"),
            doc_type.verify_by_hand,
            doc_type.pull_sends_uid,
            doc_type.pull_sends_name,
            doc_type.pull_sends_dob,
            doc_type.pull_match
        ],
    )?;
    if changed == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Removes a doc type. Documents already in lockers keep their URIs.
pub fn delete_doc_type(db: &Db, issuer_id: &str, code: &str) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let changed = conn.execute(
        "DELETE FROM doc_types WHERE issuer_id = ?1 AND code = ?2",
        params![issuer_id, code],
    )?;
    if changed == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// The doc types of an issuer, by code.
pub fn doc_types(db: &Db, issuer_id: &str) -> DbResult<Vec<DocType>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare_cached(
        "SELECT issuer_id, code, name, udfs, verify_by_hand, pull_sends_uid, pull_sends_name, pull_sends_dob,
             pull_match
         FROM doc_types WHERE issuer_id = ?1 ORDER BY code",
    )?;
    let rows = stmt.query_map([issuer_id], |r| {
        let udfs: String = r.get(3)?;
        Ok(DocType {
            issuer_id: r.get(0)?,
            code: r.get(1)?,
            name: r.get(2)?,
            udfs: udfs.lines().map(str::to_owned).filter(|s| !s.is_empty()).collect(),
            verify_by_hand: r.get(4)?,
            pull_sends_uid: r.get(5)?,
            pull_sends_name: r.get(6)?,
            pull_sends_dob: r.get(7)?,
            pull_match: r.get(8)?,
        })
    })?;
    rows.collect::<Result<_, _>>()
}

/// A person who signs in to an issuer's portal.
#[derive(Debug, Clone)]
pub struct IssuerUser {
    pub id: i64,
    pub issuer_id: String,
    pub username: String,
    pub password_hash: String,
    /// Counter staff: may verify residents' identity in person.
    pub can_verify_residents: bool,
}

/// Adds a portal user; `Conflict` when the username is taken.
pub fn insert_user(db: &Db, issuer_id: &str, username: &str, password_hash: &str, now: UnixTime) -> DbResult<i64> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let inserted_id = conn
        .insert_id(
            "INSERT INTO issuer_users (issuer_id, username, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![issuer_id, username, password_hash, now],
        )
        .map_err(|e| match e {
            DbError::Conflict(_) => DbError::Conflict(format!("user {username} already exists")),
            other => other,
        })?;
    Ok(inserted_id)
}

fn user_from_row(r: &Row<'_>) -> DbResult<IssuerUser> {
    Ok(IssuerUser {
        id: r.get(0)?,
        issuer_id: r.get(1)?,
        username: r.get(2)?,
        password_hash: r.get(3)?,
        can_verify_residents: r.get(4)?,
    })
}

/// Gives a portal user the counter permission (verify residents in
/// person), or takes it away.
pub fn set_can_verify_residents(db: &Db, user_id: i64, allowed: bool) -> DbResult<()> {
    let changed = db.conn()?.execute(
        "UPDATE issuer_users SET can_verify_residents = ?1 WHERE id = ?2",
        params![allowed, user_id],
    )?;
    match changed {
        1 => Ok(()),
        _ => Err(DbError::NotFound),
    }
}

/// Looks a portal user up by username, case-insensitively.
pub fn user_by_name(db: &Db, username: &str) -> DbResult<Option<IssuerUser>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        "SELECT id, issuer_id, username, password_hash, can_verify_residents FROM issuer_users WHERE username = ?1",
        [username],
        user_from_row,
    )
    .optional_row()
}

/// Looks a portal user up by id.
pub fn user_by_id(db: &Db, id: i64) -> DbResult<Option<IssuerUser>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        "SELECT id, issuer_id, username, password_hash, can_verify_residents FROM issuer_users WHERE id = ?1",
        [id],
        user_from_row,
    )
    .optional_row()
}

#[cfg(test)]
#[path = "issuers_tests.rs"]
mod tests;
