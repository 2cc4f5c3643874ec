//! Uploaded Documents: a resident's own PDF, JPEG and PNG files, in
//! folders ([`crate::locker::uploads::folders`]), within a per-resident quota. Every call
//! takes the resident's id, and another resident's file is "not found".

pub mod folders;
pub mod sniff;
pub mod store;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use openlocker_db::uploads::{self, File};

use crate::app::App;
use crate::locker::activity::{self, Client, Kind};
use crate::platform::dates;
use crate::platform::error::Error;

/// Held while the store and the rows change together, so a delete never
/// removes bytes that an upload of the same content is about to refer to,
/// and two uploads cannot both squeeze under the quota.
static STORE_LOCK: Mutex<()> = Mutex::new(());

fn store_lock() -> MutexGuard<'static, ()> {
    // A panic elsewhere leaves nothing half-done that the lock protects.
    STORE_LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where uploaded files are stored.
pub fn shelf(app: &App) -> store::Shelf<'_> {
    store::Shelf {
        objects: &app.objects,
        folder: "uploads",
    }
}

/// Longest file or folder name.
const MAX_NAME: usize = 200;

/// Checks a file or folder name: 1 to 200 characters, no slashes, and
/// [`crate::platform::text::name_problem`]'s rules. Returns it trimmed.
pub fn check_name(name: &str, field: &'static str) -> Result<String, Error> {
    let name = name.trim();
    let bad = |message: &str| Error::InvalidField {
        field,
        message: message.into(),
    };
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(bad("a name must be 1 to 200 characters"));
    }
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(bad("a name cannot hold slashes"));
    }
    if let Some(problem) = crate::platform::text::name_problem(name) {
        return Err(bad(problem));
    }
    Ok(name.to_owned())
}

fn no_file(id: i64) -> Error {
    Error::NotFound(format!("there is no uploaded file {id} in your locker"))
}

/// A readable amount of bytes, for messages.
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// Refuses a file of `size` bytes that the resident's quota has no room for.
pub fn check_room(app: &App, resident_id: i64, size: u64) -> Result<(), Error> {
    let used = uploads::used_bytes(&app.db, resident_id)?.max(0) as u64;
    let quota = app.settings.resident_quota_bytes;
    if used.saturating_add(size) > quota {
        return Err(Error::QuotaFull(format!(
            "your locker is full: {} of {} used, and this file needs {}; delete some files first",
            megabytes(used),
            megabytes(quota),
            megabytes(size)
        )));
    }
    Ok(())
}

/// An upload, already spooled (sealed) to disk by the HTTP layer.
pub struct NewUpload<'a> {
    pub resident_id: i64,
    pub folder_id: Option<i64>,
    pub name: &'a str,
    pub spooled: &'a Path,
    pub size: u64,
}

/// Stores an upload once its type (by content), folder, name and the quota
/// all allow it.
pub fn add(app: &App, new: &NewUpload<'_>, client: &Client) -> Result<File, Error> {
    let name = check_name(new.name, "name")?;
    if let Some(folder_id) = new.folder_id {
        crate::locker::uploads::folders::get(app, new.resident_id, folder_id)?;
    }
    let inspected = store::inspect(new.spooled, app.keys.file_cipher(), app.keys.content_id_hasher())?;
    let content_type = sniff::content_type(&inspected.head).ok_or_else(|| {
        Error::UnsupportedType(format!(
            "{name} is not a PDF, JPEG or PNG file (judged by its content, not its name)"
        ))
    })?;
    let id = store_and_insert(app, new, &name, content_type, &inspected.content_id)?;
    activity::record(app, new.resident_id, Kind::Uploaded, &name, client)?;
    tracing::info!(
        resident_id = new.resident_id,
        file_id = id,
        size = new.size,
        content_type,
        "stored an upload"
    );
    get(app, new.resident_id, id)
}

