//! The data folder as the object store: each key a file under the root,
//! written durably (fsync'd, then linked or renamed into place, then its
//! folder fsync'd), so a crash leaves either the whole file or none.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::{Listed, ObjectReader};
use crate::platform::crypto;
use crate::platform::error::Error;

pub struct Folder {
    root: PathBuf,
}

impl Folder {
    pub fn new(root: PathBuf) -> Folder {
        Folder { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    pub fn check(&self) -> Result<(), Error> {
        fs::metadata(&self.root)
            .map(|_| ())
            .map_err(|e| Error::Unavailable(format!("the data folder {}: {e}", self.root.display())))
    }

    /// The folder of `key`'s file, created.
    fn folder_of(&self, key: &str) -> Result<PathBuf, Error> {
        let path = self.path(key);
        let dir = path
            .parent()
            .ok_or_else(|| Error::Internal(format!("object key {key} has no folder")))?
            .to_path_buf();
        fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// Hard-links `local` as `key` (the same content may be there already:
    /// content-addressed keys never change).
    pub fn link(&self, key: &str, local: &Path) -> Result<(), Error> {
        File::open(local)?.sync_all()?;
        let dir = self.folder_of(key)?;
        match fs::hard_link(local, self.path(key)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
            // A store folder on another file system than the spool.
            Err(e) if e.kind() == io::ErrorKind::CrossesDevices => return self.copy_in(key, local),
            Err(e) => return Err(e.into()),
        }
        File::open(dir)?.sync_all()?;
        Ok(())
    }

    pub fn rename_in(&self, key: &str, local: &Path) -> Result<(), Error> {
        let dir = self.folder_of(key)?;
        let path = self.path(key);
        match fs::rename(local, &path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
                self.copy_in(key, local)?;
                return Ok(fs::remove_file(local)?);
            }
            Err(e) => return Err(e.into()),
        }
        File::open(&path)?.sync_all()?;
        File::open(dir)?.sync_all()?;
        Ok(())
    }

    /// Copies `local` in as `key` through a temporary file, durably.
    fn copy_in(&self, key: &str, local: &Path) -> Result<(), Error> {
        let dir = self.folder_of(key)?;
        let temp = dir.join(format!(".{}.part", crypto::random_hex(8)));
        let copied = fs::copy(local, &temp)
            .and_then(|_| File::open(&temp)?.sync_all())
            .and_then(|()| fs::rename(&temp, self.path(key)));
        if copied.is_err() {
            let _ = fs::remove_file(&temp);
        }
        copied?;
        File::open(dir)?.sync_all()?;
        Ok(())
    }

    pub fn write(&self, key: &str, bytes: &[u8]) -> Result<(), Error> {
        let dir = self.folder_of(key)?;
        let temp = dir.join(format!(".{}.part", crypto::random_hex(8)));
        let written = fs::write(&temp, bytes)
            .and_then(|()| File::open(&temp)?.sync_all())
            .and_then(|()| fs::rename(&temp, self.path(key)));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written?;
        File::open(dir)?.sync_all()?;
        Ok(())
    }

    pub fn modified(&self, key: &str) -> Result<Option<std::time::SystemTime>, Error> {
        match fs::metadata(self.path(key)) {
            Ok(meta) => Ok(Some(meta.modified()?)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub fn open(&self, key: &str) -> Result<Box<dyn ObjectReader>, Error> {
        match File::open(self.path(key)) {
            Ok(file) => Ok(Box::new(file)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(Error::NotFound(format!("no stored object {key}"))),
            Err(e) => Err(e.into()),
        }
    }

    pub fn read_all(&self, key: &str) -> Result<Vec<u8>, Error> {
        match fs::read(self.path(key)) {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(Error::NotFound(format!("no stored object {key}"))),
            Err(e) => Err(e.into()),
        }
    }

    pub fn delete(&self, key: &str) -> Result<(), Error> {
        let path = self.path(key);
        match fs::remove_file(&path) {
            Ok(()) => {
                if let Some(dir) = path.parent() {
                    File::open(dir)?.sync_all()?;
                }
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Files under `prefix`, one or two folders deep (temporary `.part`
    /// files left by a crash are not objects).
    pub fn list(&self, prefix: &str) -> Result<Vec<Listed>, Error> {
        let mut found = Vec::new();
        list_into(&self.path(prefix), prefix, 2, &mut found)?;
        Ok(found)
    }
}

fn list_into(dir: &Path, key: &str, depth: u8, found: &mut Vec<Listed>) -> Result<(), Error> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    for entry in entries.flatten() {
        let meta = entry.metadata()?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let entry_key = format!("{key}/{name}");
        if meta.is_dir() && depth > 0 {
            list_into(&entry.path(), &entry_key, depth - 1, found)?;
        } else if meta.is_file() && !name.starts_with('.') {
            found.push(Listed {
                key: entry_key,
                name,
                modified: meta.modified()?,
            });
        }
    }
    Ok(())
}
