//! `openlocker db copy --to URL`: moves a whole SQLite deployment up to
//! PostgreSQL and (with `--object-store-url`) an object store, for a
//! department that outgrows one machine. Rows go in one transaction and are
//! counted on both sides; every file is copied and read back, its SHA-256
//! compared. Run it with `serve` stopped (or on a snapshot), and give the
//! new nodes the same master key: everything sealed stays sealed under it.

use std::io::Read;
use std::path::Path;

use openlocker_db::{DatabaseUrl, Db, Dialect, copy};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::cli::admin::Output;
use crate::platform::error::Error;
use crate::platform::objects::Objects;

/// The folders of the data folder that hold stored files.
const FILE_FOLDERS: [&str; 4] = ["uploads", "repo", "issued", "imports"];

/// Copies `app`'s SQLite database into the database at `to`, and its files
/// into `app`'s object store when that is not the data folder itself.
pub fn run(app: &App, to: &str) -> Result<Output, Error> {
    if app.db.dialect() != Dialect::Sqlite {
        return Err(Error::Invalid(
            "db copy copies a SQLite deployment: point --database-url at it (or leave it unset)".into(),
        ));
    }
    let url = DatabaseUrl::parse(to)?;
    tracing::info!(to = %url.redacted(), "copying the database");
    let target = Db::open_url(&url, 2)?;
    if target.dialect() != Dialect::Postgres {
        return Err(Error::Invalid("--to must be a postgres:// URL".into()));
    }
    let copy_files_too = !same_folder(&app.objects, &app.settings.data_dir);
    // Both targets are checked before anything is written, so a refusal
    // leaves them as they were.
    if copy_files_too {
        refuse_non_empty(&app.objects)?;
    }
    let copied = copy::copy_database(&app.db, &target)?;
    let rows: i64 = copied.iter().map(|c| c.rows).sum();
    let source = Objects::open(None, &app.settings.data_dir)?;
    let files = if copy_files_too {
        Some(copy_files(&source, &app.objects)?)
    } else {
        None
    };
    let tables: serde_json::Map<String, serde_json::Value> =
        copied.iter().map(|c| (c.table.clone(), json!(c.rows))).collect();
    let (count, bytes) = files.unwrap_or((0, 0));
    let where_files = if files.is_some() {
        app.objects.describe()
    } else {
        "left in the data folder".into()
    };
    Ok(Output {
        json: json!({ "tables": tables, "rows": rows, "files": count, "bytes": bytes, "files_to": where_files }),
        text: format!(
            "copied {rows} rows in {} tables to {} and {count} files ({bytes} bytes) to {where_files}; counts and hashes match",
            copied.len(),
            url.redacted()
        ),
    })
}

fn same_folder(objects: &Objects, data_dir: &Path) -> bool {
    match objects {
        Objects::Folder(folder) => folder.root() == data_dir,
        Objects::S3(_) => false,
    }
}

/// [`Error::Conflict`] when the target store already holds stored files.
fn refuse_non_empty(target: &Objects) -> Result<(), Error> {
    for folder in FILE_FOLDERS {
        if let Some(listed) = target.list(folder)?.first() {
            return Err(Error::Conflict(format!(
                "the object store is not empty (it holds {}): copy into an empty one",
                listed.key
            )));
        }
    }
    Ok(())
}

/// Copies every stored file of the data folder and checks its copy; how
/// many and their bytes.
fn copy_files(source: &Objects, target: &Objects) -> Result<(u64, u64), Error> {
    let Objects::Folder(local) = source else {
        return Err(Error::Internal("the source of db copy is the data folder".into()));
    };
    let (mut count, mut bytes) = (0u64, 0u64);
    for folder in FILE_FOLDERS {
        for listed in source.list(folder)? {
            target.put_file(&listed.key, &local.path(&listed.key))?;
            let (here, size) = digest(source, &listed.key)?;
            let (there, _) = digest(target, &listed.key)?;
            if here != there {
                return Err(Error::Internal(format!("{} differs after the copy", listed.key)));
            }
            count += 1;
            bytes += size;
        }
    }
    Ok((count, bytes))
}

/// The SHA-256 and size of a stored object, read through once.
fn digest(objects: &Objects, key: &str) -> Result<([u8; 32], u64), Error> {
    let mut reader = objects.open_reader(key)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            return Ok((hasher.finalize().into(), size));
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
}
