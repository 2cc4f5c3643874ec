//! The calls a partner makes with `Authorization: Bearer ACCESS_TOKEN`:
//! the user's details, the issued list, an issued document's file and
//! certificate XML (served as the locker serves them: the kept copy or a
//! live pull, see [`crate::locker::issued_files`]), and the uploaded
//! documents. Every call is checked against the token, its grant (revoked
//! or ended grants fail at once) and the grant's scope; documents need a
//! verified identity ([`identity::require_verified`]). Every call is
//! recorded in the resident's activity log with the app's name.

use openlocker_db::oauth::{self as db, Grant};
use openlocker_db::uploads::File;
use serde::Serialize;

use super::Scope;
use super::tokens::{self, UserDetails};
use crate::app::App;
use crate::locker::activity::Client;
use crate::locker::issuer_client::Fetched;
use crate::locker::{identity, issued_files, residents, uploads};
use crate::platform::dates;
use crate::platform::error::{Error, OAuthCode};

/// The grant of a valid access token that covers `needed`.
pub fn authenticate(app: &App, bearer: Option<&str>, needed: Scope) -> Result<Grant, Error> {
    let invalid = |why: &str| Error::oauth(OAuthCode::InvalidToken, why);
    let text = bearer.ok_or_else(|| invalid("an Authorization: Bearer access token is required"))?;
    let now = dates::unix_now();
    let token = db::token(&app.db, &super::secret_hash(text))?
        .filter(|t| t.kind == "access")
        .ok_or_else(|| invalid("the access token is not valid"))?;
    if token.expires_at <= now {
        return Err(invalid("the access token expired"));
    }
    if token.grant.revoked_at.is_some() || token.grant.valid_till <= now {
        return Err(invalid("the resident's consent was revoked or has ended"));
    }
    if !super::covers(&token.grant.scope, needed) {
        return Err(Error::oauth(
            OAuthCode::InsufficientScope,
            format!("the grant does not include the scope {}", needed.as_str()),
        ));
    }
    Ok(token.grant)
}

/// Records the call in the resident's log (the app and what it did) and
/// the grant's use, both written behind.
pub(super) fn record(app: &App, grant: &Grant, what: &str, client: &Client) -> Result<(), Error> {
    let detail = format!("{}: {what}", grant.app_name);
    app.activity_behind
        .record(app, grant.id, grant.resident_id, &detail, client)
}

/// `GET /1/user`.
pub fn user(app: &App, bearer: Option<&str>, client: &Client) -> Result<UserDetails, Error> {
    let grant = authenticate(app, bearer, Scope::UserDetails)?;
    let user = tokens::user_details(app, &grant)?;
    record(app, &grant, "read your details", client)?;
    Ok(user)
}

/// An item of the issued list, as the specification names its fields.
#[derive(Debug, Serialize)]
pub struct IssuedItem {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub size: String,
    /// `DD-MM-YYYY`.
    pub date: String,
    pub parent: String,
    pub mime: Vec<&'static str>,
    pub uri: String,
    pub doctype: String,
    pub description: String,
    pub issuerid: String,
    pub issuer: String,
    /// The locker's check of the document's signature.
    pub signature: openlocker_proto::locker::SignatureState,
}

/// The issued list's answer.
#[derive(Debug, Serialize)]
pub struct IssuedList {
    pub items: Vec<IssuedItem>,
    pub resource: &'static str,
}

/// `YYYY-MM-DD` as `DD-MM-YYYY`.
fn dmy(iso: &str) -> String {
    iso.split('-').rev().collect::<Vec<_>>().join("-")
}

/// `GET /2/files/issued` (and `/1/`, `/3/`).
pub fn issued(app: &App, bearer: Option<&str>, client: &Client) -> Result<IssuedList, Error> {
    let grant = authenticate(app, bearer, Scope::IssuedDocs)?;
    identity::require_verified(app, grant.resident_id)?;
    let items = residents::issued(app, grant.resident_id)?
        .into_iter()
        .map(|doc| IssuedItem {
            name: doc.doc_name,
            kind: "file",
            size: String::new(),
            date: dmy(&doc.issued_on),
            parent: String::new(),
            mime: vec!["application/pdf", "application/xml"],
            description: doc.doc_type_name.unwrap_or_else(|| doc.doc_type.clone()),
            doctype: doc.doc_type,
            issuer: doc.issuer_name.unwrap_or_else(|| doc.issuer_id.clone()),
            issuerid: doc.issuer_id,
            uri: doc.uri,
            signature: doc.signature,
        })
        .collect();
    record(app, &grant, "listed your issued documents", client)?;
    Ok(IssuedList {
        items,
        resource: "issued",
    })
}

/// What `GET /1/file/{uri_or_id}` answers.
pub enum FileAnswer {
    /// An issued document, as the locker opens it.
    Issued { uri: String, file: Fetched },
    /// An uploaded document and its stored bytes (boxed: the reader
    /// carries its buffers).
    Uploaded { file: File, bytes: Box<uploads::Download> },
}

/// `GET /1/file/{uri_or_id}`: an issued document by URI, or an uploaded
/// one by id (digits only).
pub fn file(app: &App, bearer: Option<&str>, uri_or_id: &str, client: &Client) -> Result<FileAnswer, Error> {
    if uri_or_id.trim().is_empty() {
        return Err(Error::oauth(
            OAuthCode::UriMissing,
            "the URI of the document is missing",
        ));
    }
    if let Ok(id) = uri_or_id.parse::<i64>() {
        let grant = authenticate(app, bearer, Scope::UploadedDocs)?;
        let (file, bytes) = uploads::open(app, grant.resident_id, id)
            .map_err(|e| not_found(e, OAuthCode::InvalidUri, "there is no such uploaded document"))?;
        record(app, &grant, &format!("downloaded {}", file.name), client)?;
        return Ok(FileAnswer::Uploaded {
            file,
            bytes: Box::new(bytes),
        });
    }
    let grant = authenticate(app, bearer, Scope::IssuedDocs)?;
    identity::require_verified(app, grant.resident_id)?;
    let doc = residents::issued_doc(app, grant.resident_id, uri_or_id).map_err(|e| {
        not_found(
            e,
            OAuthCode::InvalidUri,
            "there is no such document in the resident's locker",
        )
    })?;
    let opened = issued_files::content(app, grant.resident_id, &doc)?;
    record(app, &grant, &format!("opened {}", doc.uri), client)?;
    Ok(FileAnswer::Issued {
        uri: doc.uri,
        file: opened.file,
    })
}

/// `GET /1/xml/{uri}`: the issued document's certificate XML.
pub fn xml(app: &App, bearer: Option<&str>, uri: &str, client: &Client) -> Result<(String, Vec<u8>), Error> {
    let grant = authenticate(app, bearer, Scope::IssuedDocs)?;
    identity::require_verified(app, grant.resident_id)?;
    let (uri, xml) = residents::issued_xml(app, grant.resident_id, uri)
        .map_err(|e| not_found(e, OAuthCode::InvalidUri, "there is no certificate XML for that URI"))?;
    record(app, &grant, &format!("read the certificate XML of {uri}"), client)?;
    Ok((uri, xml))
}

/// A `NotFound` as the specification's name for it; other errors as they are.
fn not_found(error: Error, code: OAuthCode, message: &str) -> Error {
    match error {
        Error::NotFound(_) => Error::oauth(code, message),
        other => other,
    }
}
