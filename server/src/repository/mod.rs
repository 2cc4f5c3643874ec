//! The dedicated-repository role: a department's e-documents, the lockers
//! (clients) allowed to pull them, and the Pull Doc API.

pub mod cache;
pub mod certificate;
pub mod manifest;
pub mod mint;
pub mod pull_doc;
pub mod pull_uri;
pub mod push;
pub mod signing;
pub mod store;

use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use openlocker_db::repo::{self as db, NewDoc, SealedOwner};
use openlocker_db::{DbError, issuers};
use serde::Serialize;

use crate::app::App;
use crate::platform::aadhaar::Aadhaar;
use crate::platform::crypto::{self, Purpose};
use crate::platform::dates;
use crate::platform::error::Error;
use crate::platform::ids::{DocTypeCode, IssuerId};

/// Where the repository keeps document files.
pub fn store_dir(app: &App) -> PathBuf {
    app.settings.data_dir.join("repo")
}

/// Credentials of a locker allowed to pull, shown once.
#[derive(Debug, Serialize)]
pub struct ClientCredentials {
    pub org_id: String,
    pub api_key: String,
}

const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The orgId and key a department already uses with DigiLocker, brought to
/// `repo client add` instead of new ones.
pub struct KnownCredentials {
    pub org_id: String,
    pub api_key: String,
}

/// Adds a locker that will call the Pull APIs: with the `known` orgId and
/// key, or with new ones.
pub fn add_client(app: &App, name: &str, known: Option<KnownCredentials>) -> Result<ClientCredentials, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid("the client needs a name".into()));
    }
    let (org_id, api_key) = match known {
        Some(known) => check_known(known)?,
        None => (
            format!("RC{}", crypto::random_string(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ", 10)),
            crypto::random_string(KEY_ALPHABET, 40),
        ),
    };
    let sealed = app.keys.seal(Purpose::ApiKey, api_key.as_bytes());
    db::insert_client(&app.db, &org_id, name, &sealed, dates::unix_now())?;
    tracing::info!(org_id, "added repository client");
    Ok(ClientCredentials { org_id, api_key })
}

/// Replaces a client's API key; the old one stops working at once.
pub fn rotate_client_key(app: &App, org_id: &str) -> Result<ClientCredentials, Error> {
    let api_key = crypto::random_string(KEY_ALPHABET, 40);
    let sealed = app.keys.seal(Purpose::ApiKey, api_key.as_bytes());
    db::set_client_key(&app.db, org_id, &sealed).map_err(|e| no_client(e, org_id))?;
    app.repo_cache.clients_changed()?;
    Ok(ClientCredentials {
        org_id: org_id.to_owned(),
        api_key,
    })
}

/// Disables (or enables again) a client.
pub fn set_client_disabled(app: &App, org_id: &str, disabled: bool) -> Result<(), Error> {
    db::set_client_disabled(&app.db, org_id, disabled).map_err(|e| no_client(e, org_id))?;
    app.repo_cache.clients_changed()?;
    Ok(())
}

/// An orgId of 1 to 100 visible characters and a key of at least 16.
fn check_known(known: KnownCredentials) -> Result<(String, String), Error> {
    let org_id = known.org_id.trim().to_owned();
    let api_key = known.api_key.trim().to_owned();
    if org_id.is_empty() || org_id.len() > 100 || !org_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::Invalid("--org-id must be 1 to 100 visible characters".into()));
    }
    if api_key.len() < 16 || api_key.len() > 200 || !api_key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::Invalid(
            "the API key file must hold one key of 16 to 200 visible characters".into(),
        ));
    }
    Ok((org_id, api_key))
}

/// The keyed HMAC of the MD5 of an Aadhaar number: the index of a search by
/// `UID`. The MD5 is a reversible form of the number, so only this is kept.
pub fn uid_hmac(app: &App, md5_hex: &str) -> Vec<u8> {
    app.keys
        .aadhaar_hmac(&format!("uid-md5:{}", md5_hex.to_ascii_lowercase()))
        .to_vec()
}

/// Fills the UID index of owners stored before it existed; how many.
pub fn index_owner_uids(app: &App) -> Result<usize, Error> {
    let missing = db::owners_without_uid(&app.db)?;
    let mut filled = Vec::with_capacity(missing.len());
    for (doc, aadhaar_hmac, sealed) in missing {
        let digits = app.keys.open(Purpose::Aadhaar, &sealed)?;
        filled.push((doc, aadhaar_hmac, uid_hmac(app, &hex::encode(Md5::digest(&digits)))));
    }
    db::set_owner_uids(&app.db, &filled)?;
    Ok(filled.len())
}

fn no_client(err: DbError, org_id: &str) -> Error {
    match err {
        DbError::NotFound => Error::NotFound(format!("no repository client {org_id}")),
        other => other.into(),
    }
}

