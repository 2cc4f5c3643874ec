//! The import itself, in two stages on two threads: one reads the file and
//! validates, HMACs and seals each row; the other writes batches to SQLite,
//! committing the reader position with each batch. The stages overlap, so
//! the crypto costs little wall time.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{BufReader, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use openlocker_db::import::ImportConn;
use openlocker_db::import::{self as store, Applied, DocRow};
use openlocker_db::issuers;
use openlocker_db::tasks::{Position, Rejection, Task};

use super::row::{self, Action, RowRules, ValidRow};
use super::{Holder, ImportFailure};
use crate::app::App;
use crate::platform::crypto::{AADHAAR_HMAC_LEN, Keys, SEALED_AADHAAR_LEN};
use crate::platform::dates;
use crate::platform::error::Error;
use crate::platform::objects::ObjectReader;
use crate::platform::sealed_file::SealedReader;

/// Where a text field of a row sits in its chunk's `text`.
#[derive(Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

const ABSENT: Span = Span {
    start: u32::MAX,
    len: 0,
};

/// A validated row with its Aadhaar number already HMAC'd and sealed. Its
/// text lives in the chunk, so a batch of rows costs a few allocations,
/// not several per row.
struct PreparedRow {
    line: u64,
    action: Action,
    hmac: [u8; AADHAAR_HMAC_LEN],
    sealed: [u8; SEALED_AADHAAR_LEN],
    /// uri, doc_type, doc_name, doc_id, issued_on, valid_from, valid_to, time_stamp.
    fields: [Span; 8],
}

/// One batch of rows and the reader position just after it.
struct Chunk {
    text: String,
    rows: Vec<PreparedRow>,
    rejections: Vec<Rejection>,
    end: Position,
}

impl Chunk {
    fn new(capacity: usize) -> Chunk {
        Chunk {
            text: String::with_capacity(capacity * 96),
            rows: Vec::with_capacity(capacity),
            rejections: Vec::new(),
            end: Position {
                byte: 0,
                line: 0,
                record: 0,
            },
        }
    }

    fn put(&mut self, value: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(value);
        Span {
            start,
            len: value.len() as u32,
        }
    }

    fn put_with(&mut self, write: impl FnOnce(&mut String)) -> Span {
        let start = self.text.len();
        write(&mut self.text);
        Span {
            start: start as u32,
            len: (self.text.len() - start) as u32,
        }
    }

    fn get(&self, span: Span) -> Option<&str> {
        (span.start != u32::MAX).then(|| &self.text[span.start as usize..(span.start + span.len) as usize])
    }

    fn get_or_empty(&self, span: Span) -> &str {
        self.get(span).unwrap_or("")
    }

