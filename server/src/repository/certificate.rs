//! The DLTS-style `<Certificate>` XML of a repository document: what the
//! Pull URI answer carries in `DataContent` (Issuer API v1.13 §8.1.4 item
//! 16). It is built and signed once, when the document is stored, and
//! stored beside it, so lockers get exactly what was signed: `signedAt` and
//! the PDF's `pdfSha256` are inside the signature. It never holds an
//! Aadhaar number (once signed it cannot be taken back): owners are named,
//! not numbered, and any long digit run in a search field is masked.

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::app::App;
use crate::locker::pull_search::dmy;
use crate::platform::aadhaar::mask_digit_runs;
use crate::platform::error::Error;

/// What a certificate says.
pub struct CertificateInput<'a> {
    /// The document URI (`IssuerId-DocType-DocId`).
    pub uri: &'a str,
    /// The certificate's number (its DocId).
    pub number: &'a str,
    pub doc_type: &'a str,
    /// The document's name ("Class XII marks").
    pub name: &'a str,
    /// `YYYY-MM-DD` dates.
    pub issued_on: &'a str,
    pub valid_from: Option<&'a str>,
    pub valid_to: Option<&'a str>,
    pub issuer_id: &'a str,
    pub issuer_name: &'a str,
    pub owner: Owner<'a>,
    /// `(name, value)` search fields, as the document's data.
    pub fields: &'a [(String, String)],
    /// Lowercase hex SHA-256 of the document's file (`pdfSha256`).
    pub pdf_sha256: &'a str,
    /// When it is signed, `YYYY-MM-DDThh:mm:ss+hh:mm` (`signedAt`).
    pub signed_at: &'a str,
}

/// The person the certificate is issued to, as far as known.
#[derive(Default)]
pub struct Owner<'a> {
    pub name: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub dob: Option<&'a str>,
    /// `Male`, `Female` or `Other`.
    pub gender: Option<&'a str>,
    pub phone: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename = "Certificate")]
struct Certificate<'a> {
    #[serde(rename = "@language")]
    language: &'static str,
    #[serde(rename = "@name")]
    name: &'a str,
    #[serde(rename = "@type")]
    doc_type: &'a str,
    #[serde(rename = "@number")]
    number: &'a str,
    #[serde(rename = "@uri")]
    uri: &'a str,
    #[serde(rename = "@issueDate")]
    issue_date: String,
    #[serde(rename = "@validFromDate", skip_serializing_if = "Option::is_none")]
    valid_from: Option<String>,
    #[serde(rename = "@expiryDate", skip_serializing_if = "Option::is_none")]
    expiry: Option<String>,
    #[serde(rename = "@status")]
    status: &'static str,
    #[serde(rename = "@signedAt")]
    signed_at: &'a str,
    #[serde(rename = "IssuedBy")]
    issued_by: IssuedBy<'a>,
    #[serde(rename = "IssuedTo")]
    issued_to: IssuedTo<'a>,
    #[serde(rename = "CertificateData")]
    data: Data<'a>,
}

#[derive(Serialize)]
struct IssuedBy<'a> {
    #[serde(rename = "Organization")]
    organization: Organization<'a>,
}

#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@name")]
    name: &'a str,
    #[serde(rename = "@code")]
    code: &'a str,
}

#[derive(Serialize)]
struct IssuedTo<'a> {
    #[serde(rename = "Person")]
    person: Person<'a>,
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@name", skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(rename = "@dob", skip_serializing_if = "Option::is_none")]
    dob: Option<String>,
    #[serde(rename = "@gender", skip_serializing_if = "Option::is_none")]
    gender: Option<&'a str>,
    #[serde(rename = "@phone", skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
}

/// `<CertificateData pdfSha256>` with one `<Field name value/>` per search
/// field.
struct Data<'a> {
    pdf_sha256: &'a str,
    fields: &'a [(String, String)],
}

#[derive(Serialize)]
struct Field {
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "@value")]
    value: String,
}

