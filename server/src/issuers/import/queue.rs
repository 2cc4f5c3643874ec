//! The import queue: a checked CSV file (from the Push API or the issuer
//! portal) moved into the object store's `imports/` (a folder of the data
//! folder by default), made durable, and recorded as a
//! pending task that the import job takes up.

use std::path::Path;

use openlocker_db::tasks;

use crate::app::App;
use crate::platform::crypto;
use crate::platform::dates;
use crate::platform::error::Error;
use crate::wire::auth;

/// A file name fit to list: its last path part, no control characters,
/// at most 200 characters.
pub fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.is_empty() { "upload.csv".into() } else { clean }
}

/// The txn of a pushed file, recorded with its task.
#[derive(Debug, Clone, Copy)]
pub struct Pushed<'a> {
    pub org_id: &'a str,
    pub txn: &'a str,
}

/// Moves a checked CSV file into the imports folder and queues a task for
/// it; a pushed file's txn is recorded in the same transaction
/// ([`Error::Conflict`] when it turns out to be a replay).
pub fn queue_file(
    app: &App,
    issuer_id: &str,
    source: tasks::Source,
    file_name: &str,
    csv_path: &Path,
    bytes: u64,
    pushed: Option<Pushed<'_>>,
) -> Result<i64, Error> {
    let stored = move_in(app, csv_path)?;
    let now = dates::unix_now();
    let task = tasks::NewTask {
        issuer_id,
        source,
        file_name,
        stored_path: &stored,
        bytes_total: bytes,
        txn: pushed.map(|p| p.txn),
        now,
    };
    let inserted = match pushed {
        None => tasks::insert(&app.db, &task).map(Some),
        Some(p) => tasks::insert_pushed(&app.db, &task, p.org_id, app.replay.remember_since(now)),
    };
    match inserted {
        Ok(Some(id)) => {
            tracing::info!(
                task_id = id,
                issuer_id,
                source = source.as_str(),
                bytes,
                "queued CSV for import"
            );
            Ok(id)
        }
        outcome => {
            if let Err(e) = app.objects.delete(&stored) {
                tracing::warn!(error = %e, "could not remove a refused CSV file from the object store");
            }
            Err(match outcome {
                Ok(_) => {
                    Error::Conflict(pushed.map_or_else(String::new, |p| auth::replay_refusal(app, p.org_id, p.txn)))
                }
                Err(e) => e.into(),
            })
        }
    }
}

/// Moves the CSV file into the object store's `imports/` under a random
/// name, durably: the task row will point at it. Its key.
fn move_in(app: &App, csv_path: &Path) -> Result<String, Error> {
    let key = format!("imports/{}.csv", crypto::random_hex(16));
    app.objects.move_file(&key, csv_path)?;
    Ok(key)
}
