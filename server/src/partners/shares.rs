//! Sharing a document with a requester: after the widget checks pass and
//! the resident confirms, the locker mints a public URL for that one
//! document. Its token is 256 random bits, kept only as a SHA-256; it works
//! for `share_minutes` and `share_max_fetches` fetches, until revoked.

use openlocker_db::shares::{self, NewShare, Share, SharedDoc};
use openlocker_db::{docs, uploads as uploads_db};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::locker::activity::{self, Client, Kind};
use crate::locker::uploads;
use crate::partners::widget_check::{self, WidgetRequest};
use crate::platform::crypto;
use crate::platform::dates;
use crate::platform::error::Error;

/// The document a resident picked, and a new share as the popup hands it
/// to the partner page: the shared JSON types.
pub use openlocker_proto::widget::{DocChoice, Minted};

/// Shares `doc` with the requester of `widget`, after checking the widget
/// request again (the popup cannot skip the checks); only for a verified
/// resident.
pub fn create(
    app: &App,
    resident_id: i64,
    widget: &WidgetRequest,
    doc: &DocChoice,
    client: &Client,
) -> Result<Minted, Error> {
    if !widget.service.trim().eq_ignore_ascii_case("share") {
        return Err(Error::Invalid("a share is made for the share service".into()));
    }
    crate::locker::identity::require_verified(app, resident_id)?;
    let checked = widget_check::check(app, widget)?;
    let (doc, doc_name) = resolve(app, resident_id, doc)?;
    let token = crypto::random_hex(32);
    let now = dates::unix_now();
    let expires_at = now + app.settings.share_minutes as i64 * 60;
    let max_fetches = i64::from(app.settings.share_max_fetches);
    let share_id = shares::insert(
        &app.db,
        &NewShare {
            resident_id,
            app_id: &checked.requester.app_id,
            origin: &checked.origin,
            doc: &doc,
            doc_name: &doc_name,
            token_hash: &Sha256::digest(token.as_bytes()),
            now,
            expires_at,
            max_fetches,
        },
    )?;
    let what = format!("{doc_name} with {}", checked.requester.name);
    activity::record(app, resident_id, Kind::Shared, &what, client)?;
    let app_id = &checked.requester.app_id;
    tracing::info!(resident_id, share_id, app_id, "shared a document");
    Ok(Minted {
        share_id,
        doc_url: format!("{}/share/{token}", app.settings.public_url().trim_end_matches('/')),
        doc_name,
        expires_at,
        max_fetches,
        origin: checked.origin,
    })
}

/// The resident's own document and its name; another's is "not found".
fn resolve(app: &App, resident_id: i64, doc: &DocChoice) -> Result<(SharedDoc, String), Error> {
    match doc {
        DocChoice::Issued { uri } => {
            let found = docs::for_resident_by_uri(&app.db, resident_id, uri)?
                .ok_or_else(|| Error::NotFound(format!("there is no document {uri} in your locker")))?;
            Ok((SharedDoc::Issued { uri: found.uri }, found.doc_name))
        }
        DocChoice::Uploaded { id } => {
            let found = uploads_db::file(&app.db, resident_id, *id)?
                .ok_or_else(|| Error::NotFound(format!("there is no uploaded document {id} in your locker")))?;
            Ok((SharedDoc::Uploaded { id: found.id }, found.name))
        }
    }
}

/// A shared document's bytes.
pub enum SharedContent {
    /// Pulled live from the issuer, with its signature checked.
    Issued {
        bytes: Vec<u8>,
        content_type: &'static str,
        /// `valid`, `invalid`, `unsigned` or `unchecked`.
        signature: String,
    },
    /// Read from the resident's encrypted store.
    Uploaded {
        reader: Box<uploads::Download>,
        content_type: String,
    },
}

/// The document behind a public share URL, counting the fetch. An unknown
/// token is 404; an expired, revoked or used-up one is 410.
pub fn fetch(app: &App, token: &str) -> Result<(Share, SharedContent), Error> {
    let hash = Sha256::digest(token.as_bytes());
    let now = dates::unix_now();
    let (share, counted) =
        shares::fetch(&app.db, &hash, now)?.ok_or_else(|| Error::NotFound("no such shared document".into()))?;
    if !counted {
        return Err(Error::Gone(if share.revoked_at.is_some() {
            "the resident revoked this share".into()
        } else if share.expires_at <= now {
            "this shared document's link has expired".into()
        } else {
            format!(
                "this shared document's link was used {} times, its limit",
                share.max_fetches
            )
        }));
    }
    let content = match read(app, &share) {
        Ok(content) => content,
        Err(err) => {
            // The requester did not get the document: let them try again.
            give_back_fetch(app, share.id);
            return Err(err);
        }
    };
    tracing::info!(
        share_id = share.id,
        app_id = share.app_id,
        "a shared document was fetched"
    );
    Ok((share, content))
}

/// Gives back the fetch counted for a document that could not be read. A
/// failure here is logged, never returned: the caller's own error is the
/// one the requester must see.
fn give_back_fetch(app: &App, share_id: i64) {
    let given_back = shares::uncount_fetch(&app.db, share_id);
    if let Err(e) = given_back {
        tracing::error!(share_id, error = %e, "could not give back the fetch of a failed share download");
    }
}

fn read(app: &App, share: &Share) -> Result<SharedContent, Error> {
    match &share.doc {
        SharedDoc::Issued { uri } => {
            let doc = docs::for_resident_by_uri(&app.db, share.resident_id, uri)?
                .ok_or_else(|| Error::Gone("the document is no longer in the resident's locker".into()))?;
            let opened = crate::locker::issued_files::content(app, share.resident_id, &doc)?;
            let fetched = opened.file;
            let signature = opened.signature;
            Ok(SharedContent::Issued {
                bytes: fetched.bytes,
                content_type: fetched.content_type,
                signature,
            })
        }
        SharedDoc::Uploaded { id } => {
            let file = uploads_db::file(&app.db, share.resident_id, *id)?
                .ok_or_else(|| Error::Gone("the resident deleted this document".into()))?;
            let reader = uploads::shelf(app).open(&file.content_id, app.keys.file_cipher())?;
            Ok(SharedContent::Uploaded {
                reader: Box::new(reader),
                content_type: file.content_type,
            })
        }
    }
}

/// The resident's shares, newest first.
pub fn list(app: &App, resident_id: i64) -> Result<Vec<openlocker_proto::widget::ShareEntry>, Error> {
    let now = dates::unix_now();
    let mut names = std::collections::HashMap::new();
    let mut views = Vec::new();
    for share in shares::for_resident(&app.db, resident_id)? {
        if !names.contains_key(&share.app_id) {
            let name = openlocker_db::requesters::get(&app.db, &share.app_id)?
                .map(|r| r.name)
                .unwrap_or_else(|| share.app_id.clone());
            names.insert(share.app_id.clone(), name);
        }
        let app_name = names[&share.app_id].clone();
        views.push(crate::locker::views::share_entry(share, app_name, now));
    }
    Ok(views)
}

/// Revokes one of the resident's shares: its URL answers 410 from now on.
pub fn revoke(app: &App, resident_id: i64, share_id: i64) -> Result<(), Error> {
    shares::revoke(&app.db, resident_id, share_id, dates::unix_now()).map_err(|e| match e {
        openlocker_db::DbError::NotFound => Error::NotFound(format!("you have no share {share_id}")),
        other => other.into(),
    })?;
    tracing::info!(resident_id, share_id, "revoked a share");
    Ok(())
}
