//! Pull URI (Issuer API v1.13 §8.1): ask an issuer's repository for a
//! resident's document by the search fields of its doc type. The request is
//! v1.13 in shape (`ver="3.0"`, `format="both"`, `DigiLockerId`, `DocType`,
//! `UID` as an MD5 only, `FullName`, `DOB`, the fields by their configured
//! names); the answer must echo our `ts` and `txn`, name one of the
//! issuer's own URIs of that type, and carry the document as a PDF
//! (`DocContent`) and/or well-formed certificate XML (`DataContent`).

use base64::Engine;
use md5::{Digest, Md5};
use openlocker_db::issuers::Issuer;
use serde::Serialize;
use serde::ser::SerializeMap;

use super::{Answer, post, read_answer, sign};
use crate::app::App;
use crate::locker::pull_match::Person;
use crate::platform::aadhaar::Aadhaar;
use crate::platform::error::Error;
use crate::wire::envelope::{self, Form, Signature};
use crate::wire::reader::{self, Element};

/// The `UID` of a search: the lowercase hex MD5 of an Aadhaar number. Only
/// made from a parsed number, so the number itself can never be sent.
pub struct UidMd5(String);

impl UidMd5 {
    /// A UID that belongs to no one (32 zeros), for a search that must
    /// find nothing.
    pub fn nobody() -> UidMd5 {
        UidMd5("0".repeat(32))
    }

    /// The MD5 of `aadhaar`'s 12 digits.
    pub fn of(aadhaar: &Aadhaar) -> UidMd5 {
        UidMd5(hex::encode(Md5::digest(aadhaar.digits().as_bytes())))
    }

    /// The 32 hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A search: the doc type, who searches, and the search fields in the
/// configured order.
pub struct Search<'a> {
    pub doc_type: &'a str,
    /// The resident's 36-character DigiLocker id.
    pub digilocker_id: &'a str,
    pub uid: Option<&'a UidMd5>,
    pub full_name: Option<&'a str>,
    /// `DD-MM-YYYY`.
    pub dob: Option<&'a str>,
    pub fields: &'a [(String, String)],
}

/// A document the repository found, with what it says about it.
#[derive(Debug)]
pub struct Found {
    pub uri: String,
    /// `IssuedTo/Persons/Person`, in the order given (empty without IssuedTo).
    pub persons: Vec<Person>,
    /// The PDF, checked to be one.
    pub doc_content: Option<Vec<u8>>,
    /// The certificate XML, checked to be well-formed.
    pub data_content: Option<Vec<u8>>,
}

/// What the repository said.
#[derive(Debug)]
pub enum SearchAnswer {
    /// Status 1: the one matching document.
    Found(Found),
    /// Status 0: nothing (or more than one document) matches.
    NoMatch { reason: Option<String> },
    /// Status 9: the department verifies the document by hand first.
    Pending { reason: Option<String> },
}

/// `DocType`, `DigiLockerId`, then `UID`, `FullName`, `DOB` when sent, then
/// each search field as an element named after it (`<RollNo>`), in order.
struct Details<'a>(&'a Search<'a>);

