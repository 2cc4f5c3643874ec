//! A document's certificate XML (`DataContent`), built once when the
//! document is stored and signed there: a DLTS-style `<Certificate>` that
//! names the document, its issuer and the person it was issued to, and
//! carries the SHA-256 of the PDF. It never carries an Aadhaar number: once
//! signed it cannot be taken back.

use serde::Serialize;

use crate::app::App;
use crate::platform::dates;
use crate::platform::error::Error;

/// What the certificate says.
pub struct Fields<'a> {
    pub uri: &'a str,
    pub doc_type: &'a str,
    pub doc_id: &'a str,
    pub name: &'a str,
    /// `YYYY-MM-DD`.
    pub issued_on: &'a str,
    pub valid_from: Option<&'a str>,
    pub valid_to: Option<&'a str>,
    pub issuer_id: &'a str,
    pub issuer_name: &'a str,
    pub owner_name: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub owner_dob: Option<&'a str>,
    pub owner_gender: Option<&'a str>,
    /// Lowercase hex SHA-256 of the document's file.
    pub content_sha256: &'a str,
}

#[derive(Serialize)]
#[serde(rename = "Certificate")]
struct Certificate<'a> {
    #[serde(rename = "@uri")]
    uri: &'a str,
    #[serde(rename = "@docType")]
    doc_type: &'a str,
    #[serde(rename = "@number")]
    number: &'a str,
    #[serde(rename = "@name")]
    name: &'a str,
    #[serde(rename = "@issuedOn")]
    issued_on: &'a str,
    #[serde(rename = "@validFrom", skip_serializing_if = "Option::is_none")]
    valid_from: Option<&'a str>,
    #[serde(rename = "@validTo", skip_serializing_if = "Option::is_none")]
    valid_to: Option<&'a str>,
    #[serde(rename = "@signedAt")]
    signed_at: &'a str,
    #[serde(rename = "IssuedBy")]
    issued_by: IssuedBy<'a>,
    #[serde(rename = "IssuedTo", skip_serializing_if = "Option::is_none")]
    issued_to: Option<IssuedTo<'a>>,
    #[serde(rename = "CertificateData")]
    data: CertificateData<'a>,
}

#[derive(Serialize)]
struct IssuedBy<'a> {
    #[serde(rename = "Organization")]
    organization: Organization<'a>,
}

#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@code")]
    code: &'a str,
    #[serde(rename = "@name")]
    name: &'a str,
}

#[derive(Serialize)]
struct IssuedTo<'a> {
    #[serde(rename = "Person")]
    person: Person<'a>,
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@name")]
    name: &'a str,
    #[serde(rename = "@dob", skip_serializing_if = "Option::is_none")]
    dob: Option<&'a str>,
    #[serde(rename = "@gender", skip_serializing_if = "Option::is_none")]
    gender: Option<&'a str>,
}

#[derive(Serialize)]
struct CertificateData<'a> {
    #[serde(rename = "@pdfSha256")]
    pdf_sha256: &'a str,
}

/// The unsigned certificate XML, signed now (`signedAt`).
pub fn build(fields: &Fields<'_>) -> String {
    let signed_at = dates::now_ts();
    crate::wire::writer::to_xml(&Certificate {
        uri: fields.uri,
        doc_type: fields.doc_type,
        number: fields.doc_id,
        name: fields.name,
        issued_on: fields.issued_on,
        valid_from: fields.valid_from,
        valid_to: fields.valid_to,
        signed_at: &signed_at,
        issued_by: IssuedBy {
            organization: Organization {
                code: fields.issuer_id,
                name: fields.issuer_name,
            },
        },
        issued_to: fields.owner_name.map(|name| IssuedTo {
            person: Person {
                name,
                dob: fields.owner_dob,
                gender: fields.owner_gender,
            },
        }),
        data: CertificateData {
            pdf_sha256: fields.content_sha256,
        },
    })
}

/// Builds and signs the certificate XML with the current key, and stores
/// it: its SHA-256 in the store and the signing key's id.
pub fn sign_and_store(app: &App, fields: &Fields<'_>) -> Result<(String, i64), Error> {
    let (key_id, signer) = super::signing::current_signer(app)?;
    let signed = signer.sign(&build(fields))?;
    let hash = super::store::put(&super::store_dir(app), signed.as_bytes(), &app.keys.file_cipher())?;
    Ok((hash, key_id))
}

/// The `DataContent` of a stored document: its signed certificate XML. A
/// document stored before the repository signed has none; it is answered
/// as before, unsigned (an XML document is its own data, a PDF gets its
/// certificate built now), and lockers mark it `unsigned`.
pub fn data_content(app: &App, doc: &openlocker_db::repo::Doc, content: &[u8]) -> Result<Vec<u8>, Error> {
    if let Some(signed) = &doc.signed_sha256 {
        return super::store::get(&super::store_dir(app), signed, &app.keys.file_cipher());
    }
    if doc.content_type == "application/xml" {
        return Ok(content.to_vec());
    }
    Ok(build(&Fields {
        uri: &doc.uri,
        doc_type: &doc.doc_type,
        doc_id: &doc.doc_id,
        name: &doc.doc_name,
        issued_on: &doc.issued_on,
        valid_from: doc.valid_from.as_deref(),
        valid_to: doc.valid_to.as_deref(),
        issuer_id: &doc.issuer_id,
        issuer_name: &doc.issuer_id,
        owner_name: doc.owner_name.as_deref(),
        owner_dob: doc.owner_dob.as_deref(),
        owner_gender: doc.owner_gender.as_deref(),
        content_sha256: &doc.content_sha256,
    })
    .into_bytes())
}
