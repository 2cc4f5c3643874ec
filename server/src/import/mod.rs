//! The CSV import job: takes each queued file, validates every row, and
//! writes the good ones to the locker while recording the bad ones with
//! their line, field and reason. Resumable: the reader position is committed
//! with each batch, and an advisory lock on the file keeps two importers
//! (the scheduler and `openlocker import run`) off the same task.

pub mod row;

use std::collections::HashSet;
use std::fs::{File, TryLockError};
use std::io::{BufReader, Read};
use std::path::Path;

use openlocker_db::import::{self as store, DocRow};
use openlocker_db::tasks::{self, Position, Rejection, Task};
use openlocker_db::{Connection, issuers};
use serde::Serialize;

use crate::app::App;
use crate::crypto::Purpose;
use crate::dates;
use crate::error::Error;
use row::{Action, RowRules};

/// What one run of the job did.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Files imported to the end in this run.
    pub files: u64,
    pub rows_imported: u64,
    pub rows_rejected: u64,
}

/// Imports every pending file now. A file that fails for a reason of ours
/// (disk, database) is left queued and retried by the next run.
pub fn run_pending(app: &App) -> Result<Summary, Error> {
    let open = tasks::open_tasks(&*app.db.conn()?)?;
    let mut summary = Summary::default();
    for task in open {
        match import_task(app, &task) {
            Ok(Some((imported, rejected))) => {
                summary.files += 1;
                summary.rows_imported += imported;
                summary.rows_rejected += rejected;
            }
            Ok(None) => {}
            Err(err) => tracing::error!(task_id = task.id, error = %err, "import failed; it will be retried"),
        }
    }
    Ok(summary)
}

/// Imports one task from where it stopped. `None` when another importer holds
/// it or it is already finished.
fn import_task(app: &App, task: &Task) -> Result<Option<(u64, u64)>, Error> {
    let path = app.settings.data_dir.join(&task.stored_path);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let reason = "the stored CSV file is missing from the data folder";
            tasks::finish(&*app.db.conn()?, task.id, Some(reason), dates::unix_now())?;
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Ok(None),
        Err(TryLockError::Error(e)) => return Err(e.into()),
    }
    // Under the lock, look again: another importer may have just finished it.
    let Some(task) = tasks::get(&*app.db.conn()?, task.id)? else {
        return Ok(None);
    };
    if task.status != "pending" && task.status != "running" {
        return Ok(None);
    }
    let mut conn = app
        .db
        .dedicated_conn(&app.settings.db_path(), app.settings.import_cache_mib)?;
    tasks::mark_running(&conn, task.id, dates::unix_now())?;
    tracing::info!(
        task_id = task.id,
        issuer_id = task.issuer_id,
        from_byte = task.position.byte,
        "importing"
    );
    let counts = import_rows(app, &mut conn, &task, file)?;
    tasks::finish(&conn, task.id, None, dates::unix_now())?;
    tracing::info!(
        task_id = task.id,
        imported = counts.0,
        rejected = counts.1,
        "import done"
    );
    Ok(Some(counts))
}

fn import_rows(app: &App, conn: &mut Connection, task: &Task, file: File) -> Result<(u64, u64), Error> {
    let doc_types: HashSet<String> = issuers::doc_types(conn, &task.issuer_id)?
        .into_iter()
        .map(|t| t.code.to_ascii_uppercase())
        .collect();
    let rules = RowRules {
        issuer_id: &task.issuer_id,
        doc_types: &doc_types,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 20, file));
    if task.position.byte > 0 {
        let mut pos = csv::Position::new();
        pos.set_byte(task.position.byte)
            .set_line(task.position.line)
            .set_record(task.position.record);
        reader
            .seek(pos)
            .map_err(|e| Error::Internal(format!("seeking in CSV: {e}")))?;
    }
    let batch_rows = app.settings.import_batch_rows;
    let mut record = csv::ByteRecord::new();
    let (mut total_imported, mut total_rejected) = (0u64, 0u64);
    loop {
        let batch = store::begin(conn, task.id, dates::unix_now())?;
        let (mut imported, mut rejected, mut rows) = (0u64, 0u64, 0usize);
        let mut more = true;
        while rows < batch_rows {
            if !read_record(&mut reader, &mut record)? {
                more = false;
                break;
            }
            let Some(position) = record.position().cloned() else {
                continue;
            };
            if position.record() == 0 && is_header(&record) {
                continue;
            }
            rows += 1;
            match import_row(app, &batch, &rules, &record) {
                Ok(()) => imported += 1,
                Err(row::RowError { field, reason }) => {
                    rejected += 1;
                    batch.reject(&Rejection {
                        line: position.line(),
                        field: field.into(),
                        reason,
                    })?;
                }
            }
        }
        let next = reader.position();
        batch.commit(
            Position {
                byte: next.byte(),
                line: next.line(),
                record: next.record(),
            },
            imported,
            rejected,
        )?;
        total_imported += imported;
        total_rejected += rejected;
        if !more {
            return Ok((total_imported, total_rejected));
        }
    }
}

