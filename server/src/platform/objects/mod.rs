//! Where stored files live: uploads, repository documents, kept copies and
//! queued CSVs. The embedded default is the data folder itself; several
//! nodes share an S3-compatible bucket instead (`object_store_url`).
//!
//! Objects are named by keys such as `uploads/ab/abcd…`, the same relative
//! paths the data folder has always used, so a data folder written by an
//! older version reads unchanged. Every object is written whole or not at
//! all: in the folder by a durable rename or link, in S3 by a single PUT or
//! a completed multipart upload. Everything stored is sealed by the callers
//! first; this layer only moves bytes.

mod local;
mod s3;

use std::io::{Read, Seek};
use std::path::Path;
use std::time::SystemTime;

use crate::platform::error::Error;

/// A readable, seekable stored object (what [`SealedReader`] reads).
///
/// [`SealedReader`]: crate::platform::sealed_file::SealedReader
pub trait ObjectReader: Read + Seek + Send {}
impl<T: Read + Seek + Send> ObjectReader for T {}

/// A stored object as a listing shows it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The whole key (`uploads/ab/abcd…`).
    pub key: String,
    /// The key's last part.
    pub name: String,
    pub modified: SystemTime,
}

/// The store of one deployment; cheap to share behind an `Arc`.
pub enum Objects {
    /// Files under the data folder.
    Folder(local::Folder),
    /// An S3-compatible bucket.
    S3(s3::Bucket),
}

impl Objects {
    /// The store `url` names: `file://PATH` or
    /// `s3://BUCKET?endpoint=…&region=…`; unset, the data folder.
    pub fn open(url: Option<&str>, data_dir: &Path) -> Result<Objects, Error> {
        match url {
            None => Ok(Objects::Folder(local::Folder::new(data_dir.to_path_buf()))),
            Some(url) if url.starts_with("file://") => {
                Ok(Objects::Folder(local::Folder::new(url["file://".len()..].into())))
            }
            Some(url) if url.starts_with("s3://") => Ok(Objects::S3(s3::Bucket::open(url)?)),
            Some(_) => Err(Error::Invalid(
                "object_store_url must start with file:// or s3://".into(),
            )),
        }
    }

    /// Whether the store answers (and, for S3, the bucket exists).
    pub fn check(&self) -> Result<(), Error> {
        match self {
            Objects::Folder(folder) => folder.check(),
            Objects::S3(bucket) => bucket.check(),
        }
    }

    /// Where the store is, for logs (no credentials).
    pub fn describe(&self) -> String {
        match self {
            Objects::Folder(folder) => format!("folder {}", folder.root().display()),
            Objects::S3(bucket) => bucket.describe(),
        }
    }

    /// Stores the file at `local` as `key`, whole; the local file stays.
    pub fn put_file(&self, key: &str, local: &Path) -> Result<(), Error> {
        match self {
            Objects::Folder(folder) => folder.link(key, local),
            Objects::S3(bucket) => bucket.upload(key, local),
        }
    }

    /// Moves the file at `local` into the store as `key`, whole.
    pub fn move_file(&self, key: &str, local: &Path) -> Result<(), Error> {
        match self {
            Objects::Folder(folder) => folder.rename_in(key, local),
            Objects::S3(bucket) => {
                bucket.upload(key, local)?;
                if let Err(e) = std::fs::remove_file(local) {
                    tracing::warn!(error = %e, "could not remove a file moved into the object store");
                }
                Ok(())
            }
        }
    }

    /// Stores `bytes` as `key`, replacing what was there.
    pub fn put_bytes(&self, key: &str, bytes: Vec<u8>) -> Result<(), Error> {
        match self {
            Objects::Folder(folder) => folder.write(key, &bytes),
            Objects::S3(bucket) => bucket.put(key, bytes),
        }
    }

    /// Whether `key` is stored.
    pub fn exists(&self, key: &str) -> Result<bool, Error> {
        match self {
            Objects::Folder(folder) => Ok(folder.path(key).exists()),
            Objects::S3(bucket) => bucket.exists(key),
        }
    }

    /// When `key` was last written; `None` when it is not stored.
    pub fn modified(&self, key: &str) -> Result<Option<SystemTime>, Error> {
        match self {
            Objects::Folder(folder) => folder.modified(key),
            Objects::S3(bucket) => bucket.modified(key),
        }
    }

    /// A reader of `key`; [`Error::NotFound`] when it is not stored.
    pub fn open_reader(&self, key: &str) -> Result<Box<dyn ObjectReader>, Error> {
        match self {
            Objects::Folder(folder) => folder.open(key),
            Objects::S3(bucket) => bucket.reader(key),
        }
    }

    /// The whole of `key`.
    pub fn read_all(&self, key: &str) -> Result<Vec<u8>, Error> {
        match self {
            Objects::Folder(folder) => folder.read_all(key),
            Objects::S3(bucket) => bucket.read_all(key),
        }
    }

    /// Removes `key`; gone already is fine.
    pub fn delete(&self, key: &str) -> Result<(), Error> {
        match self {
            Objects::Folder(folder) => folder.delete(key),
            Objects::S3(bucket) => bucket.delete(key),
        }
    }

    /// Every object under `prefix` (a folder such as `uploads`).
    pub fn list(&self, prefix: &str) -> Result<Vec<Listed>, Error> {
        match self {
            Objects::Folder(folder) => folder.list(prefix),
            Objects::S3(bucket) => bucket.list(prefix),
        }
    }

    /// Whether this store is the data folder (one node).
    pub fn is_folder(&self) -> bool {
        matches!(self, Objects::Folder(_))
    }
}

/// The key of a content-addressed object: `folder/ab/abcdef…`.
pub fn content_key(folder: &str, id: &str) -> String {
    format!("{folder}/{}/{id}", &id[..2.min(id.len())])
}

#[cfg(test)]
mod tests;
