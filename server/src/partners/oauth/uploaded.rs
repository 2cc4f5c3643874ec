//! The partner API's Uploaded Documents: the list folder by folder
//! (`GET /1/files/`, `/1/files/{id}`) and the upload
//! (`POST /1/file/upload`), whose body a client signs with
//! base64(HMAC-SHA256(body, client_secret)) in the `hmac` header.
//!
//! Folders here are one level deep, so a `path` is `NAME` or
//! `FOLDER/NAME`; a missing folder is made, and a name already taken gets
//! a ` (2)` suffix, so an upload never fails on the resident's own naming.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use openlocker_db::oauth::Grant;
use openlocker_db::uploads::{File, Folder};
use serde::Serialize;
use sha2::Sha256;

use super::Scope;
use super::resource::{authenticate, record};
use crate::app::App;
use crate::locker::activity::Client;
use crate::locker::uploads::{self, folders, sniff, store};
use crate::partners::registry;
use crate::platform::crypto::constant_time_eq;
use crate::platform::dates;
use crate::platform::error::{Error, OAuthCode};

/// The specification's limit for one upload.
pub const MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;
/// How many ` (N)` suffixes are tried before a name clash is reported.
const MAX_SUFFIX: u32 = 50;

/// An item of `GET /1/files/`, every field a string as the API has it.
#[derive(Debug, Serialize)]
pub struct UploadedItem {
    pub id: String,
    pub name: String,
    /// `dir` or `file`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub size: String,
    /// `DD-MM-YYYY`.
    pub date: String,
    /// The folder's id; empty at the top.
    pub parent: String,
    pub mime: String,
    /// What `GET /1/file/{uri}` takes: the file's id.
    pub uri: String,
    pub description: String,
    pub issuer: String,
}

/// `GET /1/files/` and `/1/files/{id}`.
#[derive(Debug, Serialize)]
pub struct UploadedList {
    /// The folder listed: `/` or `/NAME`.
    pub directory: String,
    pub items: Vec<UploadedItem>,
}

fn dmy(at: i64) -> String {
    let iso = dates::iso_unix(at);
    iso.get(..10)
        .unwrap_or(&iso)
        .split('-')
        .rev()
        .collect::<Vec<_>>()
        .join("-")
}

fn folder_item(folder: Folder) -> UploadedItem {
    UploadedItem {
        id: folder.id.to_string(),
        name: folder.name,
        kind: "dir",
        size: String::new(),
        date: dmy(folder.created_at),
        parent: String::new(),
        mime: String::new(),
        uri: String::new(),
        description: format!("{} file(s)", folder.files),
        issuer: String::new(),
    }
}

fn file_item(file: File) -> UploadedItem {
    UploadedItem {
        id: file.id.to_string(),
        uri: file.id.to_string(),
        name: file.name,
        kind: "file",
        size: file.size.to_string(),
        date: dmy(file.uploaded_at),
        parent: file.folder_id.map(|id| id.to_string()).unwrap_or_default(),
        mime: file.content_type,
        description: String::new(),
        issuer: "Self uploaded".into(),
    }
}

/// The top level (`folder` `None`: the folders, then the loose files) or
/// one folder's files. An id that is not one of the resident's folders is
/// 404 `invalid_id`.
pub fn list(app: &App, bearer: Option<&str>, folder: Option<&str>, client: &Client) -> Result<UploadedList, Error> {
    let grant = authenticate(app, bearer, Scope::UploadedDocs)?;
    let no_folder = || Error::oauth(OAuthCode::InvalidId, "there is no such folder in the resident's locker");
    let folder = match folder.map(str::trim).filter(|f| !f.is_empty()) {
        None => None,
        Some(id) => {
            let id = id.parse::<i64>().map_err(|_| no_folder())?;
            match folders::get(app, grant.resident_id, id) {
                Err(Error::NotFound(_)) => return Err(no_folder()),
                other => Some(other?),
            }
        }
    };
    let files = uploads::list(app, grant.resident_id)?;
    let (directory, items) = match folder {
        None => {
            let mut items: Vec<_> = folders::list(app, grant.resident_id)?
                .into_iter()
                .map(folder_item)
                .collect();
            items.extend(files.into_iter().filter(|f| f.folder_id.is_none()).map(file_item));
            ("/".to_owned(), items)
        }
        Some(folder) => {
            let inside = files.into_iter().filter(|f| f.folder_id == Some(folder.id));
            (format!("/{}", folder.name), inside.map(file_item).collect())
        }
    };
    record(
        app,
        &grant,
        &format!("listed your uploaded documents in {directory}"),
        client,
    )?;
    Ok(UploadedList { directory, items })
}

