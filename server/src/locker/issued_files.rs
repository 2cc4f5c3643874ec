//! Opening an issued document. A document with a kept copy opens from it,
//! without calling its issuer. A pushed URI of a v1.13 issuer (one without a
//! Pull Doc URL) is fetched at its first open by a Pull URI search by the
//! resident's UID, whose answer must carry that very URI, and kept. Older
//! issuers, registered with a Pull Doc URL, are asked by Pull Doc each time.
//! Whatever comes from an issuer has its signature checked as it arrives
//! ([`issued_signature`]), and the verdict is kept on the document.

use openlocker_db::docs::{self, IssuedDoc, KeptCopy};
use openlocker_db::issuers::{self, Issuer};
use openlocker_db::residents;

use crate::app::App;
use crate::locker::issued_signature;
use crate::locker::issuer_client::{self, Fetched, Found, Search, SearchAnswer, UidMd5};
use crate::locker::kept_copy;
use crate::locker::pull_search::{dmy, open_aadhaar};
use crate::platform::dates;
use crate::platform::error::Error;

/// An issued document's file and its signature state (`valid`, `invalid`,
/// `unsigned`, or `unchecked` for a document never fetched).
pub struct Opened {
    pub file: Fetched,
    pub signature: String,
}

/// The document's file: the PDF of its kept copy (the certificate XML when
/// the issuer gave no PDF), or what its issuer sends now.
pub fn content(app: &App, resident_id: i64, doc: &IssuedDoc) -> Result<Opened, Error> {
    let (copy, checked) = copy_of(app, resident_id, doc)?;
    let signature = checked.unwrap_or_else(|| doc.signature.clone());
    let kept = |id: &str, content_type| -> Result<Opened, Error> {
        Ok(Opened {
            file: Fetched {
                bytes: kept_copy::read(app, id)?,
                content_type,
                data: None,
            },
            signature: signature.clone(),
        })
    };
    match (&copy.doc_content_id, &copy.data_content_id) {
        (Some(pdf), _) => kept(pdf, "application/pdf"),
        (None, Some(xml)) => kept(xml, "application/xml"),
        (None, None) => {
            let issuer = issuer_of(app, doc)?;
            let (file, state) = issued_signature::fetch_checked(app, &issuer, &doc.uri)?;
            Ok(Opened {
                file,
                signature: state.as_str().to_owned(),
            })
        }
    }
}

/// The document's certificate XML (`DataContent`); `NotFound` when its
/// issuer gave none.
pub fn certificate_xml(app: &App, resident_id: i64, doc: &IssuedDoc) -> Result<Vec<u8>, Error> {
    match copy_of(app, resident_id, doc)?.0.data_content_id {
        Some(xml) => kept_copy::read(app, &xml),
        None => Err(no_certificate(doc)),
    }
}

/// The document's certificate XML as its issuer signed it: the kept copy's,
/// or, from an issuer asked by Pull Doc each time, the one it sends now
/// (checked and its verdict recorded as it arrives). `NotFound` when the
/// issuer gives none.
pub fn signed_certificate(app: &App, resident_id: i64, doc: &IssuedDoc) -> Result<Vec<u8>, Error> {
    let (copy, _) = copy_of(app, resident_id, doc)?;
    match (copy.data_content_id, copy.doc_content_id) {
        (Some(xml), _) => kept_copy::read(app, &xml),
        (None, Some(_)) => Err(no_certificate(doc)),
        (None, None) => {
            let issuer = issuer_of(app, doc)?;
            let (fetched, _) = issued_signature::fetch_checked(app, &issuer, &doc.uri)?;
            fetched.data.ok_or_else(|| no_certificate(doc))
        }
    }
}

fn no_certificate(doc: &IssuedDoc) -> Error {
    Error::NotFound(format!("the issuer of {} gave no certificate data for it", doc.uri))
}