/// What `add_doc` needs.
pub struct NewDocument<'a> {
    pub issuer_id: &'a str,
    pub doc_type: &'a str,
    pub file: &'a Path,
    pub owners: &'a [String],
    /// `FIELD=VALUE` search fields.
    pub udfs: &'a [String],
    pub doc_name: Option<&'a str>,
    /// `YYYY-MM-DD`; today when absent.
    pub issued_on: Option<&'a str>,
    pub valid_from: Option<&'a str>,
    pub valid_to: Option<&'a str>,
    pub owner_name: Option<&'a str>,
    pub owner_dob: Option<&'a str>,
    pub owner_gender: Option<&'a str>,
    /// 10 digits.
    pub owner_phone: Option<&'a str>,
}

/// Approves a document of a "verify by hand" doc type: Pull URI answers it
/// from now on, and the next push sends it.
pub fn approve(app: &App, uri: &str) -> Result<(), Error> {
    db::approve(&app.db, uri, dates::unix_now()).map_err(|e| match e {
        DbError::NotFound => Error::NotFound(format!("no document {uri}")),
        other => other.into(),
    })
}

/// Stores an e-document and mints its URI.
pub fn add_doc(app: &App, new: &NewDocument<'_>) -> Result<String, Error> {
    let issuer_id = IssuerId::parse(new.issuer_id)?;
    let code = DocTypeCode::parse(new.doc_type)?;
    let issuer = issuers::get(&app.db, issuer_id.as_str())?
        .ok_or_else(|| Error::NotFound(format!("no issuer {issuer_id}: register it with `issuer add`")))?;
    let doc_type = issuers::doc_types(&app.db, &issuer.id)?
        .into_iter()
        .find(|t| t.code.eq_ignore_ascii_case(code.as_str()))
        .ok_or_else(|| Error::NotFound(format!("issuer {} has no doc type {code}", issuer.id)))?;
    let content =
        std::fs::read(new.file).map_err(|e| Error::Invalid(format!("cannot read {}: {e}", new.file.display())))?;
    let content_type = content_type(&content)
        .ok_or_else(|| Error::Invalid(format!("{} is neither a PDF nor well-formed XML", new.file.display())))?;
    let owners = sealed_owners(app, new.owners)?;
    let owner_gender = new.owner_gender.map(v113_gender).transpose()?;
    let owner_phone = new.owner_phone.map(check_phone).transpose()?;
    let udfs = parse_udfs(new.udfs, &doc_type.udfs)?;
    let dates = DocDates::parse(new)?;
    let doc_name = new
        .doc_name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(&doc_type.name);
    let hash = store::put(&store_dir(app), &content, &app.keys.file_cipher())?;

    // A fresh random DocId until one is free: ids never repeat.
    for _ in 0..32 {
        let existing = db::count_docs(&app.db, &issuer.id, &doc_type.code)?;
        let len = mint::doc_id_len(&doc_type.code, existing).map_err(|e| Error::Conflict(e.to_string()))?;
        let doc_id = mint::draw(len);
        let uri = format!("{}-{}-{doc_id}", issuer.id, doc_type.code);
        let signed_at = crate::platform::dates::now_ts();
        let input = certificate::CertificateInput {
            uri: &uri,
            number: &doc_id,
            doc_type: &doc_type.code,
            name: doc_name,
            issued_on: &dates.issued_on,
            valid_from: dates.valid_from.as_deref(),
            valid_to: dates.valid_to.as_deref(),
            issuer_id: &issuer.id,
            issuer_name: &issuer.name,
            owner: certificate::Owner {
                name: new.owner_name.map(str::trim),
                dob: dates.owner_dob.as_deref(),
                gender: owner_gender,
                phone: owner_phone.as_deref(),
            },
            fields: &udfs,
            pdf_sha256: &hash,
            signed_at: &signed_at,
        };
        // Signed once, here; Pull URI and Pull Doc serve these bytes.
        let (certificate_sha256, signing_key) = certificate::sign_and_store(app, &input)?;
        let row = NewDoc {
            uri: &uri,
            issuer_id: &issuer.id,
            doc_type: &doc_type.code,
            doc_id: &doc_id,
            doc_name,
            content_sha256: &hash,
            content_type,
            size: content.len() as u64,
            issued_on: &dates.issued_on,
            valid_from: dates.valid_from.as_deref(),
            valid_to: dates.valid_to.as_deref(),
            owner_name: new.owner_name.map(str::trim),
            owner_dob: dates.owner_dob.as_deref(),
            owner_gender,
            owner_phone: owner_phone.as_deref(),
            certificate_sha256: Some(&certificate_sha256),
            owners: &owners,
            udfs: &udfs,
            signing_key: Some(signing_key),
            now: dates::unix_now(),
        };
        match db::insert_doc(&app.db, &row) {
            Ok(_) => {
                tracing::info!(uri, owners = owners.len(), "stored repository document");
                return Ok(uri);
            }
            Err(DbError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(Error::Internal("could not find a free DocId after 32 draws".into()))
}

/// `application/pdf` or `application/xml`, judged by content, not by name.
pub fn content_type(content: &[u8]) -> Option<&'static str> {
    if content.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    let text = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    if text.trim_ascii_start().starts_with(b"<") && crate::wire::reader::parse(text).is_ok() {
        return Some("application/xml");
    }
    None
}

fn sealed_owners(app: &App, owners: &[String]) -> Result<Vec<SealedOwner>, Error> {
    if owners.is_empty() {
        return Err(Error::Invalid(
            "a document needs at least one owner (--owner AADHAAR)".into(),
        ));
    }
    owners
        .iter()
        .map(|owner| {
            let aadhaar = Aadhaar::parse(owner).map_err(|e| Error::Invalid(format!("owner: {e}")))?;
            let md5 = hex::encode(Md5::digest(aadhaar.digits().as_bytes()));
            Ok(SealedOwner {
                aadhaar_hmac: app.keys.aadhaar_hmac(aadhaar.digits()).to_vec(),
                aadhaar_enc: app.keys.seal(Purpose::Aadhaar, aadhaar.digits().as_bytes()),
                uid_hmac: uid_hmac(app, &md5),
            })
        })
        .collect()
}

/// The v1.13 `gender` (`Male`, `Female`, `Other`) of an owner's gender
/// given as M, F, T or in words.
fn v113_gender(given: &str) -> Result<&'static str, Error> {
    match given.trim().to_ascii_lowercase().as_str() {
        "m" | "male" => Ok("Male"),
        "f" | "female" => Ok("Female"),
        "t" | "o" | "other" | "transgender" => Ok("Other"),
        other => Err(Error::Invalid(format!("owner gender {other:?} is not M, F or T"))),
    }
}

/// A 10-digit mobile number.
fn check_phone(given: &str) -> Result<String, Error> {
    let phone = given.trim();
    if phone.len() != 10 || !phone.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::Invalid(format!("owner phone {phone:?} is not 10 digits")));
    }
    Ok(phone.to_owned())
}

