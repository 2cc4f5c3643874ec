//! Signed e-documents (INTERFACE section 7): the enveloped XML signature a
//! repository puts on a document's certificate XML, and its verification by
//! a locker or by anyone. No HTTP here: plain bytes in, a verdict out.
//!
//! XML-DSig and canonicalization come from `bergshamra` (pure Rust, no
//! libxml2/xmlsec C build, hardened against signature wrapping); the checks
//! of [`shape`] run before it, and trust is decided here: a signature counts
//! only with a certificate trusted for the issuer named in the document's
//! URI, valid when the document says it was signed.

pub mod keys;
pub mod shape;

use bergshamra::core::algorithm;
use bergshamra::dsig::sign::{EnvelopedSignatureOptions, sign_enveloped_document};
use bergshamra::{DsigContext, KeysManager, VerifyResult};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::platform::ids::DocUri;
use keys::{CertInfo, KeyMaterial};
use shape::Refusal;

/// The largest certificate XML accepted for verification.
pub const MAX_XML_BYTES: usize = 2 * 1024 * 1024;
/// How far ahead of our clock a `signedAt` may be (clocks differ a little).
const CLOCK_SKEW_SECS: i64 = 300;

/// What signing or reading key material can fail with.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// Key material that cannot be used; the text says why.
    #[error("{0}")]
    Key(String),
    /// A certificate that cannot be read.
    #[error("{0}")]
    Certificate(String),
    /// The XML to sign was refused or signing failed.
    #[error("cannot sign the certificate XML: {0}")]
    Sign(String),
}

/// A key ready to sign, with the certificate that `X509Data` carries.
pub struct Signer {
    key: bergshamra::Key,
    /// What the certificate says.
    pub cert: CertInfo,
    /// The certificate, DER.
    pub cert_der: Vec<u8>,
}

impl Signer {
    /// A signer from stored key material.
    pub fn new(material: &KeyMaterial) -> Result<Signer, SignatureError> {
        Ok(Signer {
            key: keys::signing_key(&material.pkcs8_der, std::slice::from_ref(&material.cert_der))?,
            cert: keys::cert_info(&material.cert_der)?,
            cert_der: material.cert_der.clone(),
        })
    }

    /// Signs `xml` (a whole document) with an enveloped signature:
    /// `Reference URI=""`, enveloped-signature and exclusive c14n, SHA-256
    /// digest, RSA-SHA256 and the certificate in `KeyInfo/X509Data`.
    pub fn sign(&self, xml: &str) -> Result<String, SignatureError> {
        let shape = shape::scan(xml.as_bytes()).map_err(|e| SignatureError::Sign(e.to_string()))?;
        if shape.signed {
            return Err(SignatureError::Sign("it is signed already".into()));
        }
        let mut doc = uppsala::parse(xml).map_err(|e| SignatureError::Sign(e.to_string()))?;
        let mut manager = KeysManager::new();
        manager.add_key(self.key.clone());
        let ctx = DsigContext::new(manager);
        let options = EnvelopedSignatureOptions::new(
            None,
            algorithm::RSA_SHA256,
            algorithm::SHA256,
            algorithm::EXC_C14N,
            Some("<ds:KeyInfo><ds:X509Data/></ds:KeyInfo>"),
        );
        sign_enveloped_document(&ctx, &mut doc, options).map_err(|e| SignatureError::Sign(e.to_string()))?;
        Ok(doc.to_xml())
    }
}

/// The signature state of a document, as `GET /api/issued` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Valid,
    Invalid,
    Unsigned,
}

impl State {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Valid => "valid",
            State::Invalid => "invalid",
            State::Unsigned => "unsigned",
        }
    }
}

/// The verdict on one document: what `POST /api/verify` answers. Every field
/// but `state` and `reason` comes from the verified tree and the trusted
/// certificate only, and is empty unless the signature is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    #[serde(skip)]
    pub state: State,
    pub valid: bool,
    pub issuer_id: Option<String>,
    pub uri: Option<String>,
    pub signed_by: Option<String>,
    /// Unix seconds.
    pub signed_at: Option<i64>,
    /// `None` when no PDF was given.
    pub pdf_matches: Option<bool>,
    pub reason: Option<String>,
}

impl Verdict {
    /// A verdict of `state` for `reason`, naming nothing unverified.
    pub fn refused(state: State, reason: impl Into<String>) -> Verdict {
        Verdict {
            state,
            valid: false,
            issuer_id: None,
            uri: None,
            signed_by: None,
            signed_at: None,
            pdf_matches: None,
            reason: Some(reason.into()),
        }
    }
}

/// A body that is not a certificate XML at all (the caller answers 4xx).
#[derive(Debug, thiserror::Error)]
pub enum NotXml {
    #[error("the certificate XML is over {MAX_XML_BYTES} bytes")]
    TooLarge,
    #[error("{0}")]
    Malformed(String),
}

/// Verifies a certificate XML. `trusted(issuer_id)` gives the certificates
/// (DER) trusted for that issuer; `pdf` is checked against `pdfSha256`.
pub fn verify(
    xml: &[u8],
    pdf: Option<&[u8]>,
    now: i64,
    trusted: &dyn Fn(&str) -> Vec<Vec<u8>>,
) -> Result<Verdict, NotXml> {
    if xml.len() > MAX_XML_BYTES {
        return Err(NotXml::TooLarge);
    }
    let text = std::str::from_utf8(xml).map_err(|e| NotXml::Malformed(format!("the XML is not UTF-8: {e}")))?;
    let shape = match shape::scan(xml) {
        Ok(shape) => shape,
        Err(Refusal::Malformed(why)) => return Err(NotXml::Malformed(why)),
        Err(Refusal::Unsafe(why)) => return Ok(Verdict::refused(State::Invalid, why)),
    };
    if !shape.signed {
        return Ok(Verdict::refused(State::Unsigned, "the document is not signed"));
    }
    Ok(check(text, &shape, pdf, now, trusted).unwrap_or_else(|why| Verdict::refused(State::Invalid, why)))
}

