//! Residents: people with a locker, and the identity state that decides
//! whether they see the documents of the Aadhaar number they claimed.
//! Several unverified accounts may claim one number; at most one is
//! verified (a partial unique index, so racing verifications cannot both
//! win), and verifying one closes the others in the same transaction.

use crate::sql::{Conn, OptionalRow, Row, params};

use crate::activity::{self, NewEntry};
use crate::{Db, DbError, DbResult, UnixTime};

/// A resident as stored. The Aadhaar number is only here sealed.
#[derive(Debug, Clone)]
pub struct Resident {
    pub id: i64,
    pub aadhaar_enc: Vec<u8>,
    pub name: String,
    pub dob: String,
    /// `M`, `F` or `T`, when known.
    pub gender: Option<String>,
    pub mobile: String,
    pub password_hash: String,
    pub identity: Identity,
    /// When another account verified the number this one claimed.
    pub closed_at: Option<UnixTime>,
    /// The 36-character id sent to issuers as `DigiLockerId`; drawn by the
    /// database when the row is made, and never changed.
    pub digilocker_id: String,
}

/// Whether, how and when a resident's identity was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `operator`, `counter` or `ekyc`; `None` while unverified.
    pub method: Option<String>,
    /// Who vouched (operator, counter user, provider).
    pub by: Option<String>,
    pub verified_at: Option<UnixTime>,
}

impl Identity {
    /// Whether the resident's identity was verified.
    pub fn is_verified(&self) -> bool {
        self.verified_at.is_some()
    }
}

/// What `insert` needs to open a locker.
pub struct NewResident<'a> {
    pub aadhaar_hmac: &'a [u8],
    pub aadhaar_enc: &'a [u8],
    pub name: &'a str,
    pub dob: &'a str,
    pub gender: Option<&'a str>,
    pub mobile: &'a str,
    pub password_hash: &'a str,
    pub now: UnixTime,
}

/// A verification: the details it vouches for, and who vouched.
pub struct Verification<'a> {
    pub name: &'a str,
    /// `YYYY-MM-DD`.
    pub dob: &'a str,
    pub gender: Option<&'a str>,
    /// `operator`, `counter` or `ekyc`.
    pub method: &'a str,
    pub by: &'a str,
    /// The e-KYC txn this verification used up, for `ekyc`.
    pub kyc_txn: Option<&'a str>,
    pub now: UnixTime,
}

/// The activity-log entries a verification writes, in its transaction.
pub struct VerifyLog<'a> {
    /// Kind and detail of the verified resident's entry.
    pub verified: (&'a str, &'a str),
    /// Kind and detail of each closed claimant's entry.
    pub closed: (&'a str, &'a str),
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// What a verification did.
#[derive(Debug, Default)]
pub struct Verified {
    /// The other accounts that claimed the number and are now closed.
    pub closed: Vec<i64>,
}

/// Opens a locker, verified when `verification` is given (an operator's
/// act, which closes the other claimants as [`verify`] does). `Conflict`
/// when the mobile number has a locker, or when a verified resident owns
/// the Aadhaar number; an unverified claim does not reserve it.
pub fn insert(
    db: &Db,
    new: &NewResident<'_>,
    verification: Option<(&Verification<'_>, &VerifyLog<'_>)>,
) -> DbResult<(i64, Verified)> {
    let conn = db.conn()?;
    let tx = conn.transaction_serialized("residents")?;
    if verified_owner(&tx, new.aadhaar_hmac)?.is_some() {
        return Err(DbError::Conflict(
            "a locker with this Aadhaar number already exists".into(),
        ));
    }
    let inserted_id = tx
        .insert_id(
            "INSERT INTO residents (aadhaar_hmac, aadhaar_enc, name, dob, gender, mobile, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                new.aadhaar_hmac,
                new.aadhaar_enc,
                new.name,
                new.dob,
                new.gender,
                new.mobile,
                new.password_hash,
                new.now
            ],
        )
        .map_err(|e| match e {
            DbError::Conflict(_) => DbError::Conflict("a locker with this mobile number already exists".into()),
            other => other,
        })?;
    let id = inserted_id;
    let outcome = match verification {
        Some((verification, log)) => mark_verified(&tx, id, verification, log)?,
        None => Verified::default(),
    };
    tx.commit()?;
    Ok((id, outcome))
}

/// Verifies resident `id`: the details replace what was typed, the
/// e-KYC txn (if any) is used up, every other account claiming the same
/// number is closed and signed out, and the log entries are written, all
/// in one transaction. `Conflict("aadhaar_claimed")` when another account
/// owns the number (whether it won a race a moment ago or long before);
/// `Conflict("txn_used")` when the txn was used already; `NotFound` when
/// there is no such open account.
pub fn verify(db: &Db, id: i64, verification: &Verification<'_>, log: &VerifyLog<'_>) -> DbResult<Verified> {
    let conn = db.conn()?;
    let tx = conn.transaction_serialized("residents")?;
    let outcome = mark_verified(&tx, id, verification, log)?;
    tx.commit()?;
    Ok(outcome)
}

