//! Folders of Uploaded Documents: create, rename, and delete when empty.

use openlocker_db::DbError;
use openlocker_db::uploads::{self, Folder};

use super::check_name;
use crate::app::App;
use crate::platform::dates;
use crate::platform::error::Error;

fn no_folder(id: i64) -> Error {
    Error::NotFound(format!("there is no folder {id} in your locker"))
}

/// Maps "not found" to this folder's message.
fn named(id: i64) -> impl Fn(DbError) -> Error {
    move |e| match e {
        DbError::NotFound => no_folder(id),
        other => other.into(),
    }
}

/// The resident's folders.
pub fn list(app: &App, resident_id: i64) -> Result<Vec<Folder>, Error> {
    Ok(uploads::folders(&app.db, resident_id)?)
}

/// One of the resident's folders; another resident's is "not found".
pub fn get(app: &App, resident_id: i64, id: i64) -> Result<Folder, Error> {
    uploads::folder(&app.db, resident_id, id)?.ok_or_else(|| no_folder(id))
}

/// A new folder; 409 when the resident has one of that name.
pub fn create(app: &App, resident_id: i64, name: &str) -> Result<Folder, Error> {
    let name = check_name(name, "name")?;
    let id = uploads::insert_folder(&app.db, resident_id, &name, dates::unix_now())?;
    get(app, resident_id, id)
}

/// Renames a folder.
pub fn rename(app: &App, resident_id: i64, id: i64, name: &str) -> Result<Folder, Error> {
    let name = check_name(name, "name")?;
    uploads::rename_folder(&app.db, resident_id, id, &name).map_err(named(id))?;
    get(app, resident_id, id)
}

/// Deletes a folder, only when it is empty (409 otherwise).
pub fn delete(app: &App, resident_id: i64, id: i64) -> Result<(), Error> {
    uploads::delete_folder(&app.db, resident_id, id).map_err(named(id))
}
