//! Pull Doc: fetch a document live from the issuer's repository, and
//! check that the answer is the document asked for.

use base64::Engine;
use openlocker_db::issuers::Issuer;
use serde::Serialize;

use super::{post, read_answer, sign};
use crate::app::App;
use crate::platform::error::Error;
use crate::repository;
use crate::wire::envelope::{self, Form};

/// A document fetched from its issuer.
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// The certificate XML (`DataContent`), when the issuer sent one.
    pub data: Option<Vec<u8>>,
}

#[derive(Serialize)]
struct Details<'a> {
    #[serde(rename = "URI")]
    uri: &'a str,
}

/// Fetches `uri` from `issuer`'s repository.
pub fn pull_doc(app: &App, issuer: &Issuer, uri: &str) -> Result<Fetched, Error> {
    let who = format!("issuer {}", issuer.id);
    let signed = sign(app, issuer, issuer.pull_doc_url.as_ref(), "Pull Doc")?;
    let request = envelope::request_xml("PullDocRequest", &signed.signature, Form::Original, Details { uri });
    let text = post(app, &signed, &request, &who)?;
    let answer = read_answer(&text, &who)?;
    if answer.status.as_deref() != Some("1") {
        return Err(Error::Upstream(format!(
            "{who} could not provide the document{}",
            answer.reason.map(|r| format!(": {r}")).unwrap_or_default()
        )));
    }
    let root = answer.root;
    if let Some(answered) = root.find("URI").map(|u| u.text.as_str())
        && !answered.is_empty()
        && !answered.eq_ignore_ascii_case(uri)
    {
        return Err(Error::Upstream(format!(
            "{who} answered with another document ({answered})"
        )));
    }
    let bytes = base64_element(&root, "DocContent", &who)?.unwrap_or_default();
    if bytes.is_empty() {
        return Err(Error::Upstream(format!("{who} sent an empty document")));
    }
    let data = base64_element(&root, "DataContent", &who)?.filter(|d| !d.is_empty());
    let content_type = repository::content_type(&bytes).unwrap_or("application/octet-stream");
    Ok(Fetched {
        bytes,
        content_type,
        data,
    })
}

/// The decoded base64 text of an answer's element, if it has one.
fn base64_element(root: &crate::wire::reader::Element, name: &str, who: &str) -> Result<Option<Vec<u8>>, Error> {
    let Some(element) = root.find(name) else {
        return Ok(None);
    };
    let compact: String = element.text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map(Some)
        .map_err(|e| Error::Upstream(format!("{who} sent {name} that is not base64: {e}")))
}