/// Parses `FIELD=VALUE` pairs; when the doc type lists its search fields,
/// only those are allowed.
fn parse_udfs(pairs: &[String], allowed: &[String]) -> Result<Vec<(String, String)>, Error> {
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in pairs {
        let (name, value) = pair
            .split_once('=')
            .map(|(n, v)| (n.trim(), v.trim()))
            .filter(|(n, v)| !n.is_empty() && !v.is_empty())
            .ok_or_else(|| Error::Invalid(format!("search field {pair:?} is not FIELD=VALUE")))?;
        let canonical = if allowed.is_empty() {
            name.to_owned()
        } else {
            allowed
                .iter()
                .find(|a| a.eq_ignore_ascii_case(name))
                .cloned()
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "{name} is not a search field of this doc type ({})",
                        allowed.join(", ")
                    ))
                })?
        };
        if out.iter().any(|(n, _)| n.eq_ignore_ascii_case(&canonical)) {
            return Err(Error::Invalid(format!("search field {name} is given twice")));
        }
        out.push((canonical, value.to_owned()));
    }
    Ok(out)
}

/// A document's dates, checked and in ISO form.
struct DocDates {
    issued_on: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
    owner_dob: Option<String>,
}

impl DocDates {
    fn parse(new: &NewDocument<'_>) -> Result<DocDates, Error> {
        let iso = |what: &str, value: Option<&str>| -> Result<Option<time::Date>, Error> {
            value
                .map(|v| {
                    time::Date::parse(v.trim(), time::macros::format_description!("[year]-[month]-[day]"))
                        .map_err(|_| Error::Invalid(format!("{what} {v:?} is not a real YYYY-MM-DD date")))
                })
                .transpose()
        };
        let issued_on = iso("issue date", new.issued_on)?.unwrap_or_else(|| time::OffsetDateTime::now_utc().date());
        let valid_from = iso("valid-from date", new.valid_from)?;
        let valid_to = iso("valid-to date", new.valid_to)?;
        if let (Some(from), Some(to)) = (valid_from, valid_to)
            && to < from
        {
            return Err(Error::Invalid("the valid-to date is before the valid-from date".into()));
        }
        Ok(DocDates {
            issued_on: dates::iso_date(issued_on),
            valid_from: valid_from.map(dates::iso_date),
            valid_to: valid_to.map(dates::iso_date),
            owner_dob: iso("date of birth", new.owner_dob)?.map(dates::iso_date),
        })
    }
}
