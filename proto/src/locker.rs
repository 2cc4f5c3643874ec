//! The resident API's JSON: signing up and in, the profile, Issued
//! Documents, the Pull URI search and the activity log. Times are Unix
//! seconds; dates are `YYYY-MM-DD`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `POST /api/signup`. No `Debug`: it holds a password and an Aadhaar number.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUp {
    /// 12 digits (the server checks them again).
    pub aadhaar: String,
    pub name: String,
    /// `YYYY-MM-DD`.
    pub dob: String,
    pub mobile: String,
    pub password: String,
}

/// `POST /api/login`. No `Debug`: it holds a password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    /// The Aadhaar number or the mobile number.
    pub username: String,
    pub password: String,
}

/// `GET /api/me`: the signed-in resident, and the session's CSRF token (a
/// reloaded page has lost the one sign-in gave).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub resident_id: i64,
    /// Once verified, the verified name (residents cannot edit it).
    pub name: String,
    /// `YYYY-MM-DD`.
    pub dob: String,
    /// `M`, `F` or `T`, when known.
    pub gender: Option<String>,
    /// Masked by the server: `XXXX XXXX 1234`.
    pub aadhaar: String,
    pub mobile: String,
    /// The 36-character id every issuer is sent as `DigiLockerId`.
    pub digilocker_id: String,
    pub identity: Identity,
    pub csrf_token: String,
}

/// Whether, how and when the resident's identity was verified.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `verified` or `unverified`.
    pub state: String,
    /// `operator`, `counter` or `ekyc`; `None` while unverified.
    pub method: Option<String>,
    /// Unix seconds; `None` while unverified.
    pub verified_at: Option<i64>,
}

impl Identity {
    /// Whether the locker vouches for the resident's identity.
    pub fn is_verified(&self) -> bool {
        self.state == "verified"
    }
}

/// `POST /api/identity/otp`: the provider sent an OTP.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpSent {
    pub txn: String,
    /// The mobile number the OTP went to, masked.
    pub masked_mobile: String,
}

/// Where an issued document came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocSource {
    /// Sent by its issuer (Push API or import).
    Push,
    /// Found by the resident through a Pull URI search.
    Pull,
}

/// Whether an issued document is in force today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    Expired,
    NotYetValid,
}

impl Validity {
    /// The JSON name (`valid`, `expired`, `not_yet_valid`).
    pub fn as_str(self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::Expired => "expired",
            Validity::NotYetValid => "not_yet_valid",
        }
    }
}

/// What the locker found of an issued document's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureState {
    /// Not fetched from its issuer yet.
    Unchecked,
    /// Signed by a certificate trusted for its issuer, and the file matches.
    Valid,
    /// The signature, the certificate or the file failed (`signature_detail` says how).
    Invalid,
    /// The issuer sent no signed certificate XML.
    Unsigned,
}

/// One entry of `GET /api/issued`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedDoc {
    pub uri: String,
    pub issuer_id: String,
    /// `None` when the issuer is no longer registered.
    pub issuer_name: Option<String>,
    pub doc_type: String,
    pub doc_type_name: Option<String>,
    pub doc_name: String,
    pub doc_id: String,
    pub issued_on: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    /// The issuer's time-stamp of the record, as it sent it.
    pub time_stamp: String,
    pub source: DocSource,
    pub validity: Validity,
    pub signature: SignatureState,
    /// Why the signature is `invalid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_detail: Option<String>,
    /// Who signed it (from the trusted certificate), when `valid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
}

impl IssuedDoc {
    /// The doc type's name, or its code when the type has no name.
    pub fn type_name(&self) -> &str {
        self.doc_type_name.as_deref().unwrap_or(&self.doc_type)
    }

    /// The issuer's name, or its id when it has none any more.
    pub fn issuer(&self) -> &str {
        self.issuer_name.as_deref().unwrap_or(&self.issuer_id)
    }
}

/// One entry of `GET /api/issuers`: an issuer a resident can search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchableIssuer {
    pub issuer_id: String,
    pub name: String,
    pub doc_types: Vec<SearchableDocType>,
}

/// A doc type that can be searched, with its search fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchableDocType {
    pub code: String,
    pub name: String,
    /// The search fields to fill in, in order.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Whether the search also sends the resident's Aadhaar number.
    #[serde(default)]
    pub sends_uid: bool,
}

/// `POST /api/pull`: a Pull URI search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    pub issuer_id: String,
    pub doc_type: String,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// The answer of `POST /api/pull` (an unavailable issuer is a 502 or 504).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PullOutcome {
    /// The document is in Issued Documents now (`new` is false when it was
    /// there already).
    Saved {
        uri: String,
        new: bool,
        message: String,
    },
    NoMatch {
        message: String,
    },
    /// The issuer will answer later.
    Pending {
        message: String,
    },
}

/// `GET /api/activity?before=ID&limit=N`: a page of the log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    /// Pass as `before` for the next (older) page; `None` on the last page.
    pub next_before: Option<i64>,
}

/// One entry of the activity log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    /// Aadhaar-like digit runs are masked before they are stored.
    pub detail: String,
    pub ip: String,
    pub user_agent: String,
}