/// The kept copy, fetched first (and its signature checked: the verdict is
/// the second part) when this is a pushed URI of a v1.13 issuer not opened
/// before. Empty for documents of issuers with Pull Doc.
fn copy_of(app: &App, resident_id: i64, doc: &IssuedDoc) -> Result<(KeptCopy, Option<String>), Error> {
    let copy = docs::kept_copy(&app.db, resident_id, &doc.uri)?
        .ok_or_else(|| Error::NotFound(format!("there is no document {} in your locker", doc.uri)))?;
    if !copy.is_empty() {
        return Ok((copy, None));
    }
    let issuer = issuer_of(app, doc)?;
    if issuer.pull_doc_url.is_some() || issuer.pull_uri_url.is_none() {
        return Ok((copy, None));
    }
    resolve_pushed(app, resident_id, doc, &issuer)
}

fn issuer_of(app: &App, doc: &IssuedDoc) -> Result<Issuer, Error> {
    issuers::get(&app.db, &doc.issuer_id)?
        .ok_or_else(|| Error::Upstream(format!("issuer {} is no longer registered", doc.issuer_id)))
}

/// Finds a pushed URI by a Pull URI search (`DocType`, `DigiLockerId`,
/// `UID`, and `FullName`/`DOB` where the doc type sends them) and keeps
/// what the answer carries. The push tied the URI to the Aadhaar number, so
/// no `IssuedTo` matching applies, but the answer must be that URI.
fn resolve_pushed(
    app: &App,
    resident_id: i64,
    doc: &IssuedDoc,
    issuer: &Issuer,
) -> Result<(KeptCopy, Option<String>), Error> {
    let resident = residents::by_id(&app.db, resident_id)?
        .ok_or_else(|| Error::Unauthorized("the locker no longer exists".into()))?;
    let doc_type = issuers::doc_types(&app.db, &issuer.id)?
        .into_iter()
        .find(|t| t.code.eq_ignore_ascii_case(&doc.doc_type));
    let sends = |pick: fn(&issuers::DocType) -> bool| doc_type.as_ref().is_some_and(pick);
    let uid = UidMd5::of(&open_aadhaar(app, &resident)?);
    let dob = dmy(&resident.dob);
    let search = Search {
        doc_type: &doc.doc_type,
        digilocker_id: &resident.digilocker_id,
        uid: Some(&uid),
        full_name: sends(|t| t.pull_sends_name).then_some(resident.name.as_str()),
        dob: sends(|t| t.pull_sends_dob).then_some(dob.as_str()),
        fields: &[],
    };
    let found = the_pushed_document(issuer_client::pull_uri(app, issuer, &search)?, &issuer.id, &doc.uri)?;
    let _guard = kept_copy::lock();
    let copy = kept_copy::put_parts(app, found.doc_content.as_deref(), found.data_content.as_deref())?;
    docs::set_kept_copy(&app.db, resident_id, &doc.uri, &copy, dates::unix_now())?;
    tracing::info!(resident_id, uri = doc.uri, "kept a pushed document at its first open");
    let verdict = issued_signature::check_and_record(
        app,
        &doc.uri,
        found.data_content.as_deref(),
        found.doc_content.as_deref(),
    )?;
    Ok((copy, Some(verdict.state.as_str().to_owned())))
}

/// The answer's document, which must be `uri` and carry some content.
fn the_pushed_document(answer: SearchAnswer, issuer_id: &str, uri: &str) -> Result<Found, Error> {
    let who = format!("issuer {issuer_id}");
    let found = match answer {
        SearchAnswer::Found(found) if found.uri.eq_ignore_ascii_case(uri) => found,
        SearchAnswer::Found(_) => {
            return Err(Error::Upstream(format!(
                "{who} answered with another document than {}; nothing was kept",
                uri
            )));
        }
        SearchAnswer::NoMatch { reason } => {
            return Err(Error::Upstream(format!(
                "{who} could not find {} by your Aadhaar number{}",
                uri,
                reason.map(|r| format!(" (the issuer said: {r})")).unwrap_or_default()
            )));
        }
        SearchAnswer::Pending { .. } => {
            return Err(Error::Upstream(format!(
                "{who} is still verifying {}; try again later",
                uri
            )));
        }
    };
    if found.doc_content.is_none() && found.data_content.is_none() {
        return Err(Error::Upstream(format!(
            "{who} found {} but sent neither DocContent nor DataContent",
            uri
        )));
    }
    Ok(found)
}
