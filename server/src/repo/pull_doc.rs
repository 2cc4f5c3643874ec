//! The Pull Doc Request API (`POST /repository/api/pulldoc/1/xml`): a
//! locker asks for the document behind a URI and gets it in base64.

use base64::Engine;
use openlocker_db::repo as db;
use serde::Serialize;

use super::store;
use crate::app::App;
use crate::crypto::Purpose;
use crate::error::Error;
use crate::wire_auth;
use crate::xml_tree::{self, Element};

/// The `PullDocResponse` document.
#[derive(Debug, Serialize)]
#[serde(rename = "PullDocResponse")]
pub struct PullDocResponse {
    #[serde(rename = "@xmlns:ns2")]
    ns: &'static str,
    #[serde(rename = "ResponseStatus")]
    status: ResponseStatus,
    /// Why a request was refused (absent on success).
    #[serde(rename = "ResponseMessage", skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(rename = "DocDetails", skip_serializing_if = "Option::is_none")]
    details: Option<DocDetails>,
}

/// `<ResponseStatus Status="1" ts=".." txn="..">1</ResponseStatus>`.
#[derive(Debug, Serialize)]
pub struct ResponseStatus {
    #[serde(rename = "@Status")]
    pub status: String,
    #[serde(rename = "@ts")]
    pub ts: String,
    #[serde(rename = "@txn")]
    pub txn: String,
    #[serde(rename = "$text")]
    pub text: String,
}

#[derive(Debug, Serialize)]
struct DocDetails {
    #[serde(rename = "URI")]
    uri: String,
    #[serde(rename = "DocContent")]
    content: String,
}

impl PullDocResponse {
    fn refused(request: &Element, message: String) -> PullDocResponse {
        PullDocResponse {
            ns: "http://tempuri.org/",
            status: status_of(request, "0"),
            message: Some(message),
            details: None,
        }
    }
}

/// The status element, echoing the request's `ts` and `txn`.
pub fn status_of(request: &Element, status: &str) -> ResponseStatus {
    ResponseStatus {
        status: status.into(),
        ts: request.attribute("ts").unwrap_or_default().into(),
        txn: request.attribute("txn").unwrap_or_default().into(),
        text: status.into(),
    }
}

/// Answers a Pull Doc request. Only a body that is not acceptable XML is an
/// `Err`; every other refusal is a Status 0 answer with its reason.
pub fn handle(app: &App, body: &[u8], hmac_header: Option<&str>) -> Result<PullDocResponse, Error> {
    let request = xml_tree::parse(body).map_err(|e| Error::Invalid(e.to_string()))?;
    Ok(match answer(app, &request, body, hmac_header) {
        Ok(response) => response,
        Err(Refused(message)) => PullDocResponse::refused(&request, message),
    })
}

/// A reason for Status 0.
struct Refused(String);

impl From<Error> for Refused {
    fn from(err: Error) -> Self {
        if let Error::Internal(cause) = &err {
            tracing::error!(cause, "pull doc request failed");
            return Refused("the repository could not read the document; please retry later".into());
        }
        Refused(err.to_string())
    }
}

/// Authenticates a Pull request from a repository client: orgId, `ts`
/// window, keyhash, the optional body HMAC header, and `txn` replay.
pub(super) fn authenticate(app: &App, request: &Element, body: &[u8], hmac_header: Option<&str>) -> Result<(), String> {
    let field = |name: &str| {
        request
            .attribute(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("the {name} attribute is missing or empty"))
    };
    let (org_id, ts, txn, keyhash) = (field("orgId")?, field("ts")?, field("txn")?, field("keyhash")?);
    let conn = app.db.conn().map_err(|e| e.to_string())?;
    let client = db::client(&conn, org_id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("unknown orgId {org_id}"))?;
    drop(conn);
    if client.disabled {
        return Err(format!("orgId {org_id} is disabled"));
    }
    wire_auth::check_ts(app, ts)?;
    let key = app
        .keys
        .open(Purpose::ApiKey, &client.key_enc)
        .map_err(|e| e.to_string())?;
    if !wire_auth::keyhash_matches(&[&key], ts, keyhash) {
        return Err(wire_auth::KEYHASH_MISMATCH.into());
    }
    if let Some(header) = hmac_header
        && !wire_auth::body_hmac_matches(&key, body, header)
    {
        return Err("x-digilocker-hmac does not match the request body".into());
    }
    wire_auth::record_txn(app, &client.org_id, txn).map_err(|e| e.to_string())?
}

fn answer(app: &App, request: &Element, body: &[u8], hmac_header: Option<&str>) -> Result<PullDocResponse, Refused> {
    if !request.name.eq_ignore_ascii_case("PullDocRequest") {
        return Err(Refused(format!(
            "the root element is {}, not PullDocRequest",
            request.name
        )));
    }
    authenticate(app, request, body, hmac_header).map_err(Refused)?;
    let uri = request
        .find("URI")
        .map(|u| u.text.as_str())
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Refused("DocDetails/URI is missing".into()))?;
    let doc = db::doc_by_uri(&*app.db.conn().map_err(Error::from)?, uri)
        .map_err(Error::from)?
        .ok_or_else(|| Refused(format!("no document has the URI {uri}")))?;
    let content = store::get(&super::store_dir(app), &doc.content_sha256)?;
    tracing::info!(
        uri = doc.uri,
        org_id = request.attribute("orgId"),
        "served a document by Pull Doc"
    );
    Ok(PullDocResponse {
        ns: "http://tempuri.org/",
        status: status_of(request, "1"),
        message: None,
        details: Some(DocDetails {
            uri: doc.uri,
            content: base64::engine::general_purpose::STANDARD.encode(content),
        }),
    })
}
