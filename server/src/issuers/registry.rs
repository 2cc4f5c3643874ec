//! Issuer administration: registration, Push API keys and their rotation,
//! doc types, and portal users.

use openlocker_db::issuers::{self, DocType, NewIssuer};
use serde::Serialize;

use crate::app::App;
use crate::locker::pull_match::MatchFields;
use crate::platform::crypto::{self, Purpose};
use crate::platform::dates;
use crate::platform::error::Error;
use crate::platform::ids::{DocTypeCode, IssuerId};
use crate::platform::passwords;

/// Characters of generated API keys and orgIds.
const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The Push API credentials, shown once.
#[derive(Debug, Serialize)]
pub struct Credentials {
    pub issuer_id: String,
    pub org_id: String,
    pub api_key: String,
}

/// How the locker reaches the issuer's repository (used by later features).
#[derive(Debug, Default, serde::Deserialize)]
pub struct PullSettings {
    pub uri_url: Option<String>,
    pub doc_url: Option<String>,
    pub org_id: Option<String>,
    pub api_key: Option<String>,
    /// How requests carry `x-digilocker-hmac`: `raw` (the default), `hex`
    /// or `none`. Only `issuer add` sets it.
    #[serde(skip)]
    pub hmac: Option<String>,
}

/// The `--pull-hmac` encodings.
const HMAC_ENCODINGS: &[&str] = &["raw", "hex", "none"];

fn new_api_key() -> String {
    crypto::random_string(KEY_ALPHABET, 40)
}

/// Registers an issuer and makes its Push API credentials.
pub fn add(app: &App, id: &str, name: &str, pull: &PullSettings) -> Result<Credentials, Error> {
    let id = IssuerId::parse(id)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid("the issuer needs a name".into()));
    }
    // The operator's URLs are trusted (loopback included): only the scheme is checked.
    for url in [&pull.uri_url, &pull.doc_url].into_iter().flatten() {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::Invalid(format!("{url} is not an http(s) URL")));
        }
    }
    let pull_hmac = pull.hmac.as_deref().unwrap_or("raw");
    if !HMAC_ENCODINGS.contains(&pull_hmac) {
        return Err(Error::Invalid(format!(
            "--pull-hmac {pull_hmac:?}: use raw, hex or none"
        )));
    }
    let api_key = new_api_key();
    let org_id = format!("ORG{}", crypto::random_string(b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", 9));
    let key_enc = app.keys.seal(Purpose::ApiKey, api_key.as_bytes());
    let pull_key_enc = pull
        .api_key
        .as_ref()
        .map(|k| app.keys.seal(Purpose::ApiKey, k.as_bytes()));
    let new = NewIssuer {
        id: id.as_str(),
        name,
        org_id: &org_id,
        pull_uri_url: pull.uri_url.as_deref(),
        pull_doc_url: pull.doc_url.as_deref(),
        pull_org_id: pull.org_id.as_deref(),
        pull_api_key_enc: pull_key_enc.as_deref(),
        pull_hmac,
        key_enc: &key_enc,
        now: dates::unix_now(),
    };
    issuers::insert(&app.db, &new)?;
    tracing::info!(issuer_id = %id, org_id, "registered issuer");
    Ok(Credentials {
        issuer_id: id.to_string(),
        org_id,
        api_key,
    })
}

fn existing(app: &App, id: &str) -> Result<issuers::Issuer, Error> {
    issuers::get(&app.db, id)?.ok_or_else(|| Error::NotFound(format!("no issuer {id}")))
}

/// Sets where and how the locker calls the issuer's repository (Pull URI and
/// Pull Doc), from the issuer portal: URLs on internal addresses are
/// refused (and checked again at each call). An absent API key keeps the
/// one stored.
pub fn set_pull(app: &App, issuer_id: &str, pull: &PullSettings) -> Result<(), Error> {
    let clean = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let (uri_url, doc_url, org_id) = (clean(&pull.uri_url), clean(&pull.doc_url), clean(&pull.org_id));
    for url in [&uri_url, &doc_url].into_iter().flatten() {
        crate::platform::address_policy::check_public_url(url).map_err(Error::Invalid)?;
    }
    let key_enc = clean(&pull.api_key).map(|k| app.keys.seal(Purpose::ApiKey, k.as_bytes()));
    issuers::set_pull(
        &app.db,
        issuer_id,
        uri_url.as_deref(),
        doc_url.as_deref(),
        org_id.as_deref(),
        key_enc.as_deref(),
    )
    .map_err(|e| not_found_as(e, format!("no issuer {issuer_id}")))?;
    tracing::info!(issuer_id, "updated the repository (Pull API) settings");
    Ok(())
}

/// Makes a new Push API key. The old one keeps working for the configured
/// grace period, so a department can roll the new key out without downtime.
pub fn rotate_key(app: &App, issuer_id: &str) -> Result<RotatedKey, Error> {
    let issuer = existing(app, issuer_id)?;
    let api_key = new_api_key();
    let now = dates::unix_now();
    let grace_ends = now + app.settings.key_grace_hours as i64 * 3600;
    let sealed = app.keys.seal(Purpose::ApiKey, api_key.as_bytes());
    issuers::rotate_key(&app.db, &issuer.id, &sealed, now, grace_ends)?;
    tracing::info!(issuer_id = issuer.id, "rotated Push API key");
    Ok(RotatedKey {
        org_id: issuer.org_id,
        api_key,
        old_key_valid_until: grace_ends,
    })
}

/// A new key, and until when the previous one still works.
#[derive(Debug, Serialize)]
pub struct RotatedKey {
    pub org_id: String,
    pub api_key: String,
    /// Unix seconds.
    pub old_key_valid_until: i64,
}

/// A doc type as an admin or the issuer portal describes it.
#[derive(Default)]
pub struct DocTypeInput<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// Pull URI search fields, in order.
    pub udfs: &'a [String],
    /// Documents wait for a person's approval (Pull URI Status 9).
    pub verify_by_hand: bool,
    /// A resident's Pull URI search carries their Aadhaar number (UID, as
    /// its MD5).
    pub pull_sends_uid: bool,
    /// It carries their name (`FullName`).
    pub pull_sends_name: bool,
    /// It carries their date of birth (`DOB`).
    pub pull_sends_dob: bool,
    /// `--match`: a comma list of name, dob, gender, mobile, or `none`;
    /// `name` when absent.
    pub pull_match: Option<&'a str>,
}

