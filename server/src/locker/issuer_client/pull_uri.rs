//! Pull URI: ask an issuer's repository for the URI of a resident's
//! document, by the search fields of its doc type.

use serde::Serialize;
use serde::ser::SerializeMap;

use super::{read_answer, sign};
use crate::app::App;
use crate::platform::error::Error;
use crate::wire::{envelope, upstream};
use openlocker_db::issuers::Issuer;

/// A search: the doc type, its search fields in the configured order, and
/// the resident's Aadhaar number when the doc type asks for it.
pub struct Search<'a> {
    pub doc_type: &'a str,
    pub fields: &'a [(String, String)],
    pub uid: Option<&'a str>,
}

/// What the repository said.
#[derive(Debug, PartialEq, Eq)]
pub enum SearchAnswer {
    /// Status 1: the URI of the one matching document.
    Found { uri: String },
    /// Status 0: nothing (or more than one document) matches.
    NoMatch { reason: Option<String> },
    /// Status 9: the department verifies the document by hand first.
    Pending { reason: Option<String> },
}

/// `<DocType>`, then `<UID>` when sent, then each search field as an element
/// named after it (`<RollNo>`), in the configured order.
struct Details<'a>(&'a Search<'a>);

impl Serialize for Details<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let search = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("DocType", search.doc_type)?;
        if let Some(uid) = search.uid {
            map.serialize_entry("UID", uid)?;
        }
        for (name, value) in search.fields {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Searches `issuer`'s repository. Transport failures are `Upstream` (502)
/// or `UpstreamTimeout` (504); the repository's own answers, including
/// "no match" and "pending", are a [`SearchAnswer`].
pub fn pull_uri(app: &App, issuer: &Issuer, search: &Search<'_>) -> Result<SearchAnswer, Error> {
    let who = format!("issuer {}", issuer.id);
    let (url, signature) = sign(app, issuer, issuer.pull_uri_url.as_ref(), "Pull URI")?;
    let request = envelope::request_xml("PullURIRequest", &signature, Details(search));
    let text = upstream::post_xml(app, &url, &request, &who)?;
    let answer = read_answer(&text, &who)?;
    match answer.status.as_deref() {
        Some("1") => {}
        Some("9") => return Ok(SearchAnswer::Pending { reason: answer.reason }),
        Some("0") => return Ok(SearchAnswer::NoMatch { reason: answer.reason }),
        other => {
            return Err(Error::Upstream(format!(
                "{who} answered with an unknown Status {}",
                other.unwrap_or("(none)")
            )));
        }
    }
    let uri = answer
        .root
        .find("URI")
        .map(|u| u.text.trim().to_owned())
        .unwrap_or_default();
    // An issuer may only hand out URIs of its own documents of this type.
    let prefix = format!("{}-{}-", issuer.id, search.doc_type);
    let doc_id = uri
        .get(prefix.len()..)
        .filter(|_| uri.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(&prefix)));
    match doc_id {
        Some(id) if !id.is_empty() && id.len() <= 100 && id.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(SearchAnswer::Found { uri })
        }
        _ => Err(Error::Upstream(format!(
            "{who} answered with URI {uri:?}, which is not one of its {} documents",
            search.doc_type
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_names_each_search_field_after_its_doc_type_in_order() {
        let fields = vec![("RollNo".to_owned(), "1234".to_owned()), ("Year".into(), "2024".into())];
        let search = Search {
            doc_type: "HSCER",
            fields: &fields,
            uid: Some("234123412346"),
        };
        let signature = envelope::Signature {
            org_id: "o".into(),
            ts: "t".into(),
            txn: "x".into(),
            keyhash: "k".into(),
        };
        let xml = envelope::request_xml("PullURIRequest", &signature, Details(&search));
        assert!(
            xml.ends_with(
                r#"<PullURIRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="t" txn="x" orgId="o" keyhash="k"><DocDetails><DocType>HSCER</DocType><UID>234123412346</UID><RollNo>1234</RollNo><Year>2024</Year></DocDetails></PullURIRequest>"#
            ),
            "{xml}"
        );
    }
}
