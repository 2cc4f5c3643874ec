//! The dedicated-repository role: a department's e-documents, the lockers
//! (clients) allowed to pull them, and the Pull Doc API.

pub mod cache;
pub mod certificate;
mod documents;
pub mod manifest;
pub mod mint;
pub mod pull_doc;
pub mod pull_uri;
pub mod push;
pub mod signing;
pub mod store;

use md5::{Digest, Md5};
use openlocker_db::DbError;
use openlocker_db::repo as db;
use serde::Serialize;

use crate::app::App;
use crate::platform::crypto::{self, Purpose};
use crate::platform::dates;
use crate::platform::error::Error;

pub use documents::{NewDocument, add_doc};

/// Credentials of a locker allowed to pull, shown once.
#[derive(Debug, Serialize)]
pub struct ClientCredentials {
    pub org_id: String,
    pub api_key: String,
}

const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The orgId and key a department already uses with DigiLocker, brought to
/// `repo client add` instead of new ones.
pub struct KnownCredentials {
    pub org_id: String,
    pub api_key: String,
}

/// Adds a locker that will call the Pull APIs: with the `known` orgId and
/// key, or with new ones.
pub fn add_client(app: &App, name: &str, known: Option<KnownCredentials>) -> Result<ClientCredentials, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid("the client needs a name".into()));
    }
    let (org_id, api_key) = match known {
        Some(known) => check_known(known)?,
        None => (
            format!("RC{}", crypto::random_string(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ", 10)),
            crypto::random_string(KEY_ALPHABET, 40),
        ),
    };
    let sealed = app.keys.seal(Purpose::ApiKey, api_key.as_bytes());
    db::insert_client(&app.db, &org_id, name, &sealed, dates::unix_now())?;
    tracing::info!(org_id, "added repository client");
    Ok(ClientCredentials { org_id, api_key })
}

/// Replaces a client's API key; the old one stops working at once.
pub fn rotate_client_key(app: &App, org_id: &str) -> Result<ClientCredentials, Error> {
    let api_key = crypto::random_string(KEY_ALPHABET, 40);
    let sealed = app.keys.seal(Purpose::ApiKey, api_key.as_bytes());
    db::set_client_key(&app.db, org_id, &sealed).map_err(|e| no_client(e, org_id))?;
    app.repo_cache.clients_changed(&app.db)?;
    Ok(ClientCredentials {
        org_id: org_id.to_owned(),
        api_key,
    })
}

/// Disables (or enables again) a client.
pub fn set_client_disabled(app: &App, org_id: &str, disabled: bool) -> Result<(), Error> {
    db::set_client_disabled(&app.db, org_id, disabled).map_err(|e| no_client(e, org_id))?;
    app.repo_cache.clients_changed(&app.db)?;
    Ok(())
}

/// An orgId of 1 to 100 visible characters and a key of at least 16.
fn check_known(known: KnownCredentials) -> Result<(String, String), Error> {
    let org_id = known.org_id.trim().to_owned();
    let api_key = known.api_key.trim().to_owned();
    if org_id.is_empty() || org_id.len() > 100 || !org_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::Invalid("--org-id must be 1 to 100 visible characters".into()));
    }
    if api_key.len() < 16 || api_key.len() > 200 || !api_key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::Invalid(
            "the API key file must hold one key of 16 to 200 visible characters".into(),
        ));
    }
    Ok((org_id, api_key))
}

/// The keyed HMAC of the MD5 of an Aadhaar number: the index of a search by
/// `UID`. The MD5 is a reversible form of the number, so only this is kept.
pub fn uid_hmac(app: &App, md5_hex: &str) -> Vec<u8> {
    app.keys
        .aadhaar_hmac(&format!("uid-md5:{}", md5_hex.to_ascii_lowercase()))
        .to_vec()
}

/// Fills the UID index of owners stored before it existed; how many.
pub fn index_owner_uids(app: &App) -> Result<usize, Error> {
    let missing = db::owners_without_uid(&app.db)?;
    let mut filled = Vec::with_capacity(missing.len());
    for (doc, aadhaar_hmac, sealed) in missing {
        let digits = app.keys.open(Purpose::Aadhaar, &sealed)?;
        filled.push((doc, aadhaar_hmac, uid_hmac(app, &hex::encode(Md5::digest(&digits)))));
    }
    db::set_owner_uids(&app.db, &filled)?;
    Ok(filled.len())
}

fn no_client(err: DbError, org_id: &str) -> Error {
    match err {
        DbError::NotFound => Error::NotFound(format!("no repository client {org_id}")),
        other => other.into(),
    }
}

/// Approves a document of a "verify by hand" doc type: Pull URI answers it
/// from now on, and the next push sends it.
pub fn approve(app: &App, uri: &str) -> Result<(), Error> {
    db::approve(&app.db, uri, dates::unix_now()).map_err(|e| match e {
        DbError::NotFound => Error::NotFound(format!("no document {uri}")),
        other => other.into(),
    })
}

/// `application/pdf` or `application/xml`, judged by content, not by name.
pub fn content_type(content: &[u8]) -> Option<&'static str> {
    if content.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    let text = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    if text.trim_ascii_start().starts_with(b"<") && crate::wire::reader::parse(text).is_ok() {
        return Some("application/xml");
    }
    None
}