fn read_record<R: Read>(reader: &mut csv::Reader<R>, record: &mut csv::ByteRecord) -> Result<bool, Error> {
    reader.read_byte_record(record).map_err(|e| match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::from(io),
        other => Error::Internal(format!("CSV reader: {other:?}")),
    })
}

fn is_header(record: &csv::ByteRecord) -> bool {
    record.get(0).is_some_and(|first| {
        let first = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first);
        first.trim_ascii().eq_ignore_ascii_case(b"aadhaar")
    })
}

/// Validates and stores one row; a refusal names the field and the reason.
fn import_row(
    app: &App,
    batch: &store::Batch<'_>,
    rules: &RowRules<'_>,
    record: &csv::ByteRecord,
) -> Result<(), row::RowError> {
    let mut fields = Vec::with_capacity(row::COLUMNS.len());
    for (i, raw) in record.iter().enumerate() {
        let raw = if i == 0 {
            raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
        } else {
            raw
        };
        let text = std::str::from_utf8(raw).map_err(|_| row::RowError {
            field: row::COLUMNS.get(i).copied().unwrap_or("row"),
            reason: "is not valid UTF-8 text".into(),
        })?;
        fields.push(text.trim());
    }
    let valid = row::validate(&fields, rules)?;
    let hmac = app.keys.aadhaar_hmac(valid.aadhaar);
    let sealed;
    let doc = DocRow {
        aadhaar_hmac: &hmac,
        aadhaar_enc: if valid.action == Action::Add {
            sealed = app.keys.seal(Purpose::Aadhaar, valid.aadhaar.as_bytes());
            &sealed
        } else {
            &[]
        },
        uri: valid.uri,
        issuer_id: rules.issuer_id,
        doc_type: valid.doc_type,
        doc_name: valid.doc_name,
        doc_id: valid.doc_id,
        issued_on: &valid.issued_on,
        valid_from: valid.valid_from.as_deref(),
        valid_to: valid.valid_to.as_deref(),
        time_stamp: &valid.time_stamp,
    };
    let storage = |e: openlocker_db::DbError| row::RowError {
        field: "row",
        reason: format!("could not be stored: {e}"),
    };
    let applied = match valid.action {
        // Adding a pair that is already there is a no-op: imports are idempotent.
        Action::Add => batch.add(&doc).map(|_| true).map_err(storage)?,
        Action::Update => batch.update(&doc).map_err(storage)?,
        Action::Delete => batch.delete(&hmac, valid.uri).map_err(storage)?,
    };
    if applied {
        Ok(())
    } else {
        Err(row::RowError {
            field: "Uri",
            reason: "this Aadhaar number has no such URI in its locker (push it with Action A first)".into(),
        })
    }
}

/// Checks that a file is CSV at all: UTF-8 text whose first row has the ten
/// columns. Rows are checked one by one at import time.
pub fn check_csv_file(path: &Path) -> Result<(), String> {
    check_utf8(path)?;
    let file = File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::new(file));
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Err("it contains no rows".into()),
            Ok(true) if record.position().is_some_and(|p| p.record() == 0) && is_header(&record) => continue,
            Ok(true) if record.len() == row::COLUMNS.len() => return Ok(()),
            Ok(true) => {
                return Err(format!(
                    "its first row has {} columns; expected {}: {}",
                    record.len(),
                    row::COLUMNS.len(),
                    row::COLUMNS.join(", ")
                ));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Streams the file through a UTF-8 check, a chunk at a time.
fn check_utf8(path: &Path) -> Result<(), String> {
    let mut file = File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut chunk = vec![0u8; 1 << 16];
    let mut carry: Vec<u8> = Vec::new();
    let mut offset = 0u64;
    loop {
        let n = file.read(&mut chunk).map_err(|e| format!("cannot read it: {e}"))?;
        if n == 0 {
            break;
        }
        carry.extend_from_slice(&chunk[..n]);
        match std::str::from_utf8(&carry) {
            Ok(_) => {
                offset += carry.len() as u64;
                carry.clear();
            }
            Err(e) if e.error_len().is_some() => {
                return Err(format!("byte {} is not UTF-8 text", offset + e.valid_up_to() as u64));
            }
            Err(e) => {
                // A character split across chunks: keep its first bytes.
                let valid = e.valid_up_to();
                offset += valid as u64;
                carry.drain(..valid);
            }
        }
    }
    if carry.is_empty() {
        Ok(())
    } else {
        Err("it ends inside a UTF-8 character".into())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_check_wants_utf8_and_ten_columns() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, b"Aadhaar,Uri,doc_type,doc_name,doc_id,issued_on,valid_from,valid_to,time_stamp,Action\n1,2,3,4,5,6,7,8,9,A\n").unwrap();
        assert_eq!(check_csv_file(&p), Ok(()));
        std::fs::write(&p, b"\xEF\xBB\xBFAadhaar,Uri\n").unwrap();
        assert!(check_csv_file(&p).unwrap_err().contains("no rows"));
        std::fs::write(&p, b"%PDF-1.4\n\xff\xfe\x00binary").unwrap();
        assert!(check_csv_file(&p).unwrap_err().contains("UTF-8"));
        std::fs::write(&p, b"just some text\n").unwrap();
        assert!(check_csv_file(&p).unwrap_err().contains("columns"));
    }
}
