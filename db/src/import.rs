//! The write side of the CSV import: one transaction per batch of rows, with
//! the task's reader position committed in the same transaction. A crash
//! between batches loses nothing and a resumed import repeats nothing.

use crate::sql::{Conn, Stmt, Tx, params};

use crate::tasks::{Lease, Position, Rejection};
use crate::{DbError, DbResult, UnixTime};

/// One validated row, ready to store.
pub struct DocRow<'a> {
    pub aadhaar_hmac: &'a [u8],
    pub aadhaar_enc: &'a [u8],
    pub uri: &'a str,
    pub issuer_id: &'a str,
    pub doc_type: &'a str,
    pub doc_name: &'a str,
    pub doc_id: &'a str,
    /// ISO dates `YYYY-MM-DD`.
    pub issued_on: &'a str,
    pub valid_from: Option<&'a str>,
    pub valid_to: Option<&'a str>,
    /// ISO date-time `YYYY-MM-DDTHH:MM:SS`.
    pub time_stamp: &'a str,
}

/// An open batch. Nothing in it is visible until [`Batch::commit`].
pub struct Batch<'conn> {
    tx: Tx<'conn>,
    task_id: i64,
    now: UnixTime,
}

/// What writing one row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The locker changed.
    Changed,
    /// The row asked for what was already there (counted as neither
    /// imported nor rejected).
    Unchanged,
    /// An update or deletion of a pair that is not there.
    Missing,
    /// Held to be sent with others: [`Writer::flush`] counts what it changed.
    Queued,
}

/// Writes rows inside a batch.
pub struct Writer<'b> {
    add: Stmt<'b>,
    update: Stmt<'b>,
    exists: Stmt<'b>,
    delete: Stmt<'b>,
    task_id: i64,
    now: UnixTime,
    /// On PostgreSQL, where each statement is a round trip, adds wait here
    /// and go in by COPY (see [`Writer::flush`]).
    queued: Option<Queued<'b>>,
}

/// Adds waiting to be sent together, and what the ones sent changed.
struct Queued<'b> {
    conn: &'b Conn,
    rows: Vec<OwnedDocRow>,
    changed: u64,
    /// Whether this session's staging table is made.
    staged: bool,
}

/// Adds sent at a time (one COPY and one INSERT).
const ROWS_PER_INSERT: usize = 5_000;

/// A [`DocRow`] held past its row's lifetime.
struct OwnedDocRow {
    aadhaar_hmac: Vec<u8>,
    aadhaar_enc: Vec<u8>,
    /// uri, issuer_id, doc_type, doc_name, doc_id, issued_on, time_stamp.
    texts: [String; 7],
    valid_from: Option<String>,
    valid_to: Option<String>,
}

impl OwnedDocRow {
    fn of(doc: &DocRow<'_>) -> OwnedDocRow {
        OwnedDocRow {
            aadhaar_hmac: doc.aadhaar_hmac.to_vec(),
            aadhaar_enc: doc.aadhaar_enc.to_vec(),
            texts: [
                doc.uri,
                doc.issuer_id,
                doc.doc_type,
                doc.doc_name,
                doc.doc_id,
                doc.issued_on,
                doc.time_stamp,
            ]
            .map(str::to_owned),
            valid_from: doc.valid_from.map(str::to_owned),
            valid_to: doc.valid_to.map(str::to_owned),
        }
    }
}

/// The session's staging table of adds: binary COPY fills it, one
/// `INSERT ... SELECT` moves it into `issued_docs` (in the order the rows
/// came, so a pair given twice is added once, as row by row).
const STAGE: &str = "CREATE TEMP TABLE IF NOT EXISTS import_stage (
    seq BIGINT GENERATED ALWAYS AS IDENTITY, aadhaar_hmac BYTEA, aadhaar_enc BYTEA, uri TEXT, issuer_id TEXT,
    doc_type TEXT, doc_name TEXT, doc_id TEXT, issued_on TEXT, valid_from TEXT, valid_to TEXT, time_stamp TEXT
) ON COMMIT DELETE ROWS";

const STAGE_COLUMNS: &str = "aadhaar_hmac, aadhaar_enc, uri, issuer_id, doc_type, doc_name, doc_id, issued_on, valid_from, valid_to, time_stamp";

