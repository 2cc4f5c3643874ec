//! Uploaded Documents: a resident's folders and files. Every query names the
//! resident, so one resident's ids never reach another's rows.

use crate::Db;
use crate::sql::{Conn, params};

use crate::sql::{OptionalRow, Row};
use crate::{DbError, DbResult, UnixTime};

/// A folder, with how many files it holds.
#[derive(Debug, Clone)]
pub struct Folder {
    pub id: i64,
    pub name: String,
    pub files: i64,
    pub created_at: UnixTime,
}

/// A file's row.
#[derive(Debug, Clone)]
pub struct File {
    pub id: i64,
    pub name: String,
    /// The folder's name; `None` at the top level.
    pub folder: Option<String>,
    pub folder_id: Option<i64>,
    pub size: i64,
    pub content_type: String,
    pub content_id: String,
    pub uploaded_at: UnixTime,
}

/// Maps a unique-name clash to a message about the name, and a folder
/// that vanished meanwhile (a foreign key) to `NotFound`.
fn name_taken(err: DbError, what: &str) -> DbError {
    match err {
        // SQLite says "FOREIGN KEY constraint failed", PostgreSQL "violates
        // foreign key constraint".
        DbError::Conflict(cause) if cause.to_ascii_lowercase().contains("foreign key") => DbError::NotFound,
        DbError::Conflict(_) => DbError::Conflict(format!("{what} with this name already exists here")),
        other => other,
    }
}

/// A new folder; `Conflict` when the resident has one of that name.
pub fn insert_folder(db: &Db, resident_id: i64, name: &str, now: UnixTime) -> DbResult<i64> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let inserted_id = conn
        .insert_id(
            "INSERT INTO upload_folders (resident_id, name, created_at) VALUES (?1, ?2, ?3)",
            params![resident_id, name, now],
        )
        .map_err(|e| name_taken(e, "a folder"))?;
    Ok(inserted_id)
}

const FOLDER_COLUMNS: &str = "f.id, f.name, f.created_at,
    (SELECT COUNT(*) FROM uploaded_files u WHERE u.folder_id = f.id)";

fn folder_row(r: &Row<'_>) -> DbResult<Folder> {
    Ok(Folder {
        id: r.get(0)?,
        name: r.get(1)?,
        created_at: r.get(2)?,
        files: r.get(3)?,
    })
}

/// The resident's folders by name.
pub fn folders(db: &Db, resident_id: i64) -> DbResult<Vec<Folder>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {FOLDER_COLUMNS} FROM upload_folders f WHERE f.resident_id = ?1 ORDER BY f.name"
    ))?;
    let rows = stmt.query_map([resident_id], folder_row)?;
    rows.collect::<Result<_, _>>()
}

/// One of the resident's folders.
pub fn folder(db: &Db, resident_id: i64, id: i64) -> DbResult<Option<Folder>> {
    folder_on(&db.conn()?, resident_id, id)
}

pub(crate) fn folder_on(conn: &Conn, resident_id: i64, id: i64) -> DbResult<Option<Folder>> {
    conn.query_row(
        &format!("SELECT {FOLDER_COLUMNS} FROM upload_folders f WHERE f.resident_id = ?1 AND f.id = ?2"),
        [resident_id, id],
        folder_row,
    )
    .optional_row()
}

/// Renames a folder; `NotFound` when it is not the resident's.
pub fn rename_folder(db: &Db, resident_id: i64, id: i64, name: &str) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let changed = conn
        .execute(
            "UPDATE upload_folders SET name = ?3 WHERE resident_id = ?1 AND id = ?2",
            params![resident_id, id, name],
        )
        .map_err(|e| name_taken(e, "a folder"))?;
    if changed == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Deletes an empty folder: `NotFound` when it is not the resident's,
/// `Conflict` when it still holds files.
pub fn delete_folder(db: &Db, resident_id: i64, id: i64) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let tx = conn.transaction_serialized("uploads")?;
    let files: i64 = tx.query_row("SELECT COUNT(*) FROM uploaded_files WHERE folder_id = ?1", [id], |r| {
        r.get(0)
    })?;
    let owned: i64 = tx.query_row(
        "SELECT COUNT(*) FROM upload_folders WHERE resident_id = ?1 AND id = ?2",
        [resident_id, id],
        |r| r.get(0),
    )?;
    if owned == 0 {
        return Err(DbError::NotFound);
    }
    if files > 0 {
        return Err(DbError::Conflict(format!(
            "the folder still holds {files} file(s); move or delete them first"
        )));
    }
    tx.execute("DELETE FROM upload_folders WHERE id = ?1", [id])?;
    tx.commit()?;
    Ok(())
}

