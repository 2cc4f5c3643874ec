//! Import tasks: one per uploaded CSV file, by API or by hand, with the
//! progress of its import and the rows it rejected.

use crate::sql::{Conn, params};

use crate::sql::{OptionalRow, Row};
use crate::{Db, DbError, DbResult, UnixTime};

/// Where a task's file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Api,
    Portal,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Portal => "portal",
        }
    }
}

/// An import task as stored.
#[derive(Debug, Clone)]
pub struct Task {
    pub id: i64,
    pub issuer_id: String,
    pub source: String,
    pub file_name: String,
    /// Path of the CSV file, relative to the data folder.
    pub stored_path: String,
    pub bytes_total: i64,
    pub txn: Option<String>,
    /// `pending`, `running`, `done` or `failed`.
    pub status: String,
    pub error: Option<String>,
    pub position: Position,
    pub rows_imported: i64,
    pub rows_rejected: i64,
    pub run_started_at: Option<UnixTime>,
    pub run_start_byte: Option<i64>,
    pub run_start_rows: Option<i64>,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
    pub finished_at: Option<UnixTime>,
}

/// A CSV reader position: where the next unread record starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub byte: u64,
    pub line: u64,
    pub record: u64,
}

/// What `insert` needs to queue a file.
pub struct NewTask<'a> {
    pub issuer_id: &'a str,
    pub source: Source,
    pub file_name: &'a str,
    pub stored_path: &'a str,
    pub bytes_total: u64,
    pub txn: Option<&'a str>,
    pub now: UnixTime,
}

/// Queues a file for import and returns the task id.
pub fn insert(db: &Db, new: &NewTask<'_>) -> DbResult<i64> {
    insert_on(&db.conn()?, new)
}

pub(crate) fn insert_on(conn: &Conn, new: &NewTask<'_>) -> DbResult<i64> {
    let inserted_id = conn.insert_id(
        "INSERT INTO import_tasks (issuer_id, source, file_name, stored_path, bytes_total, txn, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?7)",
        params![new.issuer_id, new.source.as_str(), new.file_name, new.stored_path, new.bytes_total as i64, new.txn, new.now],
    )?;
    Ok(inserted_id)
}

/// Queues a pushed file and records its `txn` (used by `org_id` at
/// `new.now`) in one transaction, so a crash keeps both or neither: a txn
/// is never used up by a push that was not queued. `None` when the txn was
/// used at or after `remember_since` (a replay), and nothing is written.
pub fn insert_pushed(db: &Db, new: &NewTask<'_>, org_id: &str, remember_since: UnixTime) -> DbResult<Option<i64>> {
    let txn = new
        .txn
        .ok_or_else(|| DbError::Other("a pushed task needs its txn".into()))?;
    let conn = db.conn()?;
    let tx = conn.transaction()?;
    if !crate::txns::record_on(&tx, org_id, txn, new.now, remember_since)? {
        return Ok(None);
    }
    let id = insert_on(&tx, new)?;
    tx.commit()?;
    Ok(Some(id))
}

const COLUMNS: &str = "id, issuer_id, source, file_name, stored_path, bytes_total, txn, status, error,
    pos_byte, pos_line, pos_record, rows_imported, rows_rejected, run_started_at, run_start_byte,
    run_start_rows, created_at, updated_at, finished_at";

fn from_row(r: &Row<'_>) -> DbResult<Task> {
    Ok(Task {
        id: r.get(0)?,
        issuer_id: r.get(1)?,
        source: r.get(2)?,
        file_name: r.get(3)?,
        stored_path: r.get(4)?,
        bytes_total: r.get(5)?,
        txn: r.get(6)?,
        status: r.get(7)?,
        error: r.get(8)?,
        position: Position {
            byte: r.get::<_, i64>(9)? as u64,
            line: r.get::<_, i64>(10)? as u64,
            record: r.get::<_, i64>(11)? as u64,
        },
        rows_imported: r.get(12)?,
        rows_rejected: r.get(13)?,
        run_started_at: r.get(14)?,
        run_start_byte: r.get(15)?,
        run_start_rows: r.get(16)?,
        created_at: r.get(17)?,
        updated_at: r.get(18)?,
        finished_at: r.get(19)?,
    })
}