impl Queued<'_> {
    /// Sends what waits. New pairs, the usual case, are copied straight into
    /// `issued_docs`; a pair already there (or given twice) fails that COPY,
    /// which is then undone to its savepoint, and the rows go through the
    /// staging table and one INSERT of what is not there yet.
    fn send(&mut self, task_id: i64, now: UnixTime) -> DbResult<()> {
        self.conn.execute_batch("SAVEPOINT import_copy")?;
        let direct = format!("issued_docs ({STAGE_COLUMNS}, task_id, updated_at)");
        match self.copy_rows(&direct, Some((task_id, now))) {
            Ok(copied) => {
                self.conn.execute_batch("RELEASE SAVEPOINT import_copy")?;
                self.changed += copied;
            }
            Err(DbError::Conflict(_)) => {
                self.conn.execute_batch("ROLLBACK TO SAVEPOINT import_copy")?;
                self.send_staged(task_id, now)?;
            }
            Err(other) => return Err(other),
        }
        self.rows.clear();
        Ok(())
    }

    /// COPY into the staging table, then one INSERT of what is not there yet.
    fn send_staged(&mut self, task_id: i64, now: UnixTime) -> DbResult<()> {
        if !self.staged {
            self.conn.execute_batch(STAGE)?;
            self.staged = true;
        }
        self.copy_rows(&format!("import_stage ({STAGE_COLUMNS})"), None)?;
        let merge = format!(
            "INSERT INTO issued_docs ({STAGE_COLUMNS}, task_id, updated_at)
             SELECT {STAGE_COLUMNS}, ?1, ?2 FROM import_stage ORDER BY seq
             ON CONFLICT (aadhaar_hmac, uri) DO NOTHING"
        );
        self.changed += self.conn.execute(&merge, params![task_id, now])? as u64;
        self.conn.execute_batch("TRUNCATE import_stage")
    }

    /// Binary COPY of the waiting rows into `target` (a table and its
    /// columns), with the task and time columns when given.
    fn copy_rows(&self, target: &str, task: Option<(i64, UnixTime)>) -> DbResult<u64> {
        use postgres::types::Type;
        let mut types = [[Type::BYTEA; 2].as_slice(), &[Type::TEXT; 9]].concat();
        if task.is_some() {
            types.extend([Type::INT8, Type::INT8]);
        }
        let copy = format!("COPY {target} FROM STDIN (FORMAT binary)");
        let (task_id, now) = task.unwrap_or_default();
        self.conn.copy_in(&copy, &types, |writer| {
            for row in &self.rows {
                let [uri, issuer_id, doc_type, doc_name, doc_id, issued_on, time_stamp] = &row.texts;
                let mut values: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![
                    &row.aadhaar_hmac,
                    &row.aadhaar_enc,
                    uri,
                    issuer_id,
                    doc_type,
                    doc_name,
                    doc_id,
                    issued_on,
                    &row.valid_from,
                    &row.valid_to,
                    time_stamp,
                ];
                if task.is_some() {
                    values.extend([&task_id as &(dyn postgres::types::ToSql + Sync), &now]);
                }
                writer.write(&values)?;
            }
            Ok(())
        })
    }
}

impl Writer<'_> {
    /// Sends the adds that wait (PostgreSQL) and returns how many of the
    /// [`Applied::Queued`] adds since the last call changed the locker.
    /// Call before the batch commits.
    pub fn flush(&mut self) -> DbResult<u64> {
        self.send_queued()?;
        Ok(self.queued.as_mut().map_or(0, |q| std::mem::take(&mut q.changed)))
    }

    /// Sends the adds that wait, so what follows sees them (rows keep their order).
    fn send_queued(&mut self) -> DbResult<()> {
        match self.queued.as_mut() {
            Some(queued) if !queued.rows.is_empty() => queued.send(self.task_id, self.now),
            _ => Ok(()),
        }
    }

    /// Action A; `Unchanged` when the Aadhaar number already had this URI
    /// (the import is idempotent on the pair); `Queued` on PostgreSQL.
    pub fn add(&mut self, doc: &DocRow<'_>) -> DbResult<Applied> {
        if let Some(queued) = self.queued.as_mut() {
            queued.rows.push(OwnedDocRow::of(doc));
            if queued.rows.len() >= ROWS_PER_INSERT {
                self.send_queued()?;
            }
            return Ok(Applied::Queued);
        }
        let inserted = self.add.execute(params![
            doc.aadhaar_hmac,
            doc.aadhaar_enc,
            doc.uri,
            doc.issuer_id,
            doc.doc_type,
            doc.doc_name,
            doc.doc_id,
            doc.issued_on,
            doc.valid_from,
            doc.valid_to,
            doc.time_stamp,
            self.task_id,
            self.now
        ])?;
        Ok(if inserted == 1 {
            Applied::Changed
        } else {
            Applied::Unchanged
        })
    }

    /// Action U: replaces the metadata of an existing Aadhaar + URI pair;
    /// `Unchanged` when it already was so, `Missing` when there is no pair.
    pub fn update(&mut self, doc: &DocRow<'_>) -> DbResult<Applied> {
        self.send_queued()?;
        let changed = self.update.execute(params![
            doc.aadhaar_hmac,
            doc.uri,
            doc.doc_name,
            doc.issued_on,
            doc.valid_from,
            doc.valid_to,
            doc.time_stamp,
            self.task_id,
            self.now
        ])?;
        Ok(if changed == 1 {
            Applied::Changed
        } else if self.exists.exists(params![doc.aadhaar_hmac, doc.uri])? {
            Applied::Unchanged
        } else {
            Applied::Missing
        })
    }

    /// Action D: removes the URI from that Aadhaar number's locker;
    /// `Missing` when it was not there.
    pub fn delete(&mut self, aadhaar_hmac: &[u8], uri: &str) -> DbResult<Applied> {
        self.send_queued()?;
        Ok(match self.delete.execute(params![aadhaar_hmac, uri])? {
            1 => Applied::Changed,
            _ => Applied::Missing,
        })
    }
}

