//! The import queue: a checked CSV file (from the Push API or the issuer
//! portal) moved into the imports folder, made durable, and recorded as a
//! pending task that the import job takes up.

use std::path::Path;

use openlocker_db::tasks;

use crate::app::App;
use crate::platform::crypto;
use crate::platform::dates;
use crate::platform::error::Error;

/// A file name fit to list: its last path part, no control characters,
/// at most 200 characters.
pub fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.is_empty() { "upload.csv".into() } else { clean }
}

/// Moves a checked CSV file into the imports folder and queues a task for it.
pub fn queue_file(
    app: &App,
    issuer_id: &str,
    source: tasks::Source,
    file_name: &str,
    csv_path: &Path,
    bytes: u64,
    txn: Option<&str>,
) -> Result<i64, Error> {
    let stored_name = format!("{}.csv", crypto::random_hex(16));
    let stored = app.imports_dir().join(&stored_name);
    std::fs::rename(csv_path, &stored)?;
    // The task row points at the file, so the file must be durable first.
    std::fs::File::open(&stored)?.sync_all()?;
    std::fs::File::open(app.imports_dir())?.sync_all()?;
    let conn = app.db.conn()?;
    let task = tasks::NewTask {
        issuer_id,
        source,
        file_name,
        stored_path: &format!("imports/{stored_name}"),
        bytes_total: bytes,
        txn,
        now: dates::unix_now(),
    };
    match tasks::insert(&conn, &task) {
        Ok(id) => {
            tracing::info!(
                task_id = id,
                issuer_id,
                source = source.as_str(),
                bytes,
                "queued CSV for import"
            );
            Ok(id)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&stored);
            Err(e.into())
        }
    }
}
