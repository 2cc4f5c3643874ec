//! The Pull URI Request API (`POST /repository/api/pulluri/1/xml`): a
//! locker searches by a doc type's fields (and optionally the owner's
//! Aadhaar number, name and date of birth) and gets the one matching
//! document's URI and content. Both the original form (`ver="1.0"`, UDFs
//! by name) and v1.13 (`ver="3.0"`: `x-digilocker-hmac` required, `DocType`,
//! `UID` as MD5 (alone enough for an Aadhaar-seeded document), `DigiLockerId`,
//! `FullName`, `DOB`, `UDF1..n`, the `format` attribute (default `xml`),
//! `IssuedTo/Persons/Person`, `DataContent` always, Status 9) are answered.

use base64::Engine;
use md5::{Digest, Md5};
use openlocker_db::Db;
use openlocker_db::issuers;
use openlocker_db::repo::{self as db, Doc};
use serde::Serialize;

use super::pull_doc::{self, Reach, ResponseStatus, Stop, status_of};
use super::store;
use crate::app::App;
use crate::platform::aadhaar::Aadhaar;
use crate::platform::crypto::Purpose;
use crate::platform::error::Error;
use crate::wire::reader::{self, Element};
use crate::wire::refusal::Refusal;

/// The `PullURIResponse` document.
#[derive(Debug, Serialize)]
#[serde(rename = "PullURIResponse")]
pub struct PullUriResponse {
    #[serde(rename = "@xmlns:ns2")]
    ns: &'static str,
    #[serde(rename = "ResponseStatus")]
    status: ResponseStatus,
    #[serde(rename = "ResponseMessage", skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(rename = "DocDetails", skip_serializing_if = "Option::is_none")]
    details: Option<Details>,
}

#[derive(Debug, Serialize)]
struct Details {
    #[serde(rename = "IssuedTo", skip_serializing_if = "Option::is_none")]
    issued_to: Option<IssuedTo>,
    #[serde(rename = "URI")]
    uri: String,
    #[serde(rename = "DocContent", skip_serializing_if = "Option::is_none")]
    doc_content: Option<String>,
    #[serde(rename = "DataContent", skip_serializing_if = "Option::is_none")]
    data_content: Option<String>,
}

#[derive(Debug, Serialize)]
struct IssuedTo {
    #[serde(rename = "Persons")]
    persons: Persons,
}

#[derive(Debug, Serialize)]
struct Persons {
    #[serde(rename = "Person")]
    person: Vec<Person>,
}

#[derive(Debug, Serialize)]
struct Person {
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "@dob", skip_serializing_if = "String::is_empty")]
    dob: String,
    #[serde(rename = "@gender", skip_serializing_if = "String::is_empty")]
    gender: String,
    #[serde(rename = "@phone", skip_serializing_if = "String::is_empty")]
    phone: String,
}

/// Elements of DocDetails that are not search fields.
const RESERVED: &[&str] = &["DocType", "DigiLockerId", "UID", "FullName", "DOB", "Photo"];

/// Answers a Pull URI request. Only a body that is not acceptable XML is an
/// `Err`; every other refusal is a Status 0 (or 9, pending) answer.
pub fn handle(app: &App, body: &[u8], hmac_header: Option<&str>) -> Result<PullUriResponse, Error> {
    let request = reader::parse(body).map_err(|e| Error::Invalid(e.to_string()))?;
    Ok(match answer(app, &request, body, hmac_header) {
        Ok(response) => response,
        Err(refusal) => PullUriResponse {
            ns: "http://tempuri.org/",
            status: status_of(&request, refusal.status()),
            message: Some(refusal.into_reason()),
            details: None,
        },
    })
}

fn refused(message: impl Into<String>) -> Refusal {
    Refusal::new(message)
}

/// Storage is always within reach here, so a stop is a refusal.
fn refusal_of(stop: Stop) -> Refusal {
    match stop {
        Stop::Refused(refusal) => refusal,
        Stop::NeedsStorage => refused("the repository could not complete the search; please retry later"),
    }
}

/// What the owner-related fields of the request say.
struct Claimant {
    /// 12 digits, or the lowercase hex MD5 of them.
    uid: Option<String>,
    full_name: Option<String>,
    dob: Option<String>,
}

