//! Residents: people with an opened locker.

use rusqlite::{Connection, params};

use crate::error::OptionalRow;
use crate::{DbError, DbResult, UnixTime};

/// A resident as stored. The Aadhaar number is only here sealed.
#[derive(Debug, Clone)]
pub struct Resident {
    pub id: i64,
    pub aadhaar_enc: Vec<u8>,
    pub name: String,
    pub dob: String,
    pub mobile: String,
    pub password_hash: String,
    /// `M`, `F` or `T` when known.
    pub gender: Option<String>,
    /// The 36-character id sent to issuers as `DigiLockerId`; drawn by the
    /// database when the row is made, and never changed.
    pub digilocker_id: String,
}

/// What `insert` needs to open a locker.
pub struct NewResident<'a> {
    pub aadhaar_hmac: &'a [u8],
    pub aadhaar_enc: &'a [u8],
    pub name: &'a str,
    pub dob: &'a str,
    pub mobile: &'a str,
    pub password_hash: &'a str,
    /// `M`, `F` or `T`.
    pub gender: Option<&'a str>,
    pub now: UnixTime,
}

/// Opens a locker. `Conflict` says whether the Aadhaar number or the mobile
/// number already has one.
pub fn insert(conn: &Connection, new: &NewResident<'_>) -> DbResult<i64> {
    conn.execute(
        "INSERT INTO residents (aadhaar_hmac, aadhaar_enc, name, dob, mobile, password_hash, created_at, gender)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            new.aadhaar_hmac,
            new.aadhaar_enc,
            new.name,
            new.dob,
            new.mobile,
            new.password_hash,
            new.now,
            new.gender
        ],
    )
    .map_err(|e| match DbError::from(e) {
        DbError::Conflict(msg) if msg.contains("mobile") => {
            DbError::Conflict("a locker with this mobile number already exists".into())
        }
        DbError::Conflict(_) => DbError::Conflict("a locker with this Aadhaar number already exists".into()),
        other => other,
    })?;
    Ok(conn.last_insert_rowid())
}

const COLUMNS: &str = "id, aadhaar_enc, name, dob, mobile, password_hash, gender, digilocker_id";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Resident> {
    Ok(Resident {
        id: r.get(0)?,
        aadhaar_enc: r.get(1)?,
        name: r.get(2)?,
        dob: r.get(3)?,
        mobile: r.get(4)?,
        password_hash: r.get(5)?,
        gender: r.get(6)?,
        digilocker_id: r.get(7)?,
    })
}

/// Looks a resident up by the HMAC of their Aadhaar number.
pub fn by_aadhaar_hmac(conn: &Connection, hmac: &[u8]) -> DbResult<Option<Resident>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM residents WHERE aadhaar_hmac = ?1"),
        [hmac],
        from_row,
    )
    .optional_row()
}

/// Looks a resident up by mobile number.
pub fn by_mobile(conn: &Connection, mobile: &str) -> DbResult<Option<Resident>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM residents WHERE mobile = ?1"),
        [mobile],
        from_row,
    )
    .optional_row()
}

/// Looks a resident up by id.
pub fn by_id(conn: &Connection, id: i64) -> DbResult<Option<Resident>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM residents WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional_row()
}
