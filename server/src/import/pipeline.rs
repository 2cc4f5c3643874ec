//! The import itself, in two stages on two threads: one reads the file and
//! validates, HMACs and seals each row; the other writes batches to SQLite,
//! committing the reader position with each batch. The stages overlap, so
//! the crypto costs little wall time.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use openlocker_db::import::{self as store, DocRow};
use openlocker_db::tasks::{Position, Rejection, Task};
use openlocker_db::{Connection, issuers};

use super::row::{self, Action, RowRules};
use crate::app::App;
use crate::crypto::{Keys, Purpose};
use crate::dates;
use crate::error::Error;
use crate::sealed_file::SealedReader;

/// A validated row with its Aadhaar number already HMAC'd and sealed.
struct Prepared {
    line: u64,
    action: Action,
    hmac: [u8; 32],
    sealed: Vec<u8>,
    uri: String,
    doc_type: String,
    doc_name: String,
    doc_id: String,
    issued_on: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
    time_stamp: String,
}

enum Item {
    Row(Box<Prepared>),
    Rejected(Rejection),
}

/// One batch of items and the reader position just after it.
struct Chunk {
    items: Vec<Item>,
    end: Position,
}

/// Imports the rest of `task` from its committed position; returns the rows
/// imported and rejected by this run.
pub fn import_rows(app: &App, conn: &mut Connection, task: &Task, file: File) -> Result<(u64, u64), Error> {
    let doc_types: HashSet<String> = issuers::doc_types(conn, &task.issuer_id)?
        .into_iter()
        .map(|t| t.code.to_ascii_uppercase())
        .collect();
    let plain = SealedReader::new(file, app.keys.file_cipher())?;
    let (sender, receiver) = sync_channel::<Chunk>(2);
    let rules = RowRules {
        issuer_id: &task.issuer_id,
        doc_types: &doc_types,
    };
    std::thread::scope(|scope| {
        let producer =
            scope.spawn(|| read_rows(plain, task, &rules, &app.keys, app.settings.import_batch_rows, sender));
        let written = write_chunks(conn, task, receiver);
        let read = producer
            .join()
            .map_err(|_| Error::Internal("the CSV reader thread panicked".into()))?;
        // A write error stops the reader (its channel closes): report the cause.
        let counts = written?;
        read?;
        Ok(counts)
    })
}

fn read_rows(
    plain: SealedReader<File>,
    task: &Task,
    rules: &RowRules<'_>,
    keys: &Keys,
    batch_rows: usize,
    sender: SyncSender<Chunk>,
) -> Result<(), Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 20, plain));
    if task.position.byte > 0 {
        let mut pos = csv::Position::new();
        pos.set_byte(task.position.byte)
            .set_line(task.position.line)
            .set_record(task.position.record);
        reader
            .seek(pos)
            .map_err(|e| Error::Internal(format!("seeking in CSV: {e}")))?;
    }
    let mut record = csv::ByteRecord::new();
    loop {
        let mut items = Vec::with_capacity(batch_rows);
        let mut more = true;
        while items.len() < batch_rows {
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
            items.push(match prepare(keys, rules, &record, position.line()) {
                Ok(prepared) => Item::Row(Box::new(prepared)),
                Err(row::RowError { field, reason }) => Item::Rejected(Rejection {
                    line: position.line(),
                    field: field.into(),
                    reason,
                }),
            });
        }
        let next = reader.position();
        let end = Position {
            byte: next.byte(),
            line: next.line(),
            record: next.record(),
        };
        if sender.send(Chunk { items, end }).is_err() || !more {
            return Ok(());
        }
    }
}

fn write_chunks(conn: &mut Connection, task: &Task, receiver: Receiver<Chunk>) -> Result<(u64, u64), Error> {
    let (mut total_imported, mut total_rejected) = (0u64, 0u64);
    for chunk in receiver {
        let batch = store::begin(conn, task.id, dates::unix_now())?;
        let (mut imported, mut rejected) = (0u64, 0u64);
        for item in &chunk.items {
            let refusal = match item {
                Item::Row(row) => apply(&batch, &task.issuer_id, row)?,
                Item::Rejected(rejection) => Some(rejection.clone()),
            };
            match refusal {
                None => imported += 1,
                Some(rejection) => {
                    rejected += 1;
                    batch.reject(&rejection)?;
                }
            }
        }
        batch.commit(chunk.end, imported, rejected)?;
        total_imported += imported;
        total_rejected += rejected;
    }
    Ok((total_imported, total_rejected))
}

/// Applies one row; `Some` when the locker has nothing for it to act on.
fn apply(batch: &store::Batch<'_>, issuer_id: &str, row: &Prepared) -> Result<Option<Rejection>, Error> {
    let doc = DocRow {
        aadhaar_hmac: &row.hmac,
        aadhaar_enc: &row.sealed,
        uri: &row.uri,
        issuer_id,
        doc_type: &row.doc_type,
        doc_name: &row.doc_name,
        doc_id: &row.doc_id,
        issued_on: &row.issued_on,
        valid_from: row.valid_from.as_deref(),
        valid_to: row.valid_to.as_deref(),
        time_stamp: &row.time_stamp,
    };
    let applied = match row.action {
        // Adding a pair that is already there is a no-op: imports are idempotent.
        Action::Add => batch.add(&doc).map(|_| true)?,
        Action::Update => batch.update(&doc)?,
        Action::Delete => batch.delete(&row.hmac, &row.uri)?,
    };
    Ok((!applied).then(|| Rejection {
        line: row.line,
        field: "Uri".into(),
        reason: "this Aadhaar number has no such URI in its locker (push it with Action A first)".into(),
    }))
}

fn read_record<R: Read>(reader: &mut csv::Reader<R>, record: &mut csv::ByteRecord) -> Result<bool, Error> {
    reader.read_byte_record(record).map_err(|e| match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::from(io),
        other => Error::Internal(format!("CSV reader: {other:?}")),
    })
}

/// Whether a first record is the optional header row.
pub(super) fn is_header(record: &csv::ByteRecord) -> bool {
    record.get(0).is_some_and(|first| {
        let first = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first);
        first.trim_ascii().eq_ignore_ascii_case(b"aadhaar")
    })
}

/// Validates one record and does its crypto.
fn prepare(keys: &Keys, rules: &RowRules<'_>, record: &csv::ByteRecord, line: u64) -> Result<Prepared, row::RowError> {
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
    Ok(Prepared {
        line,
        action: valid.action,
        hmac: keys.aadhaar_hmac(valid.aadhaar),
        // Only an added row stores the number; updates and deletes find it by HMAC.
        sealed: if valid.action == Action::Add {
            keys.seal(Purpose::Aadhaar, valid.aadhaar.as_bytes())
        } else {
            Vec::new()
        },
        uri: valid.uri.to_owned(),
        doc_type: valid.doc_type.to_owned(),
        doc_name: valid.doc_name.to_owned(),
        doc_id: valid.doc_id.to_owned(),
        issued_on: valid.issued_on,
        valid_from: valid.valid_from,
        valid_to: valid.valid_to,
        time_stamp: valid.time_stamp,
    })
}