/// The import's own connection ([`crate::Db::import_conn`]): one writer,
/// a large page cache, held for a whole file.
pub struct ImportConn(pub(crate) Conn);

/// Starts a batch for `task_id`.
pub fn begin(conn: &mut ImportConn, task_id: i64, now: UnixTime) -> DbResult<Batch<'_>> {
    // On SQLite, IMMEDIATE takes the write lock now rather than failing
    // half-way; on PostgreSQL, batches of different files run side by side.
    let tx = match conn.0.dialect() {
        crate::Dialect::Sqlite => conn.0.transaction_serialized("import")?,
        crate::Dialect::Postgres => conn.0.transaction()?,
    };
    Ok(Batch { tx, task_id, now })
}

impl Batch<'_> {
    /// The prepared statements that write rows, prepared once per batch
    /// (the importer's hot path: no per-row statement look-up).
    pub fn writer(&self) -> DbResult<Writer<'_>> {
        Ok(Writer {
            add: self.tx.prepare(
                "INSERT INTO issued_docs (aadhaar_hmac, aadhaar_enc, uri, issuer_id, doc_type, doc_name, doc_id,
                     issued_on, valid_from, valid_to, time_stamp, task_id, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (aadhaar_hmac, uri) DO NOTHING",
            )?,
            update: self.tx.prepare(
                "UPDATE issued_docs SET doc_name = ?3, issued_on = ?4, valid_from = ?5, valid_to = ?6,
                     time_stamp = ?7, task_id = ?8, updated_at = ?9
                 WHERE aadhaar_hmac = ?1 AND uri = ?2
                   AND (doc_name IS DISTINCT FROM ?3 OR issued_on IS DISTINCT FROM ?4
                        OR valid_from IS DISTINCT FROM ?5 OR valid_to IS DISTINCT FROM ?6
                        OR time_stamp IS DISTINCT FROM ?7)",
            )?,
            exists: self
                .tx
                .prepare("SELECT 1 FROM issued_docs WHERE aadhaar_hmac = ?1 AND uri = ?2")?,
            delete: self
                .tx
                .prepare("DELETE FROM issued_docs WHERE aadhaar_hmac = ?1 AND uri = ?2")?,
            task_id: self.task_id,
            now: self.now,
            queued: (self.tx.dialect() == crate::Dialect::Postgres).then(|| Queued {
                conn: &self.tx,
                rows: Vec::with_capacity(ROWS_PER_INSERT),
                changed: 0,
                staged: false,
            }),
        })
    }

    /// Records a refused row.
    pub fn reject(&self, rejection: &Rejection) -> DbResult<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO import_rejections (task_id, line, field, reason) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (task_id, line) DO UPDATE SET field = excluded.field, reason = excluded.reason",
        )?;
        stmt.execute(params![
            self.task_id,
            rejection.line as i64,
            rejection.field,
            rejection.reason
        ])?;
        Ok(())
    }

    /// Commits the batch together with the reader position after it, the
    /// row counts it adds and the lease renewed. A node whose lease another
    /// node has taken commits nothing: [`DbError::Conflict`], and the rows
    /// are rolled back (the other node imports them).
    pub fn commit(self, next: Position, imported: u64, rejected: u64, lease: Lease<'_>) -> DbResult<()> {
        let changed = self.tx.execute(
            "UPDATE import_tasks SET pos_byte = ?2, pos_line = ?3, pos_record = ?4,
                 rows_imported = rows_imported + ?5, rows_rejected = rows_rejected + ?6, updated_at = ?7,
                 lease_until = ?8
             WHERE id = ?1 AND lease_owner = ?9",
            params![
                self.task_id,
                next.byte as i64,
                next.line as i64,
                next.record as i64,
                imported as i64,
                rejected as i64,
                self.now,
                lease.until,
                lease.owner
            ],
        )?;
        if changed != 1 {
            return Err(DbError::Conflict("another node took over this import".into()));
        }
        self.tx.commit()?;
        Ok(())
    }
}
