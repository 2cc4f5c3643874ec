//! The locker's side of an issuer's repository APIs: Pull Doc (fetch a
//! document live) and Pull URI (search for a resident's document). Each
//! request carries the keyhash of the credentials the issuer gave us; each
//! answer is checked before it is believed.

mod pull_doc;
mod pull_uri;

pub use pull_doc::{Fetched, pull_doc};
pub use pull_uri::{Search, SearchAnswer, pull_uri};

use openlocker_db::issuers::Issuer;

use crate::app::App;
use crate::platform::crypto::Purpose;
use crate::platform::error::Error;
use crate::wire::envelope::Signature;
use crate::wire::reader::{self, Element};

/// Signs a request to `url` (the issuer's Pull URI or Pull Doc URL) with
/// the issuer's Pull credentials; `api` names the API in errors. Returns
/// the URL and the signature.
fn sign(app: &App, issuer: &Issuer, url: Option<&String>, api: &str) -> Result<(String, Signature), Error> {
    let (Some(url), Some(org_id), Some(sealed_key)) = (url, &issuer.pull_org_id, &issuer.pull_api_key_enc) else {
        return Err(Error::Upstream(format!(
            "issuer {} has no {api} API configured",
            issuer.id
        )));
    };
    let key = app.keys.open(Purpose::ApiKey, sealed_key)?;
    Ok((url.clone(), Signature::now(org_id, &key)))
}

/// An issuer's answer: its root element, `Status` and reason.
struct Answer {
    root: Element,
    status: Option<String>,
    reason: Option<String>,
}

fn read_answer(text: &str, who: &str) -> Result<Answer, Error> {
    let root = reader::parse(text.as_bytes())
        .map_err(|e| Error::Upstream(format!("{who} sent an answer that is not acceptable XML: {e}")))?;
    let status = root
        .find("ResponseStatus")
        .map(|s| s.attribute("Status").unwrap_or(&s.text).trim().to_owned());
    let reason = root
        .find("ResponseMessage")
        .map(|m| m.text.clone())
        .filter(|m| !m.is_empty());
    Ok(Answer { root, status, reason })
}
