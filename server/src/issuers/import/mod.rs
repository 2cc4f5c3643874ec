//! The CSV import job: takes each queued file, validates every row, and
//! writes the good ones to the locker while recording the bad ones with
//! their line, field and reason. Resumable: the reader position is committed
//! with each batch, and a lease in the database keeps two importers (nodes,
//! the scheduler and `openlocker import run`) off the same task: each batch
//! renews it, and commits only while this node still holds it.

mod check;
mod pipeline;
pub mod queue;
pub mod row;

pub use check::check_csv_file;

use openlocker_db::tasks::{self, Task};
use serde::Serialize;

use crate::app::App;
use crate::platform::dates;
use crate::platform::error::Error;
use crate::platform::objects::ObjectReader;

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

/// This node's hold on import files: its id, and how long a lease lasts.
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    pub owner: &'a str,
    pub seconds: i64,
}

impl Holder<'_> {
    /// The lease from `now` on.
    pub fn lease_from(&self, now: i64) -> tasks::Lease<'_> {
        tasks::Lease {
            owner: self.owner,
            until: now + self.seconds,
        }
    }
}

/// Imports one task from where it stopped. `None` when another node holds
/// its lease or it is already finished.
fn import_task(app: &App, task: &Task) -> Result<Option<(u64, u64)>, ImportFailure> {
    // One owner per attempt, not per node: two runs in one process (the
    // scheduler fires again while a file is still importing) must not both
    // hold the lease.
    static ATTEMPTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let attempt = ATTEMPTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let owner = format!("{}/{attempt}", app.node_id);
    let holder = Holder {
        owner: &owner,
        seconds: app.settings.import_lease_seconds.max(1) as i64,
    };
    let Some(task) = take(app, task.id, holder)? else {
        return Ok(None);
    };
    let Some(file) = open_file(app, &task)? else {
        return Ok(None);
    };
    let mut conn = app.db.import_conn(app.settings.import_cache_mib)?;
    tasks::mark_running(&app.db, task.id, dates::unix_now())?;
    tracing::info!(
        task_id = task.id,
        issuer_id = task.issuer_id,
        from_byte = task.position.byte,
        "importing"
    );
    let counts = match pipeline::import_rows(app, &mut conn, &task, file, holder) {
        Err(ImportFailure::Retry(Error::Conflict(why))) => {
            tracing::warn!(task_id = task.id, reason = why, "stopped importing: the lease was lost");
            return Ok(None);
        }
        other => other?,
    };
    tasks::finish(&app.db, task.id, None, dates::unix_now())?;
    // The rows are in the locker now; keep no extra copy of Aadhaar data
    // (sealed or not) longer than needed.
    if let Err(e) = app.objects.delete(&task.stored_path) {
        tracing::warn!(task_id = task.id, error = %e, "could not remove an imported file");
    }
    tracing::info!(
        task_id = task.id,
        imported = counts.0,
        rejected = counts.1,
        "import done"
    );
    Ok(Some(counts))
}

/// The task under `holder`'s lease, as it is now; `None` when another holds
/// it or it is finished.
fn take(app: &App, task_id: i64, holder: Holder<'_>) -> Result<Option<Task>, ImportFailure> {
    let now = dates::unix_now();
    if !tasks::take_lease(&app.db, task_id, holder.lease_from(now), now)? {
        return Ok(None);
    }
    // Under the lease, look again: another node may have just finished it.
    Ok(tasks::get(&app.db, task_id)?.filter(|t| t.status == "pending" || t.status == "running"))
}

/// The task's stored file; `None` when it is gone (the task is then
/// finished with that reason).
fn open_file(app: &App, task: &Task) -> Result<Option<Box<dyn ObjectReader>>, ImportFailure> {
    match app.objects.open_reader(&task.stored_path) {
        Ok(file) => Ok(Some(file)),
        Err(Error::NotFound(_)) => {
            let reason = "the stored CSV file is missing from the object store";
            tasks::finish(&app.db, task.id, Some(reason), dates::unix_now())?;
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether a node stopped mid-file and left work for others: a running
/// task whose lease ran out. Idle nodes ask every few seconds.
pub fn has_abandoned_work(app: &App) -> Result<bool, Error> {
    Ok(tasks::abandoned_count(&app.db, dates::unix_now())? > 0)
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
