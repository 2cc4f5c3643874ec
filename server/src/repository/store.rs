//! The repository's file store: documents by SHA-256 of their content under
//! `data/repo/`, written durably (written, fsync'd, renamed, folder
//! fsync'd), so a crash leaves either the whole file or none.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::platform::crypto;
use crate::platform::error::Error;

/// Where a document with this hash lives.
pub fn path_of(root: &Path, sha256_hex: &str) -> PathBuf {
    root.join(&sha256_hex[..2]).join(sha256_hex)
}

/// Stores `content` and returns its SHA-256 in hex. Storing the same
/// content twice keeps one file.
pub fn put(root: &Path, content: &[u8]) -> Result<String, Error> {
    let hash = hex::encode(Sha256::digest(content));
    let path = path_of(root, &hash);
    if path.exists() {
        return Ok(hash);
    }
    let dir = path.parent().unwrap_or(root);
    fs::create_dir_all(dir)?;
    let temp = dir.join(format!(".{}.part", crypto::random_hex(8)));
    let mut file = File::create(&temp)?;
    file.write_all(content)?;
    file.sync_all()?;
    fs::rename(&temp, &path)?;
    File::open(dir)?.sync_all()?;
    Ok(hash)
}

/// Reads a stored document.
pub fn get(root: &Path, sha256_hex: &str) -> Result<Vec<u8>, Error> {
    fs::read(path_of(root, sha256_hex)).map_err(|e| Error::Internal(format!("stored document {sha256_hex}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_by_content_hash_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = put(dir.path(), b"%PDF-1.4 a").unwrap();
        assert_eq!(put(dir.path(), b"%PDF-1.4 a").unwrap(), a);
        assert_eq!(get(dir.path(), &a).unwrap(), b"%PDF-1.4 a");
        let files: Vec<_> = fs::read_dir(dir.path().join(&a[..2])).unwrap().collect();
        assert_eq!(files.len(), 1, "no temporary file is left behind");
    }
}
