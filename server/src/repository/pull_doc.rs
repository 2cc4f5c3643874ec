//! The Pull Doc Request API (`POST /repository/api/pulldoc/1/xml`): a
//! locker asks for the document behind a URI and gets it in base64.

use std::sync::Arc;

use base64::Engine;
use bytes::Bytes;
use openlocker_db::repo as db;
use serde::Serialize;

use super::cache::CachedClient;
use super::store;
use crate::app::App;
use crate::platform::crypto::Purpose;
use crate::platform::error::Error;
use crate::wire::auth;
use crate::wire::reader::{self, Element};
use crate::wire::refusal::Refusal;
use crate::wire::replay::Durability;
use crate::wire::writer::to_xml;

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
    /// The signed certificate XML, in base64 (absent for a document stored
    /// before the repository signed).
    #[serde(rename = "DataContent", skip_serializing_if = "Option::is_none")]
    data: Option<String>,
}

impl PullDocResponse {
    fn refused(request: &Element, refusal: Refusal) -> PullDocResponse {
        PullDocResponse {
            ns: "http://tempuri.org/",
            status: status_of(request, refusal.status()),
            message: Some(refusal.into_reason()),
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

/// The marker that stands for the content while the answer is serialised,
/// so the large base64 text is never escaped or copied by the serialiser.
const CONTENT_MARKER: &str = "<DocContent>CONTENT</DocContent>";

/// A Pull Doc answer.
pub enum Answer {
    /// Status 0, with the reason.
    Refused(PullDocResponse),
    /// Status 1: the XML before the base64 content, the content, and the XML
    /// after it.
    Document { head: String, content: Bytes, tail: String },
}

/// What an answer may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Only memory: answers on the async worker itself, or not at all.
    Memory,
    /// Memory, then SQLite and the file store (a blocking thread).
    Storage,
}

/// Answers a Pull Doc request. Only a body that is not acceptable XML is an
/// `Err`; every other refusal is a Status 0 answer with its reason. With
/// [`Reach::Memory`], `Ok(None)` means the answer needs storage: nothing was
/// recorded, and the request should be answered again with
/// [`Reach::Storage`].
pub fn handle(app: &App, body: &[u8], hmac_header: Option<&str>, reach: Reach) -> Result<Option<Answer>, Error> {
    let request = reader::parse(body).map_err(|e| Error::Invalid(e.to_string()))?;
    Ok(match answer(app, &request, body, hmac_header, reach) {
        Ok(answer) => Some(answer),
        Err(Stop::Refused(refusal)) => Some(Answer::Refused(PullDocResponse::refused(&request, refusal))),
        Err(Stop::NeedsStorage) => None,
    })
}

/// Why an answer stopped short of a document.
pub(super) enum Stop {
    /// Status 0, with the reason.
    Refused(Refusal),
    /// Something is not in memory (only with [`Reach::Memory`]).
    NeedsStorage,
}

impl From<Refusal> for Stop {
    fn from(refusal: Refusal) -> Self {
        Stop::Refused(refusal)
    }
}

impl From<Error> for Stop {
    fn from(err: Error) -> Self {
        Stop::Refused(err.into())
    }
}

impl From<openlocker_db::DbError> for Stop {
    fn from(err: openlocker_db::DbError) -> Self {
        Stop::Refused(err.into())
    }
}

fn refused(message: impl Into<String>) -> Stop {
    Stop::Refused(Refusal::new(message))
}

/// A request whose sender is authenticated; its txn is not yet recorded.
pub(super) struct Authenticated<'a> {
    client: Arc<CachedClient>,
    txn: &'a str,
}

/// Authenticates a Pull request from a repository client: orgId, `ts`
/// window, keyhash and the optional body HMAC header. The `txn` is recorded
/// by [`record_txn`], once the answer is sure not to need storage.
pub(super) fn authenticate<'a>(
    app: &App,
    request: &'a Element,
    body: &[u8],
    hmac_header: Option<&str>,
    reach: Reach,
) -> Result<Authenticated<'a>, Stop> {
    let field = |name: &str| {
        request
            .attribute(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| refused(format!("the {name} attribute is missing or empty")))
    };
    let (org_id, ts, txn, keyhash) = (field("orgId")?, field("ts")?, field("txn")?, field("keyhash")?);
    let storage = (reach == Reach::Storage).then_some(&app.db);
    let client = match (app.repo_cache.client(storage, org_id), reach) {
        (Some(client), _) => client,
        (None, Reach::Memory) => return Err(Stop::NeedsStorage),
        (None, Reach::Storage) => {
            let found = db::client(&app.db, org_id)?
                .ok_or_else(|| refused(format!("unknown orgId {}", crate::wire::auth::shown(org_id))))?;
            let key = app.keys.open(Purpose::ApiKey, &found.key_enc)?;
            app.repo_cache.put_client(CachedClient {
                org_id: found.org_id,
                key,
                disabled: found.disabled,
            })
        }
    };
    if client.disabled {
        return Err(refused(format!("orgId {org_id} is disabled")));
    }
    auth::check_ts(app, ts)?;
    if !auth::keyhash_matches(&[&client.key], ts, keyhash) {
        return Err(refused(auth::KEYHASH_MISMATCH));
    }
    if let Some(header) = hmac_header
        && !auth::body_hmac_matches(&client.key, body, header)
    {
        return Err(refused("x-digilocker-hmac does not match the request body"));
    }
    Ok(Authenticated { client, txn })
}