/// Checks a doc type's name and search fields.
fn doc_type(issuer_id: &str, input: &DocTypeInput<'_>) -> Result<DocType, Error> {
    let code = DocTypeCode::parse(input.code)?;
    let name = input.name.trim();
    if name.is_empty() {
        return Err(Error::Invalid("the doc type needs a name".into()));
    }
    let mut fields = Vec::new();
    for udf in input.udfs {
        let udf = udf.trim();
        let ok = !udf.is_empty()
            && udf.len() <= 40
            && udf.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && udf.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
        if !ok {
            return Err(Error::Invalid(format!(
                "search field {udf:?} must be an XML name: a letter, then letters, digits or _"
            )));
        }
        if fields.iter().any(|f: &String| f.eq_ignore_ascii_case(udf)) {
            return Err(Error::Invalid(format!("search field {udf} is listed twice")));
        }
        fields.push(udf.to_owned());
    }
    let pull_match = MatchFields::parse(input.pull_match.unwrap_or("name"))?;
    if pull_match.is_none() && !input.pull_sends_uid {
        return Err(Error::Invalid(
            "--match none is allowed only with --sends-uid: without the UID nothing ties the answer to the resident"
                .into(),
        ));
    }
    Ok(DocType {
        issuer_id: issuer_id.to_owned(),
        code: code.to_string(),
        name: name.to_owned(),
        udfs: fields,
        verify_by_hand: input.verify_by_hand,
        pull_sends_uid: input.pull_sends_uid,
        pull_sends_name: input.pull_sends_name,
        pull_sends_dob: input.pull_sends_dob,
        pull_match: pull_match.canonical(),
    })
}

/// Adds a doc type to an issuer.
pub fn add_doc_type(app: &App, issuer_id: &str, input: &DocTypeInput<'_>) -> Result<DocType, Error> {
    let issuer = existing(app, issuer_id)?;
    let doc_type = doc_type(&issuer.id, input)?;
    issuers::insert_doc_type(&app.db, &doc_type, dates::unix_now())?;
    Ok(doc_type)
}

/// Renames a doc type and replaces its search fields and options.
pub fn update_doc_type(app: &App, issuer_id: &str, input: &DocTypeInput<'_>) -> Result<DocType, Error> {
    let doc_type = doc_type(issuer_id, input)?;
    issuers::update_doc_type(&app.db, &doc_type)
        .map_err(|e| not_found_as(e, format!("no doc type {} for issuer {issuer_id}", input.code)))?;
    Ok(doc_type)
}

/// Removes a doc type. Rows already imported keep their URIs; new rows of
/// that type are refused.
pub fn delete_doc_type(app: &App, issuer_id: &str, code: &str) -> Result<(), Error> {
    issuers::delete_doc_type(&app.db, issuer_id, code)
        .map_err(|e| not_found_as(e, format!("no doc type {code} for issuer {issuer_id}")))
}

/// An issuer's doc types.
pub fn doc_types(app: &App, issuer_id: &str) -> Result<Vec<DocType>, Error> {
    Ok(issuers::doc_types(&app.db, issuer_id)?)
}

/// Adds a person who may sign in to the issuer portal.
pub fn add_user(app: &App, issuer_id: &str, username: &str, password: &str) -> Result<i64, Error> {
    let issuer = existing(app, issuer_id)?;
    let username = username.trim();
    if username.is_empty() || username.len() > 100 || username.chars().any(char::is_whitespace) {
        return Err(Error::Invalid(
            "a username is 1 to 100 characters without spaces".into(),
        ));
    }
    let hash = passwords::hash(password)?;
    Ok(issuers::insert_user(
        &app.db,
        &issuer.id,
        username,
        &hash,
        dates::unix_now(),
    )?)
}

fn not_found_as(err: openlocker_db::DbError, message: String) -> Error {
    match err {
        openlocker_db::DbError::NotFound => Error::NotFound(message),
        other => other.into(),
    }
}