/// Where an upload goes: a file name, inside a folder or at the top.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    pub folder: Option<String>,
    pub name: String,
}

impl Target {
    /// The `path` header: `NAME`, `/NAME`, `FOLDER/NAME` or `/FOLDER/NAME`.
    pub fn parse(path: Option<&str>) -> Result<Target, Error> {
        let path = path.map(str::trim).unwrap_or_default();
        let missing = || {
            Error::oauth(
                OAuthCode::PathMissing,
                "the path header (the destination and file name) is missing",
            )
        };
        let parts: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
        match parts.as_slice() {
            [""] => Err(missing()),
            [name] => Ok(Target {
                folder: None,
                name: uploads::check_name(name, "path")?,
            }),
            [folder, name] if !name.is_empty() => Ok(Target {
                folder: Some(uploads::check_name(folder, "path")?),
                name: uploads::check_name(name, "path")?,
            }),
            [_, ""] => Err(missing()),
            _ => Err(Error::oauth(
                OAuthCode::InvalidRequest,
                "folders in this locker are one level deep: the path is NAME or FOLDER/NAME",
            )),
        }
    }

    fn shown(&self, name: &str) -> String {
        match &self.folder {
            Some(folder) => format!("/{folder}/{name}"),
            None => format!("/{name}"),
        }
    }
}

/// An upload, its body already spooled (sealed) by the HTTP layer.
pub struct PartnerUpload<'a> {
    pub target: Target,
    /// The `hmac` header as sent.
    pub hmac: Option<&'a str>,
    /// The declared `Content-Type`, if any.
    pub declared_type: Option<&'a str>,
    pub spooled: &'a Path,
    pub size: u64,
}

/// `POST /1/file/upload`'s answer.
#[derive(Debug, Serialize)]
pub struct Uploaded {
    pub path: String,
    pub size: String,
}

/// The grant of a token that may upload; checked before the body is read.
pub fn authenticate_upload(app: &App, bearer: Option<&str>) -> Result<Grant, Error> {
    authenticate(app, bearer, Scope::Upload)
}

/// Checks the body's HMAC and type, then stores it in Uploaded Documents.
pub fn save(app: &App, grant: &Grant, upload: &PartnerUpload<'_>, client: &Client) -> Result<Uploaded, Error> {
    if upload.size == 0 {
        return Err(Error::oauth(OAuthCode::InvalidFilesize, "the file is empty"));
    }
    let head = check_hmac(app, grant, upload)?;
    check_type(&head, upload.declared_type)?;
    let folder_id = match &upload.target.folder {
        Some(name) => Some(folder_named(app, grant.resident_id, name)?.id),
        None => None,
    };
    let file = store_under_free_name(app, grant, upload, folder_id, client)?;
    let path = upload.target.shown(&file.name);
    record(app, grant, &format!("saved {path} to your uploaded documents"), client)?;
    Ok(Uploaded {
        path,
        size: file.size.to_string(),
    })
}

/// The body's first bytes, once its HMAC matches one of the client's
/// valid secrets (the current one, or the previous during a rotation).
fn check_hmac(app: &App, grant: &Grant, upload: &PartnerUpload<'_>) -> Result<Vec<u8>, Error> {
    let mismatch = |why: &str| Error::oauth(OAuthCode::HmacMismatch, why);
    let sent = upload.hmac.map(str::trim).filter(|h| !h.is_empty()).ok_or_else(|| {
        mismatch("the hmac header (base64 HMAC-SHA256 of the file, keyed by the client secret) is missing")
    })?;
    let sent = STANDARD
        .decode(sent)
        .map_err(|_| mismatch("the hmac header is not base64"))?;
    for key in registry::valid_keys(app, &grant.app_id)? {
        let hasher = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| Error::Internal(format!("hmac key: {e}")))?;
        let (mac, head) = store::keyed_digest(upload.spooled, app.keys.file_cipher(), hasher)?;
        if constant_time_eq(&mac, &sent) {
            return Ok(head);
        }
    }
    Err(mismatch(
        "the hmac does not match the file: it must be base64(HMAC-SHA256(file bytes, client_secret))",
    ))
}

