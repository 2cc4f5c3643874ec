//! The locker's side of an issuer's repository APIs: Pull URI (search for
//! a resident's document; in v1.13 the answer carries the document) and,
//! for older issuers, Pull Doc (fetch a document live). Each request carries
//! the keyhash of the credentials the issuer gave us and, unless the issuer
//! is set to `none`, the `x-digilocker-hmac` of its body; each answer is
//! checked before it is believed.

mod pull_doc;
mod pull_uri;

pub use pull_doc::{Fetched, pull_doc};
pub use pull_uri::{Found, Search, SearchAnswer, UidMd5, pull_uri, request_xml};

use openlocker_db::issuers::Issuer;

use crate::app::App;
use crate::platform::address_policy::Reach;
use crate::platform::crypto::Purpose;
use crate::platform::error::Error;
use crate::wire::auth::{self as wire_auth, HmacEncoding};
use crate::wire::envelope::Signature;
use crate::wire::reader::{self, Element};
use crate::wire::upstream;

/// What signs one request: its envelope's [`Signature`], where it goes,
/// and the key and encoding of the body's HMAC.
struct Signed {
    url: String,
    signature: Signature,
    reach: Reach,
    key: Vec<u8>,
    hmac: Option<HmacEncoding>,
}

/// Signs a request to `url` (the issuer's Pull URI or Pull Doc URL) with
/// the issuer's Pull credentials; `api` names the API in errors.
fn sign(app: &App, issuer: &Issuer, url: Option<&String>, api: &str) -> Result<Signed, Error> {
    let (Some(url), Some(org_id), Some(sealed_key)) = (url, &issuer.pull_org_id, &issuer.pull_api_key_enc) else {
        return Err(Error::Upstream(format!(
            "issuer {} has no {api} API configured",
            issuer.id
        )));
    };
    let hmac =
        HmacEncoding::parse(&issuer.pull_hmac).map_err(|e| Error::Internal(format!("issuer {}: {e}", issuer.id)))?;
    let key = app.keys.open(Purpose::ApiKey, sealed_key)?;
    Ok(Signed {
        url: url.clone(),
        signature: Signature::now(org_id, &key),
        reach: reach_of(issuer),
        key,
        hmac,
    })
}

/// Where an issuer's Pull URLs may lead: anywhere when the operator set
/// them, public addresses only when the issuer did, in its portal.
fn reach_of(issuer: &Issuer) -> Reach {
    if issuer.pull_set_in_portal {
        Reach::PublicOnly
    } else {
        Reach::Any
    }
}

/// POSTs a signed request's `body`, with its `x-digilocker-hmac`.
fn post(app: &App, signed: &Signed, body: &str, who: &str) -> Result<String, Error> {
    let header = signed
        .hmac
        .map(|encoding| wire_auth::body_hmac(&signed.key, body.as_bytes(), encoding));
    let headers: Vec<(&str, &str)> = header.iter().map(|h| ("x-digilocker-hmac", h.as_str())).collect();
    upstream::post_xml(app, &signed.url, body, &headers, who, signed.reach)
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
