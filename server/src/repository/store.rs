//! The repository's file store: documents by SHA-256 of their content under
//! `data/repo/`, sealed at rest like uploads (see `sealed_file`: an XML
//! certificate holds its owner's Aadhaar number), and written durably
//! (written, fsync'd, renamed, folder fsync'd), so a crash leaves either the
//! whole file or none. Files stored in plaintext by older versions are
//! sealed the first time they are read, or by [`seal_legacy`] at start-up.

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use aes_gcm::Aes256Gcm;
use sha2::{Digest, Sha256};

use crate::platform::crypto;
use crate::platform::error::Error;
use crate::platform::sealed_file::{self, SealedReader, SealedWriter};

/// Where a document with this hash lives.
pub fn path_of(root: &Path, sha256_hex: &str) -> PathBuf {
    root.join(&sha256_hex[..2]).join(sha256_hex)
}

/// Stores `content`, sealed, and returns its SHA-256 in hex. Storing the
/// same content twice keeps one file.
pub fn put(root: &Path, content: &[u8], cipher: &Aes256Gcm) -> Result<String, Error> {
    let hash = hex::encode(Sha256::digest(content));
    let path = path_of(root, &hash);
    if !path.exists() {
        write_sealed(&path, content, cipher)?;
    }
    Ok(hash)
}

/// Writes `content` sealed at `path`, durably, replacing what was there.
fn write_sealed(path: &Path, content: &[u8], cipher: &Aes256Gcm) -> Result<(), Error> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::Internal("a stored document has no folder".into()))?;
    fs::create_dir_all(dir)?;
    let temp = dir.join(format!(".{}.part", crypto::random_hex(8)));
    let mut writer = SealedWriter::new(BufWriter::new(File::create(&temp)?), cipher.clone())?;
    writer.write_all(content)?;
    let file = writer
        .finish()?
        .into_inner()
        .map_err(|e| Error::Internal(format!("sealing: {e}")))?;
    file.sync_all()?;
    fs::rename(&temp, path)?;
    File::open(dir)?.sync_all()?;
    Ok(())
}

/// Reads a stored document (sealing it first if an older version stored
/// it in plaintext).
pub fn get(root: &Path, sha256_hex: &str, cipher: &Aes256Gcm) -> Result<Vec<u8>, Error> {
    let path = path_of(root, sha256_hex);
    let failed = |e: std::io::Error| Error::Internal(format!("stored document {sha256_hex}: {e}"));
    let mut file = File::open(&path).map_err(failed)?;
    let mut head = [0u8; 4];
    let n = file.read(&mut head).map_err(failed)?;
    if sealed_file::looks_sealed(&head[..n]) {
        let mut content = Vec::new();
        SealedReader::new(file, cipher.clone())
            .and_then(|mut r| r.read_to_end(&mut content))
            .map_err(failed)?;
        return Ok(content);
    }
    let content = fs::read(&path).map_err(failed)?;
    if hex::encode(Sha256::digest(&content)) != sha256_hex {
        return Err(Error::Internal(format!("stored document {sha256_hex} is damaged")));
    }
    write_sealed(&path, &content, cipher)?;
    tracing::info!(
        sha256 = sha256_hex,
        "sealed a document stored in plaintext by an older version"
    );
    Ok(content)
}

/// Seals every document an older version stored in plaintext; returns how many.
pub fn seal_legacy(root: &Path, cipher: &Aes256Gcm) -> Result<usize, Error> {
    let Ok(folders) = fs::read_dir(root) else {
        return Ok(0);
    };
    let mut sealed = 0;
    for entry in folders
        .flatten()
        .flat_map(|f| fs::read_dir(f.path()).into_iter().flatten().flatten())
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let mut head = [0u8; 4];
        let n = File::open(entry.path()).and_then(|mut f| f.read(&mut head))?;
        if name.len() == 64 && !sealed_file::looks_sealed(&head[..n]) {
            get(root, &name, cipher)?;
            sealed += 1;
        }
    }
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> Aes256Gcm {
        use aes_gcm::KeyInit;
        Aes256Gcm::new_from_slice(&[7u8; 32]).unwrap()
    }

    #[test]
    fn stores_by_content_hash_once_and_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let a = put(dir.path(), b"%PDF-1.4 a", &cipher()).unwrap();
        assert_eq!(put(dir.path(), b"%PDF-1.4 a", &cipher()).unwrap(), a);
        assert_eq!(get(dir.path(), &a, &cipher()).unwrap(), b"%PDF-1.4 a");
        let files: Vec<_> = fs::read_dir(dir.path().join(&a[..2])).unwrap().collect();
        assert_eq!(files.len(), 1, "no temporary file is left behind");
        let raw = fs::read(path_of(dir.path(), &a)).unwrap();
        assert!(!raw.windows(4).any(|w| w == b"%PDF"), "stored sealed");
    }

    #[test]
    fn plaintext_documents_of_older_versions_are_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let content = b"<Certificate uid=\"234123412346\"/>";
        let hash = hex::encode(Sha256::digest(content));
        let path = path_of(dir.path(), &hash);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        assert_eq!(seal_legacy(dir.path(), &cipher()).unwrap(), 1);
        assert!(sealed_file::looks_sealed(&fs::read(&path).unwrap()));
        assert_eq!(get(dir.path(), &hash, &cipher()).unwrap(), content);
        assert_eq!(seal_legacy(dir.path(), &cipher()).unwrap(), 0);
    }
}