/// Under the store lock: checks the quota, stores the bytes, adds the row,
/// and takes the bytes back out if the row cannot be added.
fn store_and_insert(
    app: &App,
    new: &NewUpload<'_>,
    name: &str,
    content_type: &str,
    content_id: &str,
) -> Result<i64, Error> {
    let _guard = store_lock();
    check_room(app, new.resident_id, new.size)?;
    let root = shelf(app);
    root.put(content_id, new.spooled)?;
    let row = uploads::NewFile {
        resident_id: new.resident_id,
        folder_id: new.folder_id,
        name,
        content_type,
        size: new.size as i64,
        content_id,
        now: dates::unix_now(),
    };
    uploads::insert_file(&app.db, &row).or_else(|e| {
        // Leave no bytes behind that no row refers to.
        if !uploads::content_in_use(&app.db, content_id)? {
            root.remove_unused(content_id)?;
        }
        Err(match e {
            openlocker_db::DbError::NotFound => Error::NotFound("the folder no longer exists".into()),
            other => other.into(),
        })
    })
}

/// The resident's files.
pub fn list(app: &App, resident_id: i64) -> Result<Vec<File>, Error> {
    Ok(uploads::files(&app.db, resident_id)?)
}

/// One of the resident's files.
pub fn get(app: &App, resident_id: i64, id: i64) -> Result<File, Error> {
    uploads::file(&app.db, resident_id, id)?.ok_or_else(|| no_file(id))
}

/// A reader of a stored file's bytes.
pub use store::Download;

/// A file and a reader of its bytes, for download.
pub fn download(app: &App, resident_id: i64, id: i64, client: &Client) -> Result<(File, Download), Error> {
    let (file, bytes) = open(app, resident_id, id)?;
    activity::record(app, resident_id, Kind::Downloaded, &file.name, client)?;
    Ok((file, bytes))
}

/// A file and a reader of its bytes; the caller records who read it.
pub fn open(app: &App, resident_id: i64, id: i64) -> Result<(File, Download), Error> {
    let file = get(app, resident_id, id)?;
    let bytes = shelf(app).open(&file.content_id, app.keys.file_cipher())?;
    Ok((file, bytes))
}

/// Renames a file and/or moves it: `folder` is `Some(None)` for the top
/// level, `None` to leave it where it is.
pub fn update(
    app: &App,
    resident_id: i64,
    id: i64,
    name: Option<&str>,
    folder: Option<Option<i64>>,
) -> Result<File, Error> {
    let current = get(app, resident_id, id)?;
    let name = match name {
        Some(name) => check_name(name, "name")?,
        None => current.name,
    };
    let folder_id = folder.unwrap_or(current.folder_id);
    if let Some(folder_id) = folder_id {
        crate::locker::uploads::folders::get(app, resident_id, folder_id)?;
    }
    uploads::update_file(&app.db, resident_id, id, &name, folder_id).map_err(|e| match e {
        openlocker_db::DbError::NotFound => no_file(id),
        other => other.into(),
    })?;
    get(app, resident_id, id)
}

/// Deletes a file, and its stored bytes when no other row refers to them.
pub fn delete(app: &App, resident_id: i64, id: i64, client: &Client) -> Result<(), Error> {
    let file = get(app, resident_id, id)?;
    let guard = store_lock();
    let (content_id, still_used) = uploads::delete_file(&app.db, resident_id, id).map_err(|e| match e {
        openlocker_db::DbError::NotFound => no_file(id),
        other => other.into(),
    })?;
    if !still_used {
        shelf(app).remove_unused(&content_id)?;
    }
    drop(guard);
    activity::record(app, resident_id, Kind::Deleted, &file.name, client)?;
    Ok(())
}

/// Removes stored files that no row refers to: what a crash between
/// storing a file and recording it leaves behind. Only files an hour old
/// are considered, so an upload in flight keeps its bytes.
pub fn remove_orphans(app: &App) -> Result<usize, Error> {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let root = shelf(app);
    let mut removed = 0;
    for content_id in root.ids_older_than(hour_ago)? {
        let _guard = store_lock();
        if !uploads::content_in_use(&app.db, &content_id)? {
            root.remove(&content_id)?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(check_name("  marks.pdf ", "name").unwrap(), "marks.pdf");
        for bad in ["", "   ", "a/b", "a\\b", "..", "a\nb", &"x".repeat(201)] {
            assert!(check_name(bad, "name").is_err(), "{bad:?}");
        }
        assert!(check_name(&"अ".repeat(200), "name").is_ok());
    }
}
