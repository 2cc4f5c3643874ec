//! "Save to DigiLocker": after the widget checks pass and the resident
//! picks a folder, the locker fetches the partner's document itself
//! ([`crate::partners::safe_fetch`]) and stores it in Uploaded Documents.

use std::time::Duration;

use openlocker_db::uploads::File;

use crate::app::App;
use crate::locker::activity::{self, Client, Kind};
use crate::locker::uploads::{self, NewUpload};
use crate::partners::safe_fetch::{self, Rules};
use crate::partners::widget_check;
use crate::platform::error::Error;

/// What the popup sends once the resident confirms: the shared JSON type.
pub use openlocker_proto::widget::SaveRequest;

/// Fetches and stores the document; the saved file.
pub fn save(app: &App, resident_id: i64, request: &SaveRequest, client: &Client) -> Result<File, Error> {
    if !request.widget.service.trim().eq_ignore_ascii_case("save") {
        return Err(Error::Invalid("a save is made for the save service".into()));
    }
    let checked = widget_check::check(app, &request.widget)?;
    if let Some(folder_id) = request.folder_id {
        crate::locker::uploads::folders::get(app, resident_id, folder_id)?;
    }
    let max_bytes = app.settings.resident_file_max_bytes;
    // Refuse early when even an empty file would not fit.
    uploads::check_room(app, resident_id, 0)?;
    let fetched = safe_fetch::fetch(
        app,
        &request.href,
        &Rules {
            origins: &checked.requester.origins,
            max_bytes,
            timeout: Duration::from_secs(app.settings.upstream_timeout_seconds),
        },
    )?;
    let name = fetched
        .file_name
        .as_deref()
        .and_then(|n| uploads::check_name(n, "name").ok())
        .unwrap_or_else(|| "document".to_owned());
    let file = uploads::add(
        app,
        &NewUpload {
            resident_id,
            folder_id: request.folder_id,
            name: &unique_name(app, resident_id, request.folder_id, &name)?,
            spooled: fetched.spool.path(),
            size: fetched.size,
        },
        client,
    )?;
    activity::record(
        app,
        resident_id,
        Kind::Saved,
        &format!("{} from {}", file.name, checked.requester.name),
        client,
    )?;
    Ok(file)
}

/// `name`, or `name (2)`, `name (3)`... when the folder has that name.
fn unique_name(app: &App, resident_id: i64, folder_id: Option<i64>, name: &str) -> Result<String, Error> {
    let taken: Vec<String> = uploads::list(app, resident_id)?
        .into_iter()
        .filter(|f| f.folder_id == folder_id)
        .map(|f| f.name.to_lowercase())
        .collect();
    if !taken.contains(&name.to_lowercase()) {
        return Ok(name.to_owned());
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    (2..1000)
        .map(|n| format!("{stem} ({n}){extension}"))
        .find(|candidate| !taken.contains(&candidate.to_lowercase()))
        .ok_or_else(|| Error::Conflict(format!("the folder already has many files named {name}")))
}