/// One task by id.
pub fn get(db: &Db, id: i64) -> DbResult<Option<Task>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM import_tasks WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional_row()
}

/// An issuer's tasks, newest first, at most `limit`.
pub fn list_for_issuer(db: &Db, issuer_id: &str, limit: u32) -> DbResult<Vec<Task>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM import_tasks WHERE issuer_id = ?1 ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![issuer_id, limit], from_row)?;
    rows.collect::<Result<_, _>>()
}

/// Tasks still to import (pending, or running when an importer died), oldest first.
pub fn open_tasks(db: &Db) -> DbResult<Vec<Task>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM import_tasks WHERE status IN ('pending', 'running') ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![], from_row)?;
    rows.collect::<Result<_, _>>()
}

/// Marks a task running from its current position, for progress figures.
pub fn mark_running(db: &Db, id: i64, now: UnixTime) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let changed = conn.execute(
        "UPDATE import_tasks SET status = 'running', run_started_at = ?2, run_start_byte = pos_byte,
             run_start_rows = rows_imported + rows_rejected, updated_at = ?2
         WHERE id = ?1",
        params![id, now],
    )?;
    if changed == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// A node's hold on a task: who holds it, and until when.
#[derive(Debug, Clone, Copy)]
pub struct Lease<'a> {
    pub owner: &'a str,
    pub until: UnixTime,
}

/// Takes the lease of an open task when no other holder has a live one
/// (or renews this holder's). `false`: another node holds it, or the task is
/// finished. One UPDATE decides, so two nodes can never both win.
pub fn take_lease(db: &Db, id: i64, lease: Lease<'_>, now: UnixTime) -> DbResult<bool> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let changed = conn.execute(
        "UPDATE import_tasks SET lease_owner = ?2, lease_until = ?3
         WHERE id = ?1 AND status IN ('pending', 'running')
           AND (lease_owner IS NULL OR lease_owner = ?2 OR lease_until IS NULL OR lease_until < ?4)",
        params![id, lease.owner, lease.until, now],
    )?;
    Ok(changed == 1)
}

/// Whether a running task's lease has run out: its node stopped.
pub fn abandoned_count(db: &Db, now: UnixTime) -> DbResult<i64> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        "SELECT COUNT(*) FROM import_tasks
         WHERE status = 'running' AND (lease_until IS NULL OR lease_until < ?1)",
        params![now],
        |r| r.get(0),
    )
}

/// Marks a task finished: `done`, or `failed` with the reason. A task that
/// is already finished is left as it is (another importer finished it).
pub fn finish(db: &Db, id: i64, error: Option<&str>, now: UnixTime) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute(
        "UPDATE import_tasks SET status = ?2, error = ?3, finished_at = ?4, updated_at = ?4,
             lease_owner = NULL, lease_until = NULL
         WHERE id = ?1 AND status IN ('pending', 'running')",
        params![id, if error.is_some() { "failed" } else { "done" }, error, now],
    )?;
    Ok(())
}

/// A row that the import refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub line: u64,
    pub field: String,
    pub reason: String,
}

/// A task's rejected rows by line, from line `after` on, at most `limit`.
pub fn rejections(db: &Db, task_id: i64, after: u64, limit: u32) -> DbResult<Vec<Rejection>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare_cached(
        "SELECT line, field, reason FROM import_rejections WHERE task_id = ?1 AND line > ?2 ORDER BY line LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![task_id, after as i64, limit], |r| {
        Ok(Rejection {
            line: r.get::<_, i64>(0)? as u64,
            field: r.get(1)?,
            reason: r.get(2)?,
        })
    })?;
    rows.collect::<Result<_, _>>()
}