impl Serialize for Details<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let search = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("DocType", search.doc_type)?;
        map.serialize_entry("DigiLockerId", search.digilocker_id)?;
        if let Some(uid) = search.uid {
            map.serialize_entry("UID", &uid.0)?;
        }
        if let Some(name) = search.full_name {
            map.serialize_entry("FullName", name)?;
        }
        if let Some(dob) = search.dob {
            map.serialize_entry("DOB", dob)?;
        }
        for (name, value) in search.fields {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// The v1.13 `PullURIRequest` body of `search`, signed by `signature`,
/// asking for `format` (`xml`, `pdf` or `both`).
pub fn request_xml(search: &Search<'_>, signature: &Signature, format: &'static str) -> String {
    envelope::request_xml(
        "PullURIRequest",
        signature,
        Form::PullUriV113 { format },
        Details(search),
    )
}

/// Searches `issuer`'s repository. Transport failures and answers that
/// cannot be believed are `Upstream` (502) or `UpstreamTimeout` (504); the
/// repository's own answers, including "no match" and "pending", are a
/// [`SearchAnswer`].
pub fn pull_uri(app: &App, issuer: &Issuer, search: &Search<'_>) -> Result<SearchAnswer, Error> {
    let who = format!("issuer {}", issuer.id);
    let signed = sign(app, issuer, issuer.pull_uri_url.as_ref(), "Pull URI")?;
    let body = request_xml(search, &signed.signature, "both");
    let text = post(app, &signed, &body, &who)?;
    let answer = read_answer(&text, &who)?;
    check_echo(&answer.root, &signed.signature.ts, &signed.signature.txn, &who)?;
    match answer.status.as_deref() {
        Some("1") => read_found(&answer, &issuer.id, search.doc_type, &who).map(SearchAnswer::Found),
        Some("9") => Ok(SearchAnswer::Pending { reason: answer.reason }),
        Some("0") => Ok(SearchAnswer::NoMatch { reason: answer.reason }),
        other => Err(Error::Upstream(format!(
            "{who} answered with an unknown Status {}",
            other.unwrap_or("(none)")
        ))),
    }
}

/// The answer's `ResponseStatus` must carry our `ts` and `txn` (v1.13
/// §8.1.4 items 1 and 2): anything else may be the answer to another request.
fn check_echo(root: &Element, ts: &str, txn: &str, who: &str) -> Result<(), Error> {
    let status = root.find("ResponseStatus");
    let echoed = |name: &str| status.and_then(|s| s.attribute(name)).unwrap_or_default().to_owned();
    let (got_ts, got_txn) = (echoed("ts"), echoed("txn"));
    if got_txn != txn || got_ts != ts {
        return Err(Error::Upstream(format!(
            "{who} answered without echoing our request (txn {got_txn:?}, ts {got_ts:?}); the answer was not used"
        )));
    }
    Ok(())
}

fn read_found(answer: &Answer, issuer_id: &str, doc_type: &str, who: &str) -> Result<Found, Error> {
    let root = &answer.root;
    let uri = root.find("URI").map(|u| u.text.trim().to_owned()).unwrap_or_default();
    if !is_issuers_uri(&uri, issuer_id, doc_type) {
        return Err(Error::Upstream(format!(
            "{who} answered with URI {uri:?}, which is not one of its {doc_type} documents"
        )));
    }
    let doc_content = decode(root, "DocContent", who)?;
    if let Some(pdf) = &doc_content
        && !pdf.starts_with(b"%PDF-")
    {
        return Err(Error::Upstream(format!("{who} sent DocContent that is not a PDF")));
    }
    let data_content = decode(root, "DataContent", who)?;
    if let Some(xml) = &data_content
        && let Err(e) = reader::parse(xml)
    {
        return Err(Error::Upstream(format!(
            "{who} sent DataContent that is not acceptable XML: {e}"
        )));
    }
    Ok(Found {
        uri,
        persons: persons(root),
        doc_content,
        data_content,
    })
}

/// Whether `uri` is `IssuerId-DocType-DocId` of this issuer and type: an
/// issuer may only hand out URIs of its own documents.
pub fn is_issuers_uri(uri: &str, issuer_id: &str, doc_type: &str) -> bool {
    let prefix = format!("{issuer_id}-{doc_type}-");
    let own = uri.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(&prefix));
    let doc_id = uri.get(prefix.len()..).unwrap_or_default();
    own && !doc_id.is_empty() && doc_id.len() <= 100 && doc_id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A base64 element's bytes; `None` when absent or empty.
fn decode(root: &Element, name: &str, who: &str) -> Result<Option<Vec<u8>>, Error> {
    let Some(element) = root.find(name) else {
        return Ok(None);
    };
    let compact: String = element.text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Ok(None);
    }
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map(Some)
        .map_err(|e| Error::Upstream(format!("{who} sent {name} that is not base64: {e}")))
}

