//! Residents: opening a locker, and what a signed-in resident sees.

use openlocker_db::{docs, residents};
use serde::Serialize;

use crate::app::App;
use crate::locker::activity;
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
    pub mobile: &'a str,
    pub password: &'a str,
    /// `M`, `F` or `T`, when given.
    pub gender: Option<&'a str>,
}

/// Opens a locker. Documents already pushed for this Aadhaar number (held in
/// the unopened-locker state) show in Issued Documents from now on.
pub fn add(app: &App, new: &NewResident<'_>) -> Result<i64, Error> {
    let invalid = |field, message: String| Error::InvalidField { field, message };
    let aadhaar = Aadhaar::parse(new.aadhaar).map_err(|e| invalid("aadhaar", e.to_string()))?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid("name", "the name must be 1 to 200 characters".into()));
    }
    let dob = time::Date::parse(
        new.dob.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| {
        invalid(
            "dob",
            format!("date of birth {:?} is not a real YYYY-MM-DD date", new.dob),
        )
    })?;
    if dob > time::OffsetDateTime::now_utc().date() {
        return Err(invalid("dob", "the date of birth is in the future".into()));
    }
    let mobile = new.mobile.trim();
    if mobile.len() != 10 || !mobile.bytes().all(|b| b.is_ascii_digit()) || mobile.starts_with('0') {
        return Err(invalid(
            "mobile",
            "a mobile number has 10 digits and does not start with 0".into(),
        ));
    }
    let gender = new.gender.map(str::trim).filter(|g| !g.is_empty());
    if let Some(g) = gender
        && !matches!(g, "M" | "F" | "T")
    {
        return Err(invalid("gender", format!("gender {g:?} is not M, F or T")));
    }
    let password_hash = passwords::hash(new.password).map_err(|e| match e {
        Error::Invalid(message) => invalid("password", message),
        other => other,
    })?;
    let hmac = app.keys.aadhaar_hmac(aadhaar.digits());
    let sealed = app.keys.seal(Purpose::Aadhaar, aadhaar.digits().as_bytes());
    let id = residents::insert(
        &*app.db.conn()?,
        &residents::NewResident {
            aadhaar_hmac: &hmac,
            aadhaar_enc: &sealed,
            name,
            dob: &dates::iso_date(dob),
            mobile,
            password_hash: &password_hash,
            gender,
            now: dates::unix_now(),
        },
    )?;
    tracing::info!(resident_id = id, aadhaar = %aadhaar, "opened a locker");
    Ok(id)
}

/// The resident a sign-in name (Aadhaar or mobile number, spaces
/// ignored) belongs to, if any.
pub fn find(app: &App, username: &str) -> Result<Option<residents::Resident>, Error> {
    let username = normalize_username(username);
    let conn = app.db.conn()?;
    let found = if username.len() == 12 {
        match Aadhaar::parse(&username) {
            Ok(a) => residents::by_aadhaar_hmac(&conn, &app.keys.aadhaar_hmac(a.digits()))?,
            Err(_) => None,
        }
    } else {
        residents::by_mobile(&conn, &username)?
    };
    Ok(found)
}

/// A sign-in name without its spaces.
pub fn normalize_username(username: &str) -> String {
    username.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `password` is the resident's. With no resident it spends the
/// same time and says no, so timing does not tell whether a name exists.
/// `Err` when the server is too busy to check.
pub fn password_matches(resident: Option<&residents::Resident>, password: &str) -> Result<bool, Error> {
    match resident {
        Some(resident) => passwords::verify(password, &resident.password_hash),
        None => passwords::verify_dummy(password).map(|()| false),
    }
}

/// The one answer to a failed sign-in, whatever was wrong.
pub fn bad_credentials() -> Error {
    Error::Unauthorized("the Aadhaar or mobile number and password do not match".into())
}

/// One of the resident's issued documents by URI.
fn issued_doc(app: &App, resident_id: i64, uri: &str) -> Result<docs::IssuedDoc, Error> {
    docs::for_resident_by_uri(&*app.db.conn()?, resident_id, uri)?
        .ok_or_else(|| Error::NotFound(format!("there is no document {uri} in your locker")))
}

/// The certificate XML of one of the resident's issued documents.
pub fn issued_xml(app: &App, resident_id: i64, uri: &str) -> Result<(String, Vec<u8>), Error> {
    let doc = issued_doc(app, resident_id, uri)?;
    let xml = crate::locker::issued_files::certificate_xml(app, resident_id, &doc)?;
    Ok((doc.uri, xml))
}

/// The resident as they see themselves.
#[derive(Debug, Serialize)]
pub struct Profile {
    pub resident_id: i64,
    pub name: String,
    /// `XXXX XXXX 1234`.
    pub aadhaar: String,
    pub mobile: String,
    /// The 36-character id every issuer is sent as `DigiLockerId`.
    pub digilocker_id: String,
}

/// The signed-in resident's profile.
pub fn profile(app: &App, resident_id: i64) -> Result<Profile, Error> {
    let resident = residents::by_id(&*app.db.conn()?, resident_id)?
        .ok_or_else(|| Error::Unauthorized("the locker no longer exists".into()))?;
    let digits = app.keys.open(Purpose::Aadhaar, &resident.aadhaar_enc)?;
    Ok(Profile {
        resident_id: resident.id,
        name: resident.name,
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

/// The signed-in resident's issued documents, and theirs only.
pub fn issued(app: &App, resident_id: i64) -> Result<Vec<IssuedDoc>, Error> {
    let today = dates::iso_date(time::OffsetDateTime::now_utc().date());
    let docs = docs::for_resident(&*app.db.conn()?, resident_id)?;
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
    let doc = issued_doc(app, resident_id, uri)?;
    let fetched = crate::locker::issued_files::content(app, resident_id, &doc)?;
    tracing::info!(
        resident_id,
        uri = doc.uri,
        bytes = fetched.bytes.len(),
        "served an issued document"
    );
    activity::record(app, resident_id, activity::Kind::Opened, &doc.uri, client)?;
    Ok((doc.uri, fetched))
}