fn answer(app: &App, request: &Element, body: &[u8], hmac_header: Option<&str>) -> Result<PullUriResponse, Refusal> {
    if !request.name.eq_ignore_ascii_case("PullURIRequest") {
        return Err(refused(format!(
            "the root element is {}, not PullURIRequest",
            request.name
        )));
    }
    let current = is_current(request, hmac_header)?;
    let sender = pull_doc::authenticate(app, request, body, hmac_header, Reach::Storage).map_err(refusal_of)?;
    pull_doc::record_txn(app, &sender, Reach::Storage).map_err(refusal_of)?;
    let details = request
        .child("DocDetails")
        .ok_or_else(|| refused("DocDetails is missing"))?;
    let text_of = |name: &str| details.child(name).map(|e| e.text.clone()).filter(|t| !t.is_empty());
    let doc_type = text_of("DocType");
    let claimant = Claimant {
        uid: text_of("UID").map(|u| u.to_ascii_lowercase()),
        full_name: text_of("FullName"),
        dob: text_of("DOB"),
    };
    let fields = search_fields(app, details, doc_type.as_deref())?;
    let doc = find_one(app, doc_type.as_deref(), &fields, claimant.uid.as_deref())?;
    check_claimant(app, &doc, &claimant)?;
    if doc.verify_by_hand && doc.approved_at.is_none() {
        return Err(Refusal::pending(format!(
            "{} is waiting for verification by the department",
            doc.uri
        )));
    }
    let want_doc = wants_doc_content(request, current)?;
    let content = store::get(&app.objects, &doc.content_sha256, &app.keys.file_cipher())?;
    let data = data_content(app, &doc, &content)?;
    tracing::info!(
        uri = doc.uri,
        org_id = request.attribute("orgId"),
        "answered a Pull URI search"
    );
    Ok(found(request, &doc, want_doc.then_some(content.as_slice()), &data))
}

/// Whether the request is v1.13 (`ver` 2.0 or later), which must carry
/// `x-digilocker-hmac`.
fn is_current(request: &Element, hmac_header: Option<&str>) -> Result<bool, Refusal> {
    let current = request
        .attribute("ver")
        .is_some_and(|v| v.split('.').next().and_then(|m| m.parse::<u32>().ok()).unwrap_or(0) >= 2);
    if current && hmac_header.is_none() {
        return Err(refused(
            "the x-digilocker-hmac header is required for ver 2.0 and later (Issuer API v1.13 §8.1.1)",
        ));
    }
    Ok(current)
}

/// DataContent always (mandatory since v1.12); DocContent for pdf or both,
/// and by default for the original form.
fn wants_doc_content(request: &Element, current: bool) -> Result<bool, Refusal> {
    match request.attribute("format").map(str::to_ascii_lowercase).as_deref() {
        Some("xml") => Ok(false),
        Some("pdf") | Some("both") => Ok(true),
        Some(other) => Err(refused(format!("format {other:?} is not xml, pdf or both"))),
        None => Ok(!current),
    }
}

/// The Status 1 answer for `doc`.
fn found(request: &Element, doc: &Doc, doc_content: Option<&[u8]>, data: &[u8]) -> PullUriResponse {
    let b64 = base64::engine::general_purpose::STANDARD;
    PullUriResponse {
        ns: "http://tempuri.org/",
        status: status_of(request, "1"),
        message: None,
        details: Some(Details {
            issued_to: Some(IssuedTo {
                persons: Persons {
                    person: vec![Person {
                        name: doc.owner_name.clone().unwrap_or_default(),
                        dob: doc.owner_dob.as_deref().map(dmy_dashes).unwrap_or_default(),
                        gender: doc.owner_gender.clone().unwrap_or_default(),
                        phone: doc.owner_phone.clone().unwrap_or_default(),
                    }],
                },
            }),
            uri: doc.uri.clone(),
            doc_content: doc_content.map(|content| b64.encode(content)),
            data_content: Some(b64.encode(data)),
        }),
    }
}

/// The search fields, by their configured names: `UDF1..n` map to the doc
/// type's fields in order; other elements are fields by their own names.
fn search_fields(app: &App, details: &Element, doc_type: Option<&str>) -> Result<Vec<(String, String)>, Refusal> {
    let mut fields = Vec::new();
    for child in &details.children {
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&child.name)) || child.text.is_empty() {
            continue;
        }
        let position = child
            .name
            .strip_prefix("UDF")
            .or_else(|| child.name.strip_prefix("udf"))
            .and_then(|n| n.parse::<usize>().ok());
        let name = match position {
            Some(n) => {
                let code = doc_type
                    .ok_or_else(|| refused(format!("{} needs DocType to know which field it is", child.name)))?;
                let configured = configured_udfs(app, code)?;
                configured
                    .get(n.wrapping_sub(1))
                    .cloned()
                    .ok_or_else(|| refused(format!("doc type {code} has no search field {n}")))?
            }
            None => child.name.clone(),
        };
        fields.push((name, child.text.clone()));
    }
    Ok(fields)
}