    /// An ISO date, or `ABSENT` for none.
    fn put_date(&mut self, date: Option<time::Date>) -> Span {
        match date {
            Some(d) => self.put_with(|text| {
                let _ = write!(text, "{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
            }),
            None => ABSENT,
        }
    }

    /// Adds a validated row, doing its crypto.
    fn push_row(&mut self, keys: &Keys, line: u64, valid: &ValidRow<'_>) {
        let uri = self.put(valid.uri);
        let doc_type = self.put(valid.doc_type);
        let doc_name = self.put(valid.doc_name);
        let doc_id = self.put(valid.doc_id);
        // An absent issue date is an empty span, unlike the validity dates.
        let issued_on = match valid.issued_on {
            Some(_) => self.put_date(valid.issued_on),
            None => self.put(""),
        };
        let valid_from = self.put_date(valid.valid_from);
        let valid_to = self.put_date(valid.valid_to);
        let time_stamp = self.put_with(|text| {
            if let Some(t) = valid.time_stamp {
                let _ = write!(
                    text,
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                    t.year(),
                    u8::from(t.month()),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                );
            }
        });
        // `validate` has checked that the number is 12 digits.
        let Ok(digits) = <&[u8; 12]>::try_from(valid.aadhaar.as_bytes()) else {
            unreachable!("a validated Aadhaar number has 12 digits")
        };
        self.rows.push(PreparedRow {
            line,
            action: valid.action,
            hmac: keys.aadhaar_hmac(valid.aadhaar),
            // Only an added row stores the number; updates and deletes find it by HMAC.
            sealed: if valid.action == Action::Add {
                keys.seal_aadhaar(digits)
            } else {
                [0; SEALED_AADHAAR_LEN]
            },
            fields: [
                uri, doc_type, doc_name, doc_id, issued_on, valid_from, valid_to, time_stamp,
            ],
        });
    }
}

/// Imports the rest of `task` from its committed position; returns the rows
/// imported and rejected by this run.
pub fn import_rows(
    app: &App,
    conn: &mut ImportConn,
    task: &Task,
    file: Box<dyn ObjectReader>,
    holder: Holder<'_>,
) -> Result<(u64, u64), ImportFailure> {
    let doc_types: HashSet<String> = issuers::doc_types(&app.db, &task.issuer_id)?
        .into_iter()
        .map(|t| t.code.to_ascii_uppercase())
        .collect();
    let plain = SealedReader::new(file, app.keys.file_cipher()).map_err(damaged)?;
    // One chunk in the channel, one being read, one being written.
    let (sender, receiver) = sync_channel::<Chunk>(1);
    let rules = RowRules {
        issuer_id: &task.issuer_id,
        doc_types: &doc_types,
    };
    let batch_rows = app.settings.import_batch_rows;
    std::thread::scope(|scope| {
        let producer = std::thread::Builder::new()
            .name("csv-reader".into())
            .spawn_scoped(scope, || read_rows(plain, task, &rules, &app.keys, batch_rows, sender))?;
        let written = write_chunks(conn, task, receiver, holder);
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
    plain: SealedReader<Box<dyn ObjectReader>>,
    task: &Task,
    rules: &RowRules<'_>,
    keys: &Keys,
    batch_rows: usize,
    sender: SyncSender<Chunk>,
) -> Result<(), ImportFailure> {
    let mut reader = reader_at(plain, task)?;
    let mut record = csv::ByteRecord::new();
    loop {
        let (chunk, more) = read_chunk(&mut reader, &mut record, rules, keys, batch_rows)?;
        if sender.send(chunk).is_err() || !more {
            return Ok(());
        }
    }
}

/// The CSV reader, at the task's committed position.
fn reader_at(plain: SealedReader<Box<dyn ObjectReader>>, task: &Task) -> Result<CsvReader, ImportFailure> {
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
    Ok(reader)
}

type CsvReader = csv::Reader<BufReader<SealedReader<Box<dyn ObjectReader>>>>;

/// Reads up to `batch_rows` rows and rejections into a chunk; whether the
/// file has more.
fn read_chunk(
    reader: &mut CsvReader,
    record: &mut csv::ByteRecord,
    rules: &RowRules<'_>,
    keys: &Keys,
    batch_rows: usize,
) -> Result<(Chunk, bool), ImportFailure> {
    let mut chunk = Chunk::new(batch_rows);
    let mut more = true;
    while chunk.rows.len() + chunk.rejections.len() < batch_rows {
        if !read_record(reader, record)? {
            more = false;
            break;
        }
        let Some(position) = record.position().cloned() else {
            continue;
        };
        if position.record() == 0 && is_header(record) {
            continue;
        }
        let line = position.line();
        let checked = split_fields(record).and_then(|fields| row::validate(&fields, rules));
        match checked {
            Ok(valid) => chunk.push_row(keys, line, &valid),
            Err(row::RowError { field, reason }) => chunk.rejections.push(Rejection {
                line,
                field: field.into(),
                // Reasons quote cells; an Aadhaar number in the wrong column stays masked.
                reason: crate::platform::aadhaar::mask_digit_runs(&reason),
            }),
        }
    }
    let next = reader.position();
    chunk.end = Position {
        byte: next.byte(),
        line: next.line(),
        record: next.record(),
    };
    // Rows in index order touch each B-tree page once per batch instead of
    // once per row (HMACs are random). The sort is stable, so rows of one
    // Aadhaar number keep their file order (A, then U, then D).
    chunk.rows.sort_by_key(|row| row.hmac);
    Ok((chunk, more))
}

/// Splits a record into its ten trimmed UTF-8 fields (a BOM before the first
/// is dropped).
fn split_fields(record: &csv::ByteRecord) -> Result<[&str; row::COLUMNS.len()], row::RowError> {
    let mut fields = [""; row::COLUMNS.len()];
    if record.len() != fields.len() {
        return Err(row::RowError {
            field: "row",
            reason: format!("expected {} columns, found {}", fields.len(), record.len()),
        });
    }
    for (i, raw) in record.iter().enumerate() {
        let raw = if i == 0 {
            raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
        } else {
            raw
        };
        fields[i] = std::str::from_utf8(raw)
            .map_err(|_| row::RowError {
                field: row::COLUMNS[i],
                reason: "is not valid UTF-8 text".into(),
            })?
            .trim();
    }
    Ok(fields)
}

fn write_chunks(
    conn: &mut ImportConn,
    task: &Task,
    receiver: Receiver<Chunk>,
    holder: Holder<'_>,
) -> Result<(u64, u64), ImportFailure> {
    let (mut total_imported, mut total_rejected) = (0u64, 0u64);
    for mut chunk in receiver {
        let now = dates::unix_now();
        let batch = store::begin(conn, task.id, now)?;
        let mut writer = batch.writer()?;
        let mut imported = 0u64;
        let mut missing = Vec::new();
        for row in &chunk.rows {
            match apply(&mut writer, &task.issuer_id, &chunk, row)? {
                Applied::Changed => imported += 1,
                Applied::Unchanged | Applied::Queued => {}
                Applied::Missing => missing.push(Rejection {
                    line: row.line,
                    field: "Uri".into(),
                    reason: "this Aadhaar number has no such URI in its locker (push it with Action A first)".into(),
                }),
            }
        }
        imported += writer.flush()?;
        drop(writer);
        chunk.rejections.append(&mut missing);
        for rejection in &chunk.rejections {
            batch.reject(rejection)?;
        }
        let rejected = chunk.rejections.len() as u64;
        batch.commit(chunk.end, imported, rejected, holder.lease_from(now))?;
        total_imported += imported;
        total_rejected += rejected;
    }
    Ok((total_imported, total_rejected))
}

/// Applies one row; `false` when the locker has nothing for it to act on.
fn apply(writer: &mut store::Writer<'_>, issuer_id: &str, chunk: &Chunk, row: &PreparedRow) -> Result<Applied, Error> {
    let [
        uri,
        doc_type,
        doc_name,
        doc_id,
        issued_on,
        valid_from,
        valid_to,
        time_stamp,
    ] = row.fields;
    let doc = DocRow {
        aadhaar_hmac: &row.hmac,
        aadhaar_enc: &row.sealed,
        uri: chunk.get_or_empty(uri),
        issuer_id,
        doc_type: chunk.get_or_empty(doc_type),
        doc_name: chunk.get_or_empty(doc_name),
        doc_id: chunk.get_or_empty(doc_id),
        issued_on: chunk.get_or_empty(issued_on),
        valid_from: chunk.get(valid_from),
        valid_to: chunk.get(valid_to),
        time_stamp: chunk.get_or_empty(time_stamp),
    };
    // Adding a pair that is already there is a no-op: imports are idempotent.
    Ok(match row.action {
        Action::Add => writer.add(&doc)?,
        Action::Update => writer.update(&doc)?,
        Action::Delete => writer.delete(&row.hmac, doc.uri)?,
    })
}

/// A stored file that fails to decrypt or authenticate will never import:
/// `Damaged`, so the task is failed with the reason instead of retried.
fn damaged(err: std::io::Error) -> ImportFailure {
    if err.kind() == std::io::ErrorKind::InvalidData {
        ImportFailure::Damaged(format!(
            "the stored file is damaged and cannot be imported ({err}); please upload it again"
        ))
    } else {
        ImportFailure::Retry(Error::from(err))
    }
}

fn read_record<R: Read>(reader: &mut csv::Reader<R>, record: &mut csv::ByteRecord) -> Result<bool, ImportFailure> {
    reader.read_byte_record(record).map_err(|e| match e.into_kind() {
        csv::ErrorKind::Io(io) => damaged(io),
        other => ImportFailure::Retry(Error::Internal(format!("CSV reader: {other:?}"))),
    })
}

/// Whether a first record is the optional header row.
pub(super) fn is_header(record: &csv::ByteRecord) -> bool {
    record.get(0).is_some_and(|first| {
        let first = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first);
        first.trim_ascii().eq_ignore_ascii_case(b"aadhaar")
    })
}
