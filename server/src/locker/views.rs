//! Stored rows as the resident API shows them: each `db` row becomes the
//! `openlocker-proto` type the web app reads, so a column added to a table
//! never reaches the JSON by accident and the browser and the server read
//! one definition.

use openlocker_db::{activity, docs, shares, uploads};
use openlocker_proto::locker::{ActivityEntry, DocSource, IssuedDoc, SignatureState, Validity};
use openlocker_proto::uploads::{Folder, UploadedFile};
use openlocker_proto::widget::{ShareEntry, ShareState};

use crate::platform::error::Error;

/// An issued document, in force or not on `today` (`YYYY-MM-DD`).
pub fn issued_doc(row: docs::IssuedDoc, today: &str) -> Result<IssuedDoc, Error> {
    let validity = match (&row.valid_from, &row.valid_to) {
        (Some(from), _) if from.as_str() > today => Validity::NotYetValid,
        (_, Some(to)) if to.as_str() < today => Validity::Expired,
        _ => Validity::Valid,
    };
    Ok(IssuedDoc {
        source: match row.source.as_str() {
            "push" => DocSource::Push,
            "pull" => DocSource::Pull,
            other => return Err(unknown("source", other)),
        },
        signature: signature_state(&row.signature)?,
        uri: row.uri,
        issuer_id: row.issuer_id,
        issuer_name: row.issuer_name,
        doc_type: row.doc_type,
        doc_type_name: row.doc_type_name,
        doc_name: row.doc_name,
        doc_id: row.doc_id,
        issued_on: row.issued_on,
        valid_from: row.valid_from,
        valid_to: row.valid_to,
        time_stamp: row.time_stamp,
        validity,
        signature_detail: row.signature_detail,
        signed_by: row.signed_by,
    })
}

/// A stored signature state (`unchecked`, `valid`, `invalid`, `unsigned`).
pub fn signature_state(stored: &str) -> Result<SignatureState, Error> {
    Ok(match stored {
        "unchecked" => SignatureState::Unchecked,
        "valid" => SignatureState::Valid,
        "invalid" => SignatureState::Invalid,
        "unsigned" => SignatureState::Unsigned,
        other => return Err(unknown("signature", other)),
    })
}

pub fn folder(row: uploads::Folder) -> Folder {
    Folder {
        id: row.id,
        name: row.name,
        files: row.files,
        created_at: row.created_at,
    }
}

/// An uploaded file, without where its content is stored.
pub fn uploaded_file(row: uploads::File) -> UploadedFile {
    UploadedFile {
        id: row.id,
        name: row.name,
        folder: row.folder,
        folder_id: row.folder_id,
        size: row.size,
        content_type: row.content_type,
        uploaded_at: row.uploaded_at,
    }
}

pub fn activity_entry(row: activity::Entry) -> ActivityEntry {
    ActivityEntry {
        id: row.id,
        at: row.at,
        kind: row.kind,
        detail: row.detail,
        ip: row.ip,
        user_agent: row.user_agent,
    }
}

/// A share as its resident sees it, at `now`, with its app's name.
pub fn share_entry(row: shares::Share, app_name: String, now: i64) -> ShareEntry {
    let state = if row.revoked_at.is_some() {
        ShareState::Revoked
    } else if row.expires_at <= now {
        ShareState::Expired
    } else if row.fetches >= row.max_fetches {
        ShareState::UsedUp
    } else {
        ShareState::Active
    };
    ShareEntry {
        id: row.id,
        resident_id: row.resident_id,
        app_id: row.app_id,
        origin: row.origin,
        doc_name: row.doc_name,
        created_at: row.created_at,
        expires_at: row.expires_at,
        max_fetches: row.max_fetches,
        fetches: row.fetches,
        last_fetched_at: row.last_fetched_at,
        revoked_at: row.revoked_at,
        app_name,
        state,
    }
}

/// A verification link, without its resident or where its XML is kept.
pub fn verify_link(row: openlocker_db::verify_links::VerifyLink) -> openlocker_proto::signing::VerifyLinkEntry {
    openlocker_proto::signing::VerifyLinkEntry {
        id: row.id,
        uri: row.uri,
        doc_name: row.doc_name,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
    }
}

fn unknown(column: &str, value: &str) -> Error {
    Error::Internal(format!("a stored {column} of {value:?} is not one this server knows"))
}
