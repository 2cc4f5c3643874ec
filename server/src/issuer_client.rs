//! The locker's side of the Pull Doc API: fetch a document live from the
//! issuer's repository, with the keyhash of the credentials the issuer
//! gave us, and check that the answer is the document asked for.

use base64::Engine;
use openlocker_db::issuers::Issuer;
use serde::Serialize;

use crate::app::App;
use crate::crypto::{self, Purpose};
use crate::dates;
use crate::error::Error;
use crate::{repo, upstream, xml_tree};

/// A document fetched from its issuer.
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename = "PullDocRequest")]
struct PullDocRequest<'a> {
    #[serde(rename = "@xmlns:ns2")]
    ns: &'static str,
    #[serde(rename = "@ver")]
    ver: &'static str,
    #[serde(rename = "@ts")]
    ts: &'a str,
    #[serde(rename = "@txn")]
    txn: &'a str,
    #[serde(rename = "@orgId")]
    org_id: &'a str,
    #[serde(rename = "@keyhash")]
    keyhash: &'a str,
    #[serde(rename = "DocDetails")]
    details: Details<'a>,
}

#[derive(Serialize)]
struct Details<'a> {
    #[serde(rename = "URI")]
    uri: &'a str,
}

/// Fetches `uri` from `issuer`'s repository.
pub fn pull_doc(app: &App, issuer: &Issuer, uri: &str) -> Result<Fetched, Error> {
    let who = format!("issuer {}", issuer.id);
    let (Some(url), Some(org_id), Some(sealed_key)) =
        (&issuer.pull_doc_url, &issuer.pull_org_id, &issuer.pull_api_key_enc)
    else {
        return Err(Error::Upstream(format!("{who} has no Pull Doc API configured")));
    };
    let key = app.keys.open(Purpose::ApiKey, sealed_key)?;
    let ts = dates::now_ts();
    let txn = crypto::random_hex(12);
    let keyhash = crypto::sha256_hex(&[&key, ts.as_bytes()]);
    let request = PullDocRequest {
        ns: "http://tempuri.org/",
        ver: "1.0",
        ts: &ts,
        txn: &txn,
        org_id,
        keyhash: &keyhash,
        details: Details { uri },
    };
    let answer = upstream::post_xml(app, url, &crate::http::xml::to_xml(&request), &who)?;
    let root = xml_tree::parse(answer.as_bytes())
        .map_err(|e| Error::Upstream(format!("{who} sent an answer that is not acceptable XML: {e}")))?;
    let status = root
        .find("ResponseStatus")
        .map(|s| s.attribute("Status").unwrap_or(&s.text).to_owned());
    if status.as_deref() != Some("1") {
        let reason = root
            .find("ResponseMessage")
            .map(|m| m.text.as_str())
            .filter(|m| !m.is_empty());
        return Err(Error::Upstream(format!(
            "{who} could not provide the document{}",
            reason.map(|r| format!(": {r}")).unwrap_or_default()
        )));
    }
    if let Some(answered) = root.find("URI").map(|u| u.text.as_str())
        && !answered.is_empty()
        && !answered.eq_ignore_ascii_case(uri)
    {
        return Err(Error::Upstream(format!(
            "{who} answered with another document ({answered})"
        )));
    }
    let content = root.find("DocContent").map(|c| c.text.as_str()).unwrap_or_default();
    let compact: String = content.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|e| Error::Upstream(format!("{who} sent DocContent that is not base64: {e}")))?;
    if bytes.is_empty() {
        return Err(Error::Upstream(format!("{who} sent an empty document")));
    }
    let content_type = repo::content_type(&bytes).unwrap_or("application/octet-stream");
    Ok(Fetched { bytes, content_type })
}