fn mark_verified(tx: &Conn, id: i64, v: &Verification<'_>, log: &VerifyLog<'_>) -> DbResult<Verified> {
    let row: Option<(Vec<u8>, Option<UnixTime>)> = tx
        .query_row(
            "SELECT aadhaar_hmac, closed_at FROM residents WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional_row()?;
    let Some((hmac, closed_at)) = row else {
        return Err(DbError::NotFound);
    };
    if closed_at.is_some() {
        return Err(DbError::Conflict("aadhaar_claimed".into()));
    }
    if let Some(txn) = v.kyc_txn {
        let used = tx.execute(
            "UPDATE kyc_txns SET used_at = ?1 WHERE txn = ?2 AND resident_id = ?3 AND used_at IS NULL",
            params![v.now, txn, id],
        )?;
        if used != 1 {
            return Err(DbError::Conflict("txn_used".into()));
        }
    }
    tx.execute(
        "UPDATE residents SET identity_state = 'verified', identity_method = ?1, identity_by = ?2,
             verified_at = ?3, name = ?4, dob = ?5, gender = ?6
         WHERE id = ?7",
        params![v.method, v.by, v.now, v.name, v.dob, v.gender, id],
    )
    .map_err(|e| match e {
        // Only the partial unique index can refuse this update.
        DbError::Conflict(_) => DbError::Conflict("aadhaar_claimed".into()),
        other => other,
    })?;
    let closed = close_other_claimants(tx, &hmac, id, v.now)?;
    write_log(tx, id, &closed, v.now, log)?;
    Ok(Verified { closed })
}

/// Closes every other open claim of `hmac` and ends its sessions.
fn close_other_claimants(tx: &Conn, hmac: &[u8], winner: i64, now: UnixTime) -> DbResult<Vec<i64>> {
    let mut stmt = tx.prepare(
        "UPDATE residents SET closed_at = ?1
         WHERE aadhaar_hmac = ?2 AND id <> ?3 AND identity_state = 'unverified' AND closed_at IS NULL
         RETURNING id",
    )?;
    let closed: Vec<i64> = stmt
        .query_map(params![now, hmac, winner], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &closed {
        tx.execute("DELETE FROM sessions WHERE kind = 'resident' AND subject_id = ?1", [id])?;
    }
    Ok(closed)
}

fn write_log(tx: &Conn, winner: i64, closed: &[i64], now: UnixTime, log: &VerifyLog<'_>) -> DbResult<()> {
    let entry = |resident_id, (kind, detail): (&str, &str)| {
        activity::insert_on(
            tx,
            &NewEntry {
                resident_id,
                at: now,
                kind,
                detail,
                ip: log.ip,
                user_agent: log.user_agent,
            },
        )
    };
    entry(winner, log.verified)?;
    for id in closed {
        entry(*id, log.closed)?;
    }
    Ok(())
}

fn verified_owner(conn: &Conn, hmac: &[u8]) -> DbResult<Option<i64>> {
    conn.query_row(
        "SELECT id FROM residents WHERE aadhaar_hmac = ?1 AND identity_state = 'verified'",
        [hmac],
        |r| r.get(0),
    )
    .optional_row()
}

const COLUMNS: &str = "id, aadhaar_enc, name, dob, gender, mobile, password_hash, identity_method, identity_by, verified_at, closed_at, digilocker_id";

fn from_row(r: &Row<'_>) -> DbResult<Resident> {
    Ok(Resident {
        id: r.get(0)?,
        aadhaar_enc: r.get(1)?,
        name: r.get(2)?,
        dob: r.get(3)?,
        gender: r.get(4)?,
        mobile: r.get(5)?,
        password_hash: r.get(6)?,
        identity: Identity {
            method: r.get(7)?,
            by: r.get(8)?,
            verified_at: r.get(9)?,
        },
        closed_at: r.get(10)?,
        digilocker_id: r.get(11)?,
    })
}

/// Every account that claims the number with this HMAC: the verified one
/// first, then open claims newest first, then closed ones; at most `limit`.
pub fn claimants(db: &Db, hmac: &[u8], limit: u32) -> DbResult<Vec<Resident>> {
    let conn = db.conn()?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM residents WHERE aadhaar_hmac = ?1
         ORDER BY identity_state = 'verified' DESC, closed_at IS NULL DESC, id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![hmac, limit], from_row)?;
    rows.collect::<Result<_, _>>()
}

/// Looks a resident up by mobile number.
pub fn by_mobile(db: &Db, mobile: &str) -> DbResult<Option<Resident>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM residents WHERE mobile = ?1"),
        [mobile],
        from_row,
    )
    .optional_row()
}

/// Looks a resident up by id.
pub fn by_id(db: &Db, id: i64) -> DbResult<Option<Resident>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM residents WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional_row()
}

/// Records an e-KYC txn the locker made for resident `id`.
pub fn insert_kyc_txn(db: &Db, txn: &str, id: i64, now: UnixTime, expires_at: UnixTime) -> DbResult<()> {
    let conn = db.conn()?;
    conn.execute("DELETE FROM kyc_txns WHERE expires_at < ?1 AND used_at IS NULL", [now])?;
    conn.execute(
        "INSERT INTO kyc_txns (txn, resident_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![txn, id, now, expires_at],
    )?;
    Ok(())
}

/// An e-KYC txn as recorded: its expiry and when it was used.
#[derive(Debug, Clone, Copy)]
pub struct KycTxn {
    pub expires_at: UnixTime,
    pub used_at: Option<UnixTime>,
}

/// The e-KYC txn `txn` if the locker made it for resident `id`.
pub fn kyc_txn(db: &Db, txn: &str, id: i64) -> DbResult<Option<KycTxn>> {
    db.conn()?
        .query_row(
            "SELECT expires_at, used_at FROM kyc_txns WHERE txn = ?1 AND resident_id = ?2",
            params![txn, id],
            |r| {
                Ok(KycTxn {
                    expires_at: r.get(0)?,
                    used_at: r.get(1)?,
                })
            },
        )
        .optional_row()
}

#[cfg(test)]
#[path = "residents_tests.rs"]
mod tests;
