//! Storing one e-document: its fields checked, its file stored, its
//! certificate XML signed, and a fresh DocId minted for its URI.

use std::path::Path;

use md5::{Digest, Md5};
use openlocker_db::repo::{self as db, NewDoc, SealedOwner};
use openlocker_db::{DbError, issuers};

use super::{certificate, content_type, mint, store, uid_hmac};
use crate::app::App;
use crate::platform::aadhaar::Aadhaar;
use crate::platform::crypto::Purpose;
use crate::platform::dates;
use crate::platform::error::Error;
use crate::platform::ids::{DocTypeCode, IssuerId};

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

/// Stores an e-document and mints its URI.
pub fn add_doc(app: &App, new: &NewDocument<'_>) -> Result<String, Error> {
    let checked = check(app, new)?;
    // A fresh random DocId until one is free: ids never repeat.
    for _ in 0..32 {
        let existing = db::count_docs(&app.db, &checked.issuer.id, &checked.doc_type.code)?;
        let len = mint::doc_id_len(&checked.doc_type.code, existing).map_err(|e| Error::Conflict(e.to_string()))?;
        let doc_id = mint::draw(len);
        if let Some(uri) = try_store(app, &checked, &doc_id)? {
            return Ok(uri);
        }
    }
    Err(Error::Internal("could not find a free DocId after 32 draws".into()))
}

/// A document whose fields passed every check and whose file is stored:
/// all it lacks is its DocId.
struct Checked<'a> {
    issuer: issuers::Issuer,
    doc_type: issuers::DocType,
    doc_name: String,
    content_type: &'static str,
    size: u64,
    /// The stored file's content hash.
    hash: String,
    owners: Vec<SealedOwner>,
    owner_name: Option<&'a str>,
    owner_gender: Option<&'static str>,
    owner_phone: Option<String>,
    udfs: Vec<(String, String)>,
    dates: DocDates,
}

/// Checks every field, then stores the file.
fn check<'a>(app: &App, new: &NewDocument<'a>) -> Result<Checked<'a>, Error> {
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
        .unwrap_or(&doc_type.name)
        .to_owned();
    let hash = store::put(&app.objects, &content, &app.keys.file_cipher())?;
    Ok(Checked {
        issuer,
        doc_type,
        doc_name,
        content_type,
        size: content.len() as u64,
        hash,
        owners,
        owner_name: new.owner_name.map(str::trim),
        owner_gender,
        owner_phone,
        udfs,
        dates,
    })
}

/// Signs the certificate and stores the document as `doc_id`; `None` when
/// that DocId is taken.
fn try_store(app: &App, doc: &Checked<'_>, doc_id: &str) -> Result<Option<String>, Error> {
    let uri = format!("{}-{}-{doc_id}", doc.issuer.id, doc.doc_type.code);
    // Signed once, here; Pull URI and Pull Doc serve these bytes.
    let (certificate_sha256, signing_key) = sign(app, doc, &uri, doc_id)?;
    let row = NewDoc {
        uri: &uri,
        issuer_id: &doc.issuer.id,
        doc_type: &doc.doc_type.code,
        doc_id,
        doc_name: &doc.doc_name,
        content_sha256: &doc.hash,
        content_type: doc.content_type,
        size: doc.size,
        issued_on: &doc.dates.issued_on,
        valid_from: doc.dates.valid_from.as_deref(),
        valid_to: doc.dates.valid_to.as_deref(),
        owner_name: doc.owner_name,
        owner_dob: doc.dates.owner_dob.as_deref(),
        owner_gender: doc.owner_gender,
        owner_phone: doc.owner_phone.as_deref(),
        certificate_sha256: Some(&certificate_sha256),
        owners: &doc.owners,
        udfs: &doc.udfs,
        signing_key: Some(signing_key),
        now: dates::unix_now(),
    };
    match db::insert_doc(&app.db, &row) {
        Ok(_) => {
            tracing::info!(uri, owners = doc.owners.len(), "stored repository document");
            Ok(Some(uri))
        }
        Err(DbError::Conflict(_)) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// Signs and stores the certificate XML of `doc` as `uri`: its content
/// hash and the signing key's id.
fn sign(app: &App, doc: &Checked<'_>, uri: &str, doc_id: &str) -> Result<(String, i64), Error> {
    let signed_at = dates::now_ts();
    let input = certificate::CertificateInput {
        uri,
        number: doc_id,
        doc_type: &doc.doc_type.code,
        name: &doc.doc_name,
        issued_on: &doc.dates.issued_on,
        valid_from: doc.dates.valid_from.as_deref(),
        valid_to: doc.dates.valid_to.as_deref(),
        issuer_id: &doc.issuer.id,
        issuer_name: &doc.issuer.name,
        owner: certificate::Owner {
            name: doc.owner_name,
            dob: doc.dates.owner_dob.as_deref(),
            gender: doc.owner_gender,
            phone: doc.owner_phone.as_deref(),
        },
        fields: &doc.udfs,
        pdf_sha256: &doc.hash,
        signed_at: &signed_at,
    };
    certificate::sign_and_store(app, &input)
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
