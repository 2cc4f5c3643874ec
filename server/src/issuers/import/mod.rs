//! The CSV import job: takes each queued file, validates every row, and
//! writes the good ones to the locker while recording the bad ones with
//! their line, field and reason. Resumable: the reader position is committed
//! with each batch, and an advisory lock on the file keeps two importers
//! (the scheduler and `openlocker import run`) off the same task.

mod check;
mod pipeline;
pub mod queue;
pub mod row;

pub use check::check_csv_file;

use std::fs::{File, TryLockError};

use openlocker_db::tasks::{self, Task};
use serde::Serialize;

use crate::app::App;
use crate::platform::dates;
use crate::platform::error::Error;

/// Why the import of one file stopped short.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The file can never import (it is damaged): the task is failed with
    /// this reason, for the issuer to see.
    #[error("{0}")]
    Damaged(String),
    /// A failure of ours (disk, database): the task stays queued and the
    /// next run retries it.
    #[error(transparent)]
    Retry(#[from] Error),
}

impl From<openlocker_db::DbError> for ImportFailure {
    fn from(err: openlocker_db::DbError) -> Self {
        ImportFailure::Retry(err.into())
    }
}

impl From<std::io::Error> for ImportFailure {
    fn from(err: std::io::Error) -> Self {
        ImportFailure::Retry(err.into())
    }
}

/// What one run of the job did.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Files imported to the end in this run.
    pub files: u64,
    pub rows_imported: u64,
    pub rows_rejected: u64,
}

/// Imports every pending file now. A file that fails for a reason of ours
/// (disk, database) is left queued and retried by the next run; a file that
/// can never import (damaged) is marked failed with the reason. Either way
/// the other files are still imported, and the run then reports the failure.
pub fn run_pending(app: &App) -> Result<Summary, Error> {
    let open = tasks::open_tasks(&app.db)?;
    let mut summary = Summary::default();
    let mut failures = Vec::new();
    for task in open {
        match import_task(app, &task) {
            Ok(Some((imported, rejected))) => {
                summary.files += 1;
                summary.rows_imported += imported;
                summary.rows_rejected += rejected;
            }
            Ok(None) => {}
            Err(ImportFailure::Damaged(reason)) => {
                tracing::error!(task_id = task.id, reason, "import failed for good");
                tasks::finish(&app.db, task.id, Some(&reason), dates::unix_now())?;
                failures.push(format!("task {}: {reason}", task.id));
            }
            Err(ImportFailure::Retry(err)) => {
                tracing::error!(task_id = task.id, error = %err, "import failed; it will be retried");
                failures.push(format!("task {} will be retried: {err}", task.id));
            }
        }
    }
    // A pushed D removes the document's kept copy too.
    if let Err(err) = crate::locker::kept_copy::remove_unused(app) {
        tracing::error!(error = %err, "could not remove the kept copies of deleted documents; retried next run");
    }
    if failures.is_empty() {
        Ok(summary)
    } else {
        Err(Error::Internal(format!(
            "{} file(s) imported ({} rows, {} rejected), but {}",
            summary.files,
            summary.rows_imported,
            summary.rows_rejected,
            failures.join("; ")
        )))
    }
}

/// Imports one task from where it stopped. `None` when another importer holds
/// it or it is already finished.
fn import_task(app: &App, task: &Task) -> Result<Option<(u64, u64)>, ImportFailure> {
    let path = app.settings.data_dir.join(&task.stored_path);
    // This handle only holds the lock, for the whole task: the reader's own
    // handle closes when it reaches the end, before the last batches commit.
    let Some(lock) = lock_file(app, task, &path)? else {
        return Ok(None);
    };
    // Under the lock, look again: another importer may have just finished it.
    let Some(task) = tasks::get(&app.db, task.id)? else {
        return Ok(None);
    };
    if task.status != "pending" && task.status != "running" {
        return Ok(None);
    }
    let mut conn = app.db.import_conn(app.settings.import_cache_mib)?;
    tasks::mark_running(&app.db, task.id, dates::unix_now())?;
    tracing::info!(
        task_id = task.id,
        issuer_id = task.issuer_id,
        from_byte = task.position.byte,
        "importing"
    );
    let counts = pipeline::import_rows(app, &mut conn, &task, File::open(&path)?)?;
    tasks::finish(&app.db, task.id, None, dates::unix_now())?;
    // The rows are in the locker now; keep no extra copy of Aadhaar data
    // (sealed or not) longer than needed.
    if let Err(e) = std::fs::remove_file(&path) {
        tracing::warn!(task_id = task.id, error = %e, "could not remove an imported file");
    }
    drop(lock);
    tracing::info!(
        task_id = task.id,
        imported = counts.0,
        rejected = counts.1,
        "import done"
    );
    Ok(Some(counts))
}

/// The task's file, locked; `None` when another importer holds it, or when
/// the file is gone (the task is then finished with that reason).
fn lock_file(app: &App, task: &Task, path: &std::path::Path) -> Result<Option<File>, ImportFailure> {
    let lock = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let reason = "the stored CSV file is missing from the data folder";
            tasks::finish(&app.db, task.id, Some(reason), dates::unix_now())?;
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    match lock.try_lock() {
        Ok(()) => Ok(Some(lock)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e.into()),
    }
}

/// How a running import is getting on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Progress {
    pub rows_done: i64,
    pub rows_per_second: f64,
    /// Estimated seconds left, from the bytes still to read.
    pub eta_seconds: Option<f64>,
    /// Share of the file read, 0 to 1.
    pub fraction: f64,
}

/// Progress figures of a task at `now`.
pub fn progress(task: &Task, now: i64) -> Progress {
    let rows_done = task.rows_imported + task.rows_rejected;
    let fraction = if task.bytes_total > 0 {
        (task.position.byte as f64 / task.bytes_total as f64).min(1.0)
    } else {
        1.0
    };
    let mut progress = Progress {
        rows_done,
        rows_per_second: 0.0,
        eta_seconds: None,
        fraction,
    };
    if let (Some(started), Some(start_byte), Some(start_rows)) =
        (task.run_started_at, task.run_start_byte, task.run_start_rows)
    {
        let end = if task.status == "running" {
            now
        } else {
            task.finished_at.unwrap_or(now)
        };
        let elapsed = (end - started).max(1) as f64;
        progress.rows_per_second = (rows_done - start_rows) as f64 / elapsed;
        let bytes_per_second = (task.position.byte as i64 - start_byte) as f64 / elapsed;
        if task.status == "running" && bytes_per_second > 0.0 {
            progress.eta_seconds = Some((task.bytes_total - task.position.byte as i64) as f64 / bytes_per_second);
        }
    }
    progress
}