fn configured_udfs(app: &App, code: &str) -> Result<Vec<String>, Refusal> {
    for issuer in issuers::list(&app.db).map_err(Error::from)? {
        let types = issuers::doc_types(&app.db, &issuer.id).map_err(Error::from)?;
        if let Some(t) = types.into_iter().find(|t| t.code.eq_ignore_ascii_case(code)) {
            return Ok(t.udfs);
        }
    }
    Err(refused(format!("doc type {code} is not known to this repository")))
}

/// Exactly one matching document, or why not.
fn find_one(app: &App, doc_type: Option<&str>, fields: &[(String, String)], uid: Option<&str>) -> Result<Doc, Refusal> {
    let found = if !fields.is_empty() {
        db::find_by_udfs(&app.db, None, doc_type, fields, 2).map_err(Error::from)?
    } else if let Some(Ok(aadhaar)) = uid.filter(|u| u.len() == 12).map(Aadhaar::parse) {
        db::find_by_owner(&app.db, None, doc_type, &app.keys.aadhaar_hmac(aadhaar.digits()), 2).map_err(Error::from)?
    } else if let Some(md5) = uid.filter(|u| u.len() == 32 && u.bytes().all(|b| b.is_ascii_hexdigit())) {
        db::find_by_uid(&app.db, doc_type, &super::uid_hmac(app, md5), 2).map_err(Error::from)?
    } else {
        return Err(refused(
            "no search fields were given (the search fields of the doc type, or UID)",
        ));
    };
    let mut found = found.into_iter();
    match (found.next(), found.next()) {
        (None, _) => Err(refused("no document matches the search")),
        (Some(doc), None) => Ok(doc),
        (Some(_), Some(_)) => Err(refused("more than one document matches; give more search fields")),
    }
}

/// Checks the UID (raw or MD5), name and date of birth sent against the document.
fn check_claimant(app: &App, doc: &Doc, claimant: &Claimant) -> Result<(), Refusal> {
    if let Some(uid) = &claimant.uid {
        let owners = db::owners(&app.db, doc.id).map_err(Error::from)?;
        let mut owned = false;
        for sealed in owners {
            let digits = app.keys.open(Purpose::Aadhaar, &sealed)?;
            if digits == uid.as_bytes() || hex::encode(Md5::digest(&digits)) == *uid {
                owned = true;
                break;
            }
        }
        if !owned {
            return Err(refused("the document does not belong to the UID sent"));
        }
    }
    if let (Some(sent), Some(on_doc)) = (&claimant.full_name, &doc.owner_name)
        && !crate::locker::pull_match::names_match(sent, on_doc)
    {
        return Err(refused("the name sent does not match the name on the document"));
    }
    if let (Some(sent), Some(on_doc)) = (&claimant.dob, &doc.owner_dob)
        && sent.replace('/', "-") != dmy_dashes(on_doc)
        && sent != on_doc
    {
        return Err(refused("the date of birth sent does not match the document"));
    }
    Ok(())
}

/// `YYYY-MM-DD` as `DD-MM-YYYY`, the form of the v1.13 `dob`.
fn dmy_dashes(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}-{m}-{y}"),
        _ => iso.to_owned(),
    }
}

/// The certificate XML of `DataContent`: the signed Certificate stored with
/// the document; for a document stored before signing, an XML document is
/// its own, and a PDF has the Certificate built when it was stored (built
/// now, unsigned, for documents stored before that).
fn data_content(app: &App, doc: &Doc, content: &[u8]) -> Result<Vec<u8>, Error> {
    let signed = doc.signing_key.is_some();
    if doc.content_type == "application/xml" && !signed {
        return Ok(content.to_vec());
    }
    if let Some(sha) = &doc.certificate_sha256 {
        return store::get(&app.objects, sha, &app.keys.file_cipher());
    }
    Ok(legacy_certificate(&app.db, doc)?.into_bytes())
}

fn legacy_certificate(db: &Db, doc: &Doc) -> Result<String, Error> {
    let issuer_name = issuers::get(db, &doc.issuer_id)?
        .map(|i| i.name)
        .unwrap_or_else(|| doc.issuer_id.clone());
    Ok(super::certificate::certificate_xml(
        &super::certificate::CertificateInput {
            uri: &doc.uri,
            number: &doc.doc_id,
            doc_type: &doc.doc_type,
            name: &doc.doc_name,
            issued_on: &doc.issued_on,
            valid_from: doc.valid_from.as_deref(),
            valid_to: doc.valid_to.as_deref(),
            issuer_id: &doc.issuer_id,
            issuer_name: &issuer_name,
            owner: super::certificate::Owner {
                name: doc.owner_name.as_deref(),
                dob: doc.owner_dob.as_deref(),
                gender: doc.owner_gender.as_deref(),
                phone: doc.owner_phone.as_deref(),
            },
            fields: &[],
            pdf_sha256: &doc.content_sha256,
            signed_at: &crate::platform::dates::now_ts(),
        },
    ))
}