/// The `Person` elements of `IssuedTo/Persons`.
fn persons(root: &Element) -> Vec<Person> {
    let Some(persons) = root.find("IssuedTo").and_then(|i| i.child("Persons")) else {
        return Vec::new();
    };
    let attr = |p: &Element, name: &str| p.attribute(name).filter(|v| !v.is_empty()).map(str::to_owned);
    persons
        .children
        .iter()
        .filter(|p| p.name.eq_ignore_ascii_case("Person"))
        .map(|p| Person {
            name: attr(p, "name"),
            dob: attr(p, "dob"),
            gender: attr(p, "gender"),
            phone: attr(p, "phone"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_v1_13_with_the_uid_as_md5_and_fields_in_order() {
        let fields = vec![("RollNo".to_owned(), "1234".to_owned()), ("Year".into(), "2024".into())];
        let aadhaar = Aadhaar::parse("234123412346").unwrap();
        let uid = UidMd5::of(&aadhaar);
        let search = Search {
            doc_type: "HSCER",
            digilocker_id: "0b6f7c52-8f4e-4a57-9d0e-3f2b1c9a7e11",
            uid: Some(&uid),
            full_name: Some("Asha Devi"),
            dob: Some("25-03-1993"),
            fields: &fields,
        };
        let signature = Signature {
            org_id: "o".into(),
            ts: "t".into(),
            txn: "x".into(),
            keyhash: "k".into(),
        };
        let xml = request_xml(&search, &signature, "both");
        let md5 = hex::encode(Md5::digest(b"234123412346"));
        let expected = format!(
            r#"<PullURIRequest xmlns="http://tempuri.org/" ver="3.0" ts="t" txn="x" orgId="o" keyhash="k" format="both"><DocDetails><DocType>HSCER</DocType><DigiLockerId>0b6f7c52-8f4e-4a57-9d0e-3f2b1c9a7e11</DigiLockerId><UID>{md5}</UID><FullName>Asha Devi</FullName><DOB>25-03-1993</DOB><RollNo>1234</RollNo><Year>2024</Year></DocDetails></PullURIRequest>"#
        );
        assert!(xml.ends_with(&expected), "{xml}");
        assert!(!xml.contains("234123412346"), "the number itself is never sent");
    }

    #[test]
    fn only_the_issuers_own_uris_of_the_type_are_accepted() {
        assert!(is_issuers_uri("cbse.nic.in-HSCER-AB12CD", "cbse.nic.in", "HSCER"));
        assert!(is_issuers_uri("CBSE.NIC.IN-hscer-AB12CD", "cbse.nic.in", "HSCER"));
        for bad in [
            "other.gov.in-HSCER-AB12CD",
            "cbse.nic.in-MSTN-AB12CD",
            "cbse.nic.in-HSCER-",
            "cbse.nic.in-HSCER-AB 12",
            "cbse.nic.in-HSCER-../x",
        ] {
            assert!(!is_issuers_uri(bad, "cbse.nic.in", "HSCER"), "{bad}");
        }
    }

    #[test]
    fn an_answer_must_echo_our_ts_and_txn() {
        let root = reader::parse(br#"<R><ResponseStatus Status="1" ts="T" txn="X">1</ResponseStatus></R>"#).unwrap();
        assert!(check_echo(&root, "T", "X", "issuer a").is_ok());
        assert!(check_echo(&root, "T", "Y", "issuer a").is_err());
        assert!(check_echo(&root, "U", "X", "issuer a").is_err());
        let bare = reader::parse(b"<R><ResponseStatus>1</ResponseStatus></R>").unwrap();
        assert!(check_echo(&bare, "T", "X", "issuer a").is_err());
    }
}
