//! Identity assurance: who may see the documents of an Aadhaar number.
//! Knowing a number proves nothing, so a resident sees issued documents,
//! pulls, shares and partner grants only once an operator, counter staff
//! or an e-KYC OTP ([`crate::locker::kyc`]) has verified them. The first account
//! to verify a number owns it; the others that claimed it are closed.

use openlocker_db::residents::{self, Identity, Verification, VerifyLog};
use openlocker_db::{DbError, UnixTime};
use serde::Serialize;

use crate::app::App;
use crate::locker::activity::{Client, Kind};
use crate::locker::residents as accounts;
use crate::platform::dates;
use crate::platform::error::Error;

/// A resident's identity state as `GET /api/me` shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IdentityView {
    /// `verified` or `unverified`.
    pub state: &'static str,
    /// `operator`, `counter` or `ekyc`; `null` while unverified.
    pub method: Option<String>,
    /// Unix seconds; `null` while unverified.
    pub verified_at: Option<UnixTime>,
}

impl IdentityView {
    /// The view of a stored identity.
    pub fn of(identity: &Identity) -> IdentityView {
        IdentityView {
            state: if identity.is_verified() {
                "verified"
            } else {
                "unverified"
            },
            method: identity.method.clone(),
            verified_at: identity.verified_at,
        }
    }
}

/// A verified resident's details: what Pull URI matching, the partner
/// API's token fields and the profile use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDetails {
    pub name: String,
    /// `YYYY-MM-DD`.
    pub dob: String,
    /// `M`, `F` or `T`, when the verification gave one.
    pub gender: Option<String>,
}

/// The resident's verified details; `None` while unverified.
pub fn verified_details(app: &App, resident_id: i64) -> Result<Option<VerifiedDetails>, Error> {
    let resident = residents::by_id(&app.db, resident_id)?
        .ok_or_else(|| Error::Unauthorized("the locker no longer exists".into()))?;
    Ok(resident.identity.is_verified().then_some(VerifiedDetails {
        name: resident.name,
        dob: resident.dob,
        gender: resident.gender,
    }))
}

/// The guard of everything that needs a verified identity: 403
/// `identity_unverified` until the resident is verified.
pub fn require_verified(app: &App, resident_id: i64) -> Result<(), Error> {
    match verified_details(app, resident_id)? {
        Some(_) => Ok(()),
        None => Err(Error::IdentityUnverified(
            "your identity is not verified yet: verify it with an Aadhaar OTP or at a counter to see and share \
             the documents issued to your Aadhaar number"
                .into(),
        )),
    }
}

/// What a closed account's sign-in answers (409 `aadhaar_claimed`).
pub fn claimed_error() -> Error {
    Error::AadhaarClaimed(
        "another account proved that this Aadhaar number is theirs, so this account was closed. If the number \
         is yours, verify in person at a counter with your Aadhaar card"
            .into(),
    )
}

/// Details an in-person verification gives; `None` keeps what the
/// resident typed.
#[derive(Debug, Default, Clone, Copy)]
pub struct GivenDetails<'a> {
    pub name: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub dob: Option<&'a str>,
    /// `M`, `F` or `T`.
    pub gender: Option<&'a str>,
}

/// An in-person verification: which account, and who vouches.
pub struct InPerson<'a> {
    pub aadhaar: &'a str,
    /// Picks the account when several claim the number.
    pub mobile: Option<&'a str>,
    /// `operator` (CLI) or `counter` (issuer portal).
    pub method: &'static str,
    pub by: &'a str,
    pub details: GivenDetails<'a>,
}

/// Verifies, in person, the account that claims `aadhaar` (the one with
/// `mobile` when several do). Returns the account and its identity.
pub fn verify_in_person(app: &App, person: &InPerson<'_>, client: &Client) -> Result<(i64, IdentityView), Error> {
    let by = check_by(person.by)?;
    let aadhaar = accounts::parse_aadhaar(person.aadhaar)?;
    let claimants = residents::claimants(&app.db, &app.keys.aadhaar_hmac(aadhaar.digits()), u32::MAX)?;
    let open: Vec<_> = claimants.into_iter().filter(|r| r.closed_at.is_none()).collect();
    let resident = match person.mobile.map(str::trim) {
        Some(mobile) => open.into_iter().find(|r| r.mobile == mobile).ok_or_else(|| {
            Error::NotFound(format!(
                "no open account with mobile number {mobile} claims this Aadhaar number"
            ))
        })?,
        None if open.len() > 1 => {
            return Err(Error::Invalid(format!(
                "{} accounts claim this Aadhaar number: say which with the mobile number the person signed up with",
                open.len()
            )));
        }
        None => open.into_iter().next().ok_or_else(|| {
            Error::NotFound("no open account claims this Aadhaar number; open one with `resident add`".into())
        })?,
    };
    let name = accounts::check_name(person.details.name.unwrap_or(&resident.name))?;
    let dob = accounts::parse_dob(person.details.dob.unwrap_or(&resident.dob))?;
    let gender = accounts::parse_gender(person.details.gender.or(resident.gender.as_deref()))?;
    let verification = Verification {
        method: person.method,
        ..operator_verification(name, &dob, gender, by, dates::unix_now())
    };
    let detail = format!("identity verified in person ({}) by {by}", person.method);
    let identity = verify(app, resident.id, &verification, &detail, client)?;
    Ok((resident.id, identity))
}

/// Records a verification of resident `id` with its log entries (see
/// [`residents::verify`]), and says why when it cannot be.
pub fn verify(
    app: &App,
    id: i64,
    verification: &Verification<'_>,
    detail: &str,
    client: &Client,
) -> Result<IdentityView, Error> {
    let client = client.trimmed();
    let log = verify_log(Kind::IdentityVerified, detail, &client);
    let outcome = residents::verify(&app.db, id, verification, &log).map_err(|e| match e {
        DbError::Conflict(what) if what == "aadhaar_claimed" => claimed_error(),
        DbError::Conflict(what) if what == "txn_used" => {
            Error::Invalid("this OTP was already used; ask for a new one".into())
        }
        DbError::NotFound => Error::NotFound("there is no such account".into()),
        other => other.into(),
    })?;
    tracing::info!(
        resident_id = id,
        method = verification.method,
        closed = outcome.closed.len(),
        "verified a resident's identity"
    );
    Ok(IdentityView {
        state: "verified",
        method: Some(verification.method.to_owned()),
        verified_at: Some(verification.now),
    })
}

/// An operator's verification of the given details.
pub fn operator_verification<'a>(
    name: &'a str,
    dob: &'a str,
    gender: Option<&'a str>,
    by: &'a str,
    now: UnixTime,
) -> Verification<'a> {
    Verification {
        name,
        dob,
        gender,
        method: "operator",
        by,
        kyc_txn: None,
        now,
    }
}

/// The log entries of a verification: `kind` with `detail` for the
/// verified resident, and a plain reason for each account it closes.
pub fn verify_log<'a>(kind: Kind, detail: &'a str, client: &'a Client) -> VerifyLog<'a> {
    VerifyLog {
        verified: (kind.as_str(), detail),
        closed: (
            Kind::AccountClosed.as_str(),
            "another account proved this Aadhaar number is theirs; this account is closed",
        ),
        ip: &client.ip,
        user_agent: &client.user_agent,
    }
}

/// Who vouches for a verification: 1 to 100 characters.
pub fn check_by(by: &str) -> Result<&str, Error> {
    let by = by.trim();
    if by.is_empty() || by.chars().count() > 100 {
        return Err(Error::Invalid("say who verified (--by): 1 to 100 characters".into()));
    }
    Ok(by)
}