impl Serialize for Data<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields: Vec<Field> = self
            .fields
            .iter()
            .map(|(name, value)| Field {
                name: mask_digit_runs(name),
                value: mask_digit_runs(value),
            })
            .collect();
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@pdfSha256", self.pdf_sha256)?;
        map.serialize_entry("Field", &fields)?;
        map.end()
    }
}

/// The certificate XML, with its XML declaration.
pub fn certificate_xml(input: &CertificateInput<'_>) -> String {
    let certificate = Certificate {
        language: "99",
        name: input.name,
        doc_type: input.doc_type,
        number: input.number,
        uri: input.uri,
        issue_date: dmy(input.issued_on),
        valid_from: input.valid_from.map(dmy),
        expiry: input.valid_to.map(dmy),
        status: "A",
        signed_at: input.signed_at,
        issued_by: IssuedBy {
            organization: Organization {
                name: input.issuer_name,
                code: input.issuer_id,
            },
        },
        issued_to: IssuedTo {
            person: Person {
                name: input.owner.name,
                dob: input.owner.dob.map(dmy),
                gender: input.owner.gender,
                phone: input.owner.phone,
            },
        },
        data: Data {
            pdf_sha256: input.pdf_sha256,
            fields: input.fields,
        },
    };
    crate::wire::writer::to_xml(&certificate)
}

/// Builds the certificate XML, signs it with the repository's current key
/// and stores it: its SHA-256 in the store, and the signing key's id.
pub fn sign_and_store(app: &App, input: &CertificateInput<'_>) -> Result<(String, i64), Error> {
    let (key_id, signer) = super::signing::current_signer(app)?;
    let signed = signer.sign(&certificate_xml(input))?;
    let hash = super::store::put(&app.objects, signed.as_bytes(), &app.keys.file_cipher())?;
    Ok((hash, key_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::reader;

    #[test]
    fn the_certificate_names_the_document_issuer_and_owner_and_never_a_number() {
        let fields = vec![
            ("RollNo".to_owned(), "1001".to_owned()),
            ("Ref".to_owned(), "234123412346 & <x>".to_owned()),
        ];
        let xml = certificate_xml(&CertificateInput {
            uri: "cbse.nic.in-HSCER-AB12CD",
            number: "AB12CD",
            doc_type: "HSCER",
            name: "Class XII marks",
            issued_on: "2024-05-15",
            valid_from: None,
            valid_to: Some("2034-05-14"),
            issuer_id: "cbse.nic.in",
            issuer_name: "CBSE",
            owner: Owner {
                name: Some("Asha Devi"),
                dob: Some("1990-04-01"),
                gender: Some("Female"),
                phone: Some("9876543210"),
            },
            fields: &fields,
            pdf_sha256: "ab",
            signed_at: "2026-01-01T10:00:00+05:30",
        });
        let root = reader::parse(xml.as_bytes()).unwrap();
        assert_eq!(root.name, "Certificate");
        assert_eq!(root.attribute("number"), Some("AB12CD"));
        assert_eq!(root.attribute("issueDate"), Some("15-05-2024"));
        assert_eq!(root.attribute("expiryDate"), Some("14-05-2034"));
        let org = root.find("Organization").unwrap();
        assert_eq!(
            (org.attribute("name"), org.attribute("code")),
            (Some("CBSE"), Some("cbse.nic.in"))
        );
        let person = root.find("IssuedTo").unwrap().child("Person").unwrap();
        assert_eq!(person.attribute("name"), Some("Asha Devi"));
        assert_eq!(person.attribute("dob"), Some("01-04-1990"));
        assert_eq!(root.attribute("signedAt"), Some("2026-01-01T10:00:00+05:30"));
        let data = root.find("CertificateData").unwrap();
        assert_eq!(data.attribute("pdfSha256"), Some("ab"));
        assert_eq!(data.children.len(), 2);
        assert_eq!(data.children[0].attribute("value"), Some("1001"));
        assert_eq!(data.children[1].attribute("value"), Some("XXXX XXXX 2346 & <x>"));
        assert!(!xml.contains("234123412346"), "{xml}");
    }
}