/// The content must be a PDF, JPEG or PNG, and match the declared type
/// when one of those was declared (`application/octet-stream` says nothing).
fn check_type(head: &[u8], declared: Option<&str>) -> Result<(), Error> {
    let sniffed = sniff::content_type(head).ok_or_else(|| {
        Error::oauth(
            OAuthCode::MimetypeMismatch,
            "the file is not a PDF, JPEG or PNG (judged by its content)",
        )
    })?;
    let declared = declared
        .and_then(|d| d.split(';').next())
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty() && d != "application/octet-stream");
    let same = |d: &str| {
        d == sniffed
            || (d == "image/jpg" && sniffed == "image/jpeg")
            || (d == "image/pdf" && sniffed == "application/pdf")
    };
    match declared {
        Some(d) if !same(&d) => Err(Error::oauth(
            OAuthCode::MimetypeMismatch,
            format!("the file was sent as {d} but its content is {sniffed}"),
        )),
        _ => Ok(()),
    }
}

/// The resident's folder of that name, made when there is none.
fn folder_named(app: &App, resident_id: i64, name: &str) -> Result<Folder, Error> {
    let find = || -> Result<Option<Folder>, Error> {
        Ok(folders::list(app, resident_id)?.into_iter().find(|f| f.name == name))
    };
    if let Some(folder) = find()? {
        return Ok(folder);
    }
    match folders::create(app, resident_id, name) {
        // Another upload made it meanwhile.
        Err(Error::Conflict(_)) => find()?.ok_or_else(|| Error::Internal("a folder vanished while being made".into())),
        other => other,
    }
}

/// `bill.pdf`, then `bill (2).pdf`, `bill (3).pdf`…
fn suffixed(name: &str, n: u32) -> String {
    if n < 2 {
        return name.to_owned();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

fn store_under_free_name(
    app: &App,
    grant: &Grant,
    upload: &PartnerUpload<'_>,
    folder_id: Option<i64>,
    client: &Client,
) -> Result<File, Error> {
    for n in 1..=MAX_SUFFIX {
        let name = suffixed(&upload.target.name, n);
        let new = uploads::NewUpload {
            resident_id: grant.resident_id,
            folder_id,
            name: &name,
            spooled: upload.spooled,
            size: upload.size,
        };
        match uploads::add(app, &new, client) {
            Err(Error::Conflict(_)) => continue,
            other => return other,
        }
    }
    Err(Error::Conflict(format!(
        "{} and {MAX_SUFFIX} numbered variants of it are all taken in that folder",
        upload.target.name
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_a_name_or_a_folder_and_a_name() {
        let name = |n: &str| Target {
            folder: None,
            name: n.into(),
        };
        assert_eq!(Target::parse(Some("bill.pdf")).unwrap(), name("bill.pdf"));
        assert_eq!(Target::parse(Some("/bill.pdf")).unwrap(), name("bill.pdf"));
        let inside = Target::parse(Some("/Receipts/bill.pdf")).unwrap();
        assert_eq!(inside.folder.as_deref(), Some("Receipts"));
        assert_eq!(inside.shown("bill (2).pdf"), "/Receipts/bill (2).pdf");
        for missing in [None, Some(""), Some("  "), Some("/"), Some("Receipts/")] {
            assert_eq!(
                Target::parse(missing).unwrap_err().oauth_name(),
                "path_missing",
                "{missing:?}"
            );
        }
        assert_eq!(
            Target::parse(Some("a/b/c.pdf")).unwrap_err().oauth_name(),
            "invalid_request"
        );
        assert_eq!(
            Target::parse(Some("../x.pdf")).unwrap_err().oauth_name(),
            "invalid_request"
        );
    }

    #[test]
    fn taken_names_get_a_number_before_the_extension() {
        assert_eq!(suffixed("bill.pdf", 1), "bill.pdf");
        assert_eq!(suffixed("bill.pdf", 2), "bill (2).pdf");
        assert_eq!(suffixed("README", 3), "README (3)");
        assert_eq!(suffixed(".pdf", 2), ".pdf (2)");
    }

    #[test]
    fn the_declared_type_must_match_the_content() {
        let pdf = b"%PDF-1.7\n";
        assert!(check_type(pdf, None).is_ok());
        assert!(check_type(pdf, Some("application/octet-stream")).is_ok());
        assert!(check_type(pdf, Some("application/pdf; charset=binary")).is_ok());
        assert!(check_type(pdf, Some("image/pdf")).is_ok());
        assert_eq!(
            check_type(pdf, Some("image/png")).unwrap_err().oauth_name(),
            "mimetype_mismatch"
        );
        assert_eq!(
            check_type(b"GIF89a", None).unwrap_err().oauth_name(),
            "mimetype_mismatch"
        );
    }
}
