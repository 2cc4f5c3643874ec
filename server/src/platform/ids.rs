//! Identifiers that parse once and are valid wherever they appear:
//! issuer ids, doc type codes, doc ids and document URIs.

use std::fmt;

use crate::platform::error::Error;

/// An issuer id: a domain such as `cbse.nic.in` or an alpha code such as
/// `UDEL`. Letters, digits, dots and hyphens are not allowed to start or end
/// it; compared case-insensitively (the database does that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerId(String);

impl IssuerId {
    pub fn parse(input: &str) -> Result<IssuerId, Error> {
        let s = input.trim();
        let ok = (1..=100).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
            && !s.contains("..");
        if ok {
            Ok(IssuerId(s.to_owned()))
        } else {
            Err(Error::Invalid(format!(
                "issuer id {input:?} must be a domain (cbse.nic.in) or an alpha code: letters, digits, dots and hyphens"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IssuerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A doc type code: 1 to 5 letters, kept upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocTypeCode(String);

impl DocTypeCode {
    pub fn parse(input: &str) -> Result<DocTypeCode, Error> {
        let s = input.trim();
        if (1..=5).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(DocTypeCode(s.to_ascii_uppercase()))
        } else {
            Err(Error::Invalid(format!(
                "doc type code {input:?} must be 1 to 5 letters"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocTypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `s` is a doc id: 1 to 10 letters or digits.
pub fn is_doc_id(s: &str) -> bool {
    (1..=10).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A document URI `IssuerId-DocType-DocId`, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocUri<'a> {
    pub issuer_id: &'a str,
    pub doc_type: &'a str,
    pub doc_id: &'a str,
}

impl<'a> DocUri<'a> {
    /// Splits a URI. The issuer id may itself hold hyphens, so the doc type
    /// and doc id are taken from the right.
    pub fn parse(uri: &'a str) -> Result<DocUri<'a>, &'static str> {
        let (rest, doc_id) = uri.rsplit_once('-').ok_or("is not IssuerId-DocType-DocId")?;
        let (issuer_id, doc_type) = rest.rsplit_once('-').ok_or("is not IssuerId-DocType-DocId")?;
        if issuer_id.is_empty() || IssuerId::parse(issuer_id).is_err() {
            return Err("has no valid issuer id");
        }
        if !((1..=5).contains(&doc_type.len()) && doc_type.bytes().all(|b| b.is_ascii_alphabetic())) {
            return Err("has a doc type that is not 1 to 5 letters");
        }
        if !is_doc_id(doc_id) {
            return Err("has a doc id that is not 1 to 10 letters or digits");
        }
        Ok(DocUri {
            issuer_id,
            doc_type,
            doc_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_splits_from_the_right() {
        let uri = DocUri::parse("in.gov.kerala-edistrict-MSTN-A0011").unwrap();
        assert_eq!(uri.issuer_id, "in.gov.kerala-edistrict");
        assert_eq!(uri.doc_type, "MSTN");
        assert_eq!(uri.doc_id, "A0011");
        assert!(DocUri::parse("cbse.nic.in-MSTN").is_err());
        assert!(DocUri::parse("cbse.nic.in-TOOLONG-1").is_err());
        assert!(DocUri::parse("cbse.nic.in-MSTN-12345678901").is_err());
    }

    #[test]
    fn codes_and_ids() {
        assert_eq!(DocTypeCode::parse("mstn").unwrap().as_str(), "MSTN");
        assert!(DocTypeCode::parse("AB1").is_err());
        assert!(IssuerId::parse("cbse.nic.in").is_ok());
        assert!(IssuerId::parse("UDEL").is_ok());
        assert!(IssuerId::parse("bad id").is_err());
        assert!(IssuerId::parse(".x").is_err());
    }
}