fn check(
    text: &str,
    shape: &shape::Shape,
    pdf: Option<&[u8]>,
    now: i64,
    trusted: &dyn Fn(&str) -> Vec<Vec<u8>>,
) -> Result<Verdict, String> {
    let uri = shape.uri.as_deref().ok_or("the certificate names no document URI")?;
    let issuer_id = DocUri::parse(uri)
        .map_err(|why| format!("the document URI {uri:?} {why}"))?
        .issuer_id
        .to_owned();
    let signed_at_text = shape
        .signed_at
        .as_deref()
        .ok_or("the certificate has no signedAt time")?;
    let signed_at = crate::platform::dates::parse_ts(signed_at_text)
        .ok_or_else(|| format!("signedAt {signed_at_text:?} is not a time like 2026-01-31T10:00:00+05:30"))?
        .unix_timestamp();
    if signed_at > now + CLOCK_SKEW_SECS {
        return Err("signedAt is in the future".into());
    }
    let anchors = trusted(&issuer_id);
    if anchors.is_empty() {
        return Err(format!("no certificate is trusted for issuer {issuer_id}"));
    }
    let signer = trusted_signer(shape, &anchors, signed_at, &issuer_id)?;
    verify_signature(text, &signer.der)?;
    let pdf_matches = pdf.map(|pdf| {
        shape
            .pdf_sha256
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case(&hex::encode(Sha256::digest(pdf))))
    });
    Ok(Verdict {
        state: State::Valid,
        valid: true,
        issuer_id: Some(issuer_id),
        uri: Some(uri.to_owned()),
        signed_by: Some(signer.info.common_name),
        signed_at: Some(signed_at),
        pdf_matches,
        reason: (pdf_matches == Some(false)).then(|| "the PDF does not match the signed pdfSha256".into()),
    })
}

/// The certificate that must have made the signature.
struct TrustedSigner {
    der: Vec<u8>,
    info: CertInfo,
}

/// Finds the signing certificate among those trusted for the issuer: the
/// document's own `X509Data` certificate when it is trusted (or chains to a
/// trusted one), else each trusted certificate valid at `signed_at`.
fn trusted_signer(
    shape: &shape::Shape,
    anchors: &[Vec<u8>],
    signed_at: i64,
    issuer_id: &str,
) -> Result<TrustedSigner, String> {
    let valid_then = |der: &[u8]| -> Result<TrustedSigner, String> {
        let info = keys::cert_info(der).map_err(|e| e.to_string())?;
        if !info.valid_at(signed_at) {
            return Err(format!(
                "the signing certificate ({}) was not valid when the document was signed",
                info.common_name
            ));
        }
        Ok(TrustedSigner {
            der: der.to_vec(),
            info,
        })
    };
    match shape.certificates.first() {
        Some(leaf) if anchors.contains(leaf) => valid_then(leaf),
        Some(leaf) => {
            chains_to(leaf, &shape.certificates[1..], anchors, signed_at).map_err(|why| {
                format!("the document was signed with a certificate that is not trusted for issuer {issuer_id} ({why})")
            })?;
            valid_then(leaf)
        }
        None if anchors.len() == 1 => valid_then(&anchors[0]),
        None => Err("the signature carries no certificate (X509Data)".into()),
    }
}

/// Whether `leaf` chains (through `intermediates`) to one of `anchors`, at
/// the time of signing.
fn chains_to(leaf: &[u8], intermediates: &[Vec<u8>], anchors: &[Vec<u8>], signed_at: i64) -> Result<(), String> {
    let when = time::OffsetDateTime::from_unix_timestamp(signed_at).map_err(|e| e.to_string())?;
    let format = time::macros::format_description!("[year]-[month]-[day]+[hour]:[minute]:[second]");
    let when = when.format(&format).map_err(|e| e.to_string())?;
    let config = bergshamra::keys::x509::CertValidationConfig {
        trusted_certs: anchors,
        untrusted_certs: intermediates,
        crls: &[],
        verification_time: Some(&when),
        skip_time_checks: false,
    };
    bergshamra::keys::x509::validate_cert_chain(leaf, intermediates, &config).map_err(|e| e.to_string())
}

/// Checks the signature with `cert_der`'s key alone: `KeyInfo` never
/// chooses the key, references must point at the root, every digest is
/// computed here.
fn verify_signature(text: &str, cert_der: &[u8]) -> Result<(), String> {
    let key = bergshamra::keys::loader::load_x509_cert_der(cert_der).map_err(|e| e.to_string())?;
    let mut manager = KeysManager::new();
    manager.add_key(key);
    let ctx = DsigContext::new(manager).with_skip_time_checks(true);
    match bergshamra::verify(&ctx, text) {
        Ok(VerifyResult::Valid { references, .. }) if references.len() == 1 && references[0].uri.is_empty() => Ok(()),
        Ok(VerifyResult::Valid { .. }) => Err("the signature does not cover the whole document".into()),
        Ok(VerifyResult::Invalid { reason }) => Err(format!("the signature does not verify: {reason}")),
        Err(e) => Err(format!("the signature does not verify: {e}")),
    }
}

#[cfg(test)]
mod tests;
