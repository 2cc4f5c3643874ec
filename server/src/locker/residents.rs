//! Residents: opening a locker, and what a signed-in resident sees.
//! Identity checks (who may see the documents of a number): [`crate::locker::identity`].

use openlocker_db::{docs, residents};
use serde::Serialize;

use crate::app::App;
use crate::locker::activity::{self, Kind};
use crate::platform::aadhaar::Aadhaar;
use crate::platform::crypto::Purpose;
use crate::platform::dates;
use crate::platform::error::Error;
use crate::platform::passwords;

/// What opening a locker needs.
pub struct NewResident<'a> {
    pub aadhaar: &'a str,
    pub name: &'a str,
    /// `YYYY-MM-DD`.
    pub dob: &'a str,
    /// `M`, `F` or `T`, when given.
    pub gender: Option<&'a str>,
    pub mobile: &'a str,
    pub password: &'a str,
}

/// Who opens a locker.
#[derive(Debug, Clone, Copy)]
pub enum Opening<'a> {
    /// Web sign-up: an unverified claim of the Aadhaar number.
    SignUp,
    /// An operator's act (`resident add`): verified in person by `by`.
    Operator { by: &'a str },
}

/// Most accounts a sign-in by Aadhaar number tries the password against:
/// the verified one and the newest claims (older unverified claims of a
/// much-claimed number sign in by mobile number).
const MAX_CLAIMANTS: u32 = 5;

/// Opens a locker. Web sign-ups are unverified claims: they see no issued
/// documents and reserve nothing, and a number a verified resident owns is
/// refused (409). An operator's locker is verified at once, which closes
/// the other claims of the number; documents already pushed for it show
/// from then on.
pub fn add(app: &App, new: &NewResident<'_>, opening: Opening<'_>, client: &activity::Client) -> Result<i64, Error> {
    let aadhaar = parse_aadhaar(new.aadhaar)?;
    let name = check_name(new.name)?;
    let dob = parse_dob(new.dob)?;
    let gender = parse_gender(new.gender)?;
    let mobile = check_mobile(new.mobile)?;
    let password_hash = passwords::hash(new.password).map_err(|e| match e {
        Error::Invalid(message) => invalid("password", message),
        other => other,
    })?;
    let hmac = app.keys.aadhaar_hmac(aadhaar.digits());
    let sealed = app.keys.seal(Purpose::Aadhaar, aadhaar.digits().as_bytes());
    let now = dates::unix_now();
    let row = residents::NewResident {
        aadhaar_hmac: &hmac,
        aadhaar_enc: &sealed,
        name,
        dob: &dob,
        gender,
        mobile,
        password_hash: &password_hash,
        now,
    };
    let (id, outcome) = match opening {
        Opening::SignUp => residents::insert(&app.db, &row, None)?,
        Opening::Operator { by } => {
            let by = crate::locker::identity::check_by(by)?;
            let verification = crate::locker::identity::operator_verification(name, &dob, gender, by, now);
            let detail = format!("opened by the operator; identity verified in person by {by}");
            let client = client.trimmed();
            let log = crate::locker::identity::verify_log(Kind::SignedUp, &detail, &client);
            residents::insert(&app.db, &row, Some((&verification, &log)))?
        }
    };
    tracing::info!(resident_id = id, aadhaar = %aadhaar, closed = outcome.closed.len(), "opened a locker");
    Ok(id)
}

fn invalid(field: &'static str, message: String) -> Error {
    Error::InvalidField { field, message }
}

/// An Aadhaar number from a form.
pub fn parse_aadhaar(input: &str) -> Result<Aadhaar, Error> {
    Aadhaar::parse(input).map_err(|e| invalid("aadhaar", e.to_string()))
}

/// A name from a form: trimmed, 1 to 200 characters.
pub fn check_name(name: &str) -> Result<&str, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid("name", "the name must be 1 to 200 characters".into()));
    }
    Ok(name)
}

/// A date of birth, `YYYY-MM-DD`, not in the future.
pub fn parse_dob(input: &str) -> Result<String, Error> {
    let dob = time::Date::parse(input.trim(), time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| invalid("dob", format!("date of birth {input:?} is not a real YYYY-MM-DD date")))?;
    if dob > time::OffsetDateTime::now_utc().date() {
        return Err(invalid("dob", "the date of birth is in the future".into()));
    }
    Ok(dates::iso_date(dob))
}

/// A gender as Aadhaar records it: `M`, `F` or `T` (any case).
pub fn parse_gender(input: Option<&str>) -> Result<Option<&'static str>, Error> {
    match input.map(|g| g.trim().to_ascii_uppercase()).as_deref() {
        None | Some("") => Ok(None),
        Some("M") => Ok(Some("M")),
        Some("F") => Ok(Some("F")),
        Some("T") => Ok(Some("T")),
        Some(other) => Err(invalid("gender", format!("gender {other:?} is not M, F or T"))),
    }
}

fn check_mobile(mobile: &str) -> Result<&str, Error> {
    let mobile = mobile.trim();
    if mobile.len() != 10 || !mobile.bytes().all(|b| b.is_ascii_digit()) || mobile.starts_with('0') {
        return Err(invalid(
            "mobile",
            "a mobile number has 10 digits and does not start with 0".into(),
        ));
    }
    Ok(mobile)
}