/// Records the request's txn; a replay is refused. Pull requests only read,
/// so their txns are written behind (see [`crate::wire::replay`]), but on a
/// shared database they are written at once, which needs storage.
pub(super) fn record_txn(app: &App, sender: &Authenticated<'_>, reach: Reach) -> Result<(), Stop> {
    if reach == Reach::Memory && crate::wire::replay::written_at_once(&app.db) {
        return Err(Stop::NeedsStorage);
    }
    Ok(auth::record_txn(
        app,
        &sender.client.org_id,
        sender.txn,
        Durability::WriteBehind,
    )?)
}

fn answer(app: &App, request: &Element, body: &[u8], hmac_header: Option<&str>, reach: Reach) -> Result<Answer, Stop> {
    if !request.name.eq_ignore_ascii_case("PullDocRequest") {
        return Err(refused(format!(
            "the root element is {}, not PullDocRequest",
            request.name
        )));
    }
    let sender = authenticate(app, request, body, hmac_header, reach)?;
    let uri = request
        .find("URI")
        .map(|u| u.text.as_str())
        .filter(|u| !u.is_empty())
        .ok_or_else(|| refused("DocDetails/URI is missing"))?;
    let doc = find_doc(app, uri, reach)?;
    let content = match &doc {
        Some(doc) => Some(base64_of(app, &doc.content_sha256, reach)?),
        None => None,
    };
    // The signed certificate XML, for documents stored since signing began.
    let signed = doc.as_ref().filter(|d| d.signing_key.is_some());
    let data = match signed.and_then(|d| d.certificate_sha256.as_deref()) {
        Some(signed) => Some(base64_of(app, signed, reach)?),
        None => None,
    };
    // Everything is at hand: from here on the request is answered.
    record_txn(app, &sender, reach)?;
    let (Some(doc), Some(content)) = (doc, content) else {
        return Err(refused(format!("no document has the URI {uri}")));
    };
    tracing::info!(
        uri = doc.uri,
        org_id = sender.client.org_id,
        "served a document by Pull Doc"
    );
    document_answer(request, &doc, content, data)
}

/// The Status 1 answer, around the document's base64 `content`: written
/// in parts, so the cached base64 is never copied into a string.
fn document_answer(request: &Element, doc: &db::Doc, content: Bytes, data: Option<Bytes>) -> Result<Answer, Stop> {
    let skeleton = to_xml(&PullDocResponse {
        ns: "http://tempuri.org/",
        status: status_of(request, "1"),
        message: None,
        details: Some(DocDetails {
            uri: doc.uri.clone(),
            content: "CONTENT".into(),
            data: data.map(|d| String::from_utf8_lossy(&d).into_owned()),
        }),
    });
    // Values from the request are escaped, so the marker's `<` can only be
    // the serialiser's own.
    let (head, tail) = skeleton
        .split_once(CONTENT_MARKER)
        .ok_or_else(|| Error::Internal("the Pull Doc answer has no DocContent".into()))?;
    Ok(Answer::Document {
        head: format!("{head}<DocContent>"),
        content,
        tail: format!("</DocContent>{tail}"),
    })
}

/// The document with this URI, from memory or, with [`Reach::Storage`], from
/// SQLite.
fn find_doc(app: &App, uri: &str, reach: Reach) -> Result<Option<Arc<db::Doc>>, Stop> {
    if let Some(doc) = app.repo_cache.doc(uri) {
        return Ok(Some(doc));
    }
    if reach == Reach::Memory {
        return Err(Stop::NeedsStorage);
    }
    let found = db::doc_by_uri(&app.db, uri)?;
    Ok(found.map(|doc| app.repo_cache.put_doc(doc)))
}

/// A stored file (the document, or its signed certificate XML) in base64,
/// from memory or, with [`Reach::Storage`], from the file store.
fn base64_of(app: &App, sha256: &str, reach: Reach) -> Result<Bytes, Stop> {
    if let Some(content) = app.repo_cache.content(sha256) {
        return Ok(content);
    }
    if reach == Reach::Memory {
        return Err(Stop::NeedsStorage);
    }
    let content = store::get(&app.objects, sha256, &app.keys.file_cipher())?;
    let encoded = Bytes::from(base64::engine::general_purpose::STANDARD.encode(content));
    app.repo_cache.put_content(sha256, encoded.clone());
    Ok(encoded)
}