/// What `insert_file` stores.
pub struct NewFile<'a> {
    pub resident_id: i64,
    pub folder_id: Option<i64>,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub content_id: &'a str,
    pub now: UnixTime,
}

/// Adds a file row; `Conflict` when its folder already has that name.
pub fn insert_file(db: &Db, new: &NewFile<'_>) -> DbResult<i64> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let inserted_id = conn
        .insert_id(
            "INSERT INTO uploaded_files (resident_id, folder_id, name, content_type, size, content_id, uploaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                new.resident_id,
                new.folder_id,
                new.name,
                new.content_type,
                new.size,
                new.content_id,
                new.now
            ],
        )
        .map_err(|e| name_taken(e, "a file"))?;
    Ok(inserted_id)
}

const FILE_COLUMNS: &str = "u.id, u.name, f.name, u.folder_id, u.size, u.content_type, u.content_id, u.uploaded_at
    FROM uploaded_files u LEFT JOIN upload_folders f ON f.id = u.folder_id";

fn file_row(r: &Row<'_>) -> DbResult<File> {
    Ok(File {
        id: r.get(0)?,
        name: r.get(1)?,
        folder: r.get(2)?,
        folder_id: r.get(3)?,
        size: r.get(4)?,
        content_type: r.get(5)?,
        content_id: r.get(6)?,
        uploaded_at: r.get(7)?,
    })
}

/// The resident's files, by folder then name.
pub fn files(db: &Db, resident_id: i64) -> DbResult<Vec<File>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {FILE_COLUMNS} WHERE u.resident_id = ?1 ORDER BY f.name, u.name"
    ))?;
    let rows = stmt.query_map([resident_id], file_row)?;
    rows.collect::<Result<_, _>>()
}

/// One of the resident's files.
pub fn file(db: &Db, resident_id: i64, id: i64) -> DbResult<Option<File>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        &format!("SELECT {FILE_COLUMNS} WHERE u.resident_id = ?1 AND u.id = ?2"),
        [resident_id, id],
        file_row,
    )
    .optional_row()
}

/// Bytes the resident's files take, counted per row.
pub fn used_bytes(db: &Db, resident_id: i64) -> DbResult<i64> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM uploaded_files WHERE resident_id = ?1",
        [resident_id],
        |r| r.get(0),
    )
}

/// Renames and/or moves a file. The target folder must be the resident's
/// (`NotFound` otherwise); a clashing name is `Conflict`.
pub fn update_file(db: &Db, resident_id: i64, id: i64, name: &str, folder_id: Option<i64>) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    if let Some(folder_id) = folder_id
        && folder_on(conn, resident_id, folder_id)?.is_none()
    {
        return Err(DbError::NotFound);
    }
    let changed = conn
        .execute(
            "UPDATE uploaded_files SET name = ?3, folder_id = ?4 WHERE resident_id = ?1 AND id = ?2",
            params![resident_id, id, name, folder_id],
        )
        .map_err(|e| name_taken(e, "a file"))?;
    if changed == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Deletes a file row. Returns its content id and whether any row still
/// refers to that content (if not, the caller removes the stored bytes).
pub fn delete_file(db: &Db, resident_id: i64, id: i64) -> DbResult<(String, bool)> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let tx = conn.transaction_serialized("uploads")?;
    let content_id: String = tx
        .query_row(
            "SELECT content_id FROM uploaded_files WHERE resident_id = ?1 AND id = ?2",
            [resident_id, id],
            |r| r.get(0),
        )
        .optional_row()?
        .ok_or(DbError::NotFound)?;
    tx.execute("DELETE FROM uploaded_files WHERE id = ?1", [id])?;
    let still_used: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM uploaded_files WHERE content_id = ?1)",
        [&content_id],
        |r| r.get(0),
    )?;
    tx.commit()?;
    Ok((content_id, still_used))
}

/// Whether any file row refers to this content.
pub fn content_in_use(db: &Db, content_id: &str) -> DbResult<bool> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM uploaded_files WHERE content_id = ?1)",
        [content_id],
        |r| r.get(0),
    )
}
