//! The locker's trust in issuers' signatures: the certificates trusted for
//! each issuer (several at once, for key rollover), the check of every
//! document fetched from an issuer, and the public verification of a
//! certificate XML that anyone may send.
//!
//! A document whose signature fails is kept and marked `invalid` with the
//! reason, never refused: the resident still has it, and sees the warning.

use std::path::Path;

use openlocker_db::issuers::Issuer;
use openlocker_db::signing as db;

use crate::app::App;
use crate::locker::issuer_client::{self, Fetched};
use crate::platform::dates;
use crate::platform::error::Error;
use crate::wire::signature::{self, NotXml, State, Verdict, keys};

/// The certificates (DER) of a PEM file, each checked to be one.
pub fn read_pem_file(pem_file: &Path) -> Result<Vec<Vec<u8>>, Error> {
    let pem = std::fs::read_to_string(pem_file)
        .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", pem_file.display())))?;
    keys::certificates_from_pem(&pem).map_err(|e| Error::Invalid(format!("{}: {e}", pem_file.display())))
}

/// Trusts `certificates` (DER) for `issuer_id`; returns their SHA-256
/// fingerprints.
pub fn trust_certificates(app: &App, issuer_id: &str, certificates: &[Vec<u8>]) -> Result<Vec<String>, Error> {
    openlocker_db::issuers::get(&app.db, issuer_id)?
        .ok_or_else(|| Error::NotFound(format!("no issuer {issuer_id}: register it with `issuer add`")))?;
    let now = dates::unix_now();
    let mut fingerprints = Vec::new();
    for der in certificates {
        let info = keys::cert_info(der)?;
        db::add_issuer_cert(&app.db, issuer_id, &info.fingerprint_sha256, der, now)?;
        tracing::info!(
            issuer_id,
            fingerprint = info.fingerprint_sha256,
            "trusted a signing certificate"
        );
        fingerprints.push(info.fingerprint_sha256);
    }
    Ok(fingerprints)
}

/// The certificates trusted for an issuer (none when the look-up fails,
/// which then reads as "not trusted", and is logged).
fn trusted(app: &App, issuer_id: &str) -> Vec<Vec<u8>> {
    db::issuer_certs(&app.db, issuer_id).unwrap_or_else(|e| {
        tracing::error!(issuer_id, error = %e, "could not read the trusted certificates");
        Vec::new()
    })
}

/// Verifies a certificate XML (and a PDF against its `pdfSha256`) for
/// `POST /api/verify`. Only a body that is not XML at all is an `Err`.
pub fn verify_public(app: &App, xml: &[u8], pdf: Option<&[u8]>) -> Result<Verdict, Error> {
    signature::verify(xml, pdf, dates::unix_now(), &|issuer| trusted(app, issuer)).map_err(|e| match e {
        NotXml::TooLarge => Error::TooLarge(e.to_string()),
        NotXml::Malformed(why) => Error::Invalid(why),
    })
}

/// Checks a document fetched from its issuer: the certificate XML must be
/// signed by a certificate trusted for the issuer of `uri`, be about `uri`,
/// and carry the SHA-256 of `pdf` when the issuer sent one. The verdict is
/// recorded on the document.
pub fn check_and_record(app: &App, uri: &str, data: Option<&[u8]>, pdf: Option<&[u8]>) -> Result<Verdict, Error> {
    let verdict = match data {
        None => Verdict::refused(State::Unsigned, "the issuer sent no certificate XML (DataContent)"),
        Some(xml) => match signature::verify(xml, pdf, dates::unix_now(), &|i| trusted(app, i)) {
            Ok(verdict) => about(verdict, uri),
            Err(e) => Verdict::refused(State::Invalid, format!("the certificate XML is unreadable: {e}")),
        },
    };
    db::set_issued_verdict(
        &app.db,
        uri,
        &db::Verdict {
            state: verdict.state.as_str(),
            detail: verdict.reason.as_deref().filter(|_| verdict.state == State::Invalid),
            signed_by: verdict.signed_by.as_deref().filter(|_| verdict.valid),
        },
    )?;
    if verdict.state != State::Valid {
        tracing::warn!(
            uri,
            state = verdict.state.as_str(),
            reason = verdict.reason,
            "an issued document's signature is not valid"
        );
    }
    Ok(verdict)
}

/// A valid signature counts only for this document and its file (when
/// there is one beside the certificate XML).
fn about(verdict: Verdict, uri: &str) -> Verdict {
    if !verdict.valid {
        return verdict;
    }
    if !verdict.uri.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(uri)) {
        return Verdict::refused(State::Invalid, "the signed certificate is about another document");
    }
    if verdict.pdf_matches == Some(false) {
        return Verdict::refused(
            State::Invalid,
            "the document's file does not match the signed pdfSha256",
        );
    }
    verdict
}

/// Fetches a document live from its issuer (Pull Doc) and checks it.
pub fn fetch_checked(app: &App, issuer: &Issuer, uri: &str) -> Result<(Fetched, State), Error> {
    let fetched = issuer_client::pull_doc(app, issuer, uri)?;
    let verdict = check_and_record(app, uri, fetched.data.as_deref(), Some(&fetched.bytes))?;
    Ok((fetched, verdict.state))
}