/// The accounts a sign-in name (Aadhaar or mobile number, spaces ignored)
/// may belong to: the one with that mobile number, or the accounts that
/// claim that Aadhaar number, the verified one first.
pub fn candidates(app: &App, username: &str) -> Result<Vec<residents::Resident>, Error> {
    let username = normalize_username(username);
    if username.len() == 12 {
        return match Aadhaar::parse(&username) {
            Ok(a) => Ok(residents::claimants(
                &app.db,
                &app.keys.aadhaar_hmac(a.digits()),
                MAX_CLAIMANTS,
            )?),
            Err(_) => Ok(Vec::new()),
        };
    }
    Ok(residents::by_mobile(&app.db, &username)?.into_iter().collect())
}

/// A sign-in name without its spaces.
pub fn normalize_username(username: &str) -> String {
    username.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The candidate whose password `password` is. With no candidate it
/// spends the same time and says no, so timing does not tell whether a
/// name exists. `Err` when the server is too busy to check.
pub fn password_match(
    candidates: Vec<residents::Resident>,
    password: &str,
) -> Result<Option<residents::Resident>, Error> {
    if candidates.is_empty() {
        passwords::verify_dummy(password)?;
        return Ok(None);
    }
    for resident in candidates {
        if passwords::verify(password, &resident.password_hash)? {
            return Ok(Some(resident));
        }
    }
    Ok(None)
}

/// The one answer to a failed sign-in, whatever was wrong.
pub fn bad_credentials() -> Error {
    Error::Unauthorized("the Aadhaar or mobile number and password do not match".into())
}

/// One of the resident's issued documents by URI.
pub fn issued_doc(app: &App, resident_id: i64, uri: &str) -> Result<docs::IssuedDoc, Error> {
    docs::for_resident_by_uri(&app.db, resident_id, uri)?
        .ok_or_else(|| Error::NotFound(format!("there is no document {uri} in your locker")))
}

/// The certificate XML of one of the resident's issued documents.
pub fn issued_xml(app: &App, resident_id: i64, uri: &str) -> Result<(String, Vec<u8>), Error> {
    let doc = issued_doc(app, resident_id, uri)?;
    let xml = crate::locker::issued_files::certificate_xml(app, resident_id, &doc)?;
    Ok((doc.uri, xml))
}

/// The resident as they see themselves. Once verified, `name`, `dob` and
/// `gender` are the verified ones.
#[derive(Debug, Serialize)]
pub struct Profile {
    pub resident_id: i64,
    pub name: String,
    /// `YYYY-MM-DD`.
    pub dob: String,
    /// `M`, `F` or `T`, when known.
    pub gender: Option<String>,
    /// `XXXX XXXX 1234`.
    pub aadhaar: String,
    pub mobile: String,
    /// The 36-character id every issuer is sent as `DigiLockerId`.
    pub digilocker_id: String,
    pub identity: crate::locker::identity::IdentityView,
}

/// The signed-in resident's profile.
pub fn profile(app: &App, resident_id: i64) -> Result<Profile, Error> {
    let resident = residents::by_id(&app.db, resident_id)?
        .ok_or_else(|| Error::Unauthorized("the locker no longer exists".into()))?;
    let digits = app.keys.open(Purpose::Aadhaar, &resident.aadhaar_enc)?;
    Ok(Profile {
        resident_id: resident.id,
        identity: crate::locker::identity::IdentityView::of(&resident.identity),
        name: resident.name,
        dob: resident.dob,
        gender: resident.gender,
        aadhaar: crate::platform::aadhaar::mask(&String::from_utf8_lossy(&digits)),
        mobile: resident.mobile,
        digilocker_id: resident.digilocker_id,
    })
}

/// One entry of Issued Documents.
#[derive(Debug, Serialize)]
pub struct IssuedDoc {
    #[serde(flatten)]
    pub doc: docs::IssuedDoc,
    /// `valid`, `expired` or `not_yet_valid`.
    pub validity: &'static str,
}

/// The signed-in resident's issued documents, and theirs only: none until
/// their identity is verified (the rows wait as in the unopened-locker
/// state; the query joins verified residents only).
pub fn issued(app: &App, resident_id: i64) -> Result<Vec<IssuedDoc>, Error> {
    let today = dates::iso_date(time::OffsetDateTime::now_utc().date());
    let docs = docs::for_resident(&app.db, resident_id)?;
    Ok(docs
        .into_iter()
        .map(|doc| {
            let validity = match (&doc.valid_from, &doc.valid_to) {
                (Some(from), _) if *from > today => "not_yet_valid",
                (_, Some(to)) if *to < today => "expired",
                _ => "valid",
            };
            IssuedDoc { doc, validity }
        })
        .collect())
}

/// One of the resident's issued documents: from its kept copy, or fetched
/// from its issuer ([`crate::locker::issued_files`]). A URI that is not in this
/// resident's locker is "not found", so no resident can fetch another's
/// document.
pub fn issued_file(
    app: &App,
    resident_id: i64,
    uri: &str,
    client: &activity::Client,
) -> Result<(String, crate::locker::issuer_client::Fetched), Error> {
    crate::locker::identity::require_verified(app, resident_id)?;
    let doc = issued_doc(app, resident_id, uri)?;
    let fetched = crate::locker::issued_files::content(app, resident_id, &doc)?.file;
    tracing::info!(
        resident_id,
        uri = doc.uri,
        bytes = fetched.bytes.len(),
        "served an issued document"
    );
    activity::record(app, resident_id, activity::Kind::Opened, &doc.uri, client)?;
    Ok((doc.uri, fetched))
}
