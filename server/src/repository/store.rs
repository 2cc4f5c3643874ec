//! The repository's file store: documents by SHA-256 of their content
//! under `repo/` of the object store (the data folder by default), sealed at
//! rest like uploads (see `sealed_file`: an XML certificate holds its
//! owner's Aadhaar number). The store writes each one whole or not at all.
//! Files stored in plaintext by older versions are sealed the first time
//! they are read, or by [`seal_legacy`] at start-up.

use std::io::{Cursor, Read, Write};

use aes_gcm::Aes256Gcm;
use sha2::{Digest, Sha256};

use crate::platform::error::Error;
use crate::platform::objects::{Objects, content_key};
use crate::platform::sealed_file::{self, SealedReader, SealedWriter};

/// The key of the document with this hash.
pub fn key_of(sha256_hex: &str) -> String {
    content_key("repo", sha256_hex)
}

/// Stores `content`, sealed, and returns its SHA-256 in hex. Storing the
/// same content twice keeps one file.
pub fn put(objects: &Objects, content: &[u8], cipher: &Aes256Gcm) -> Result<String, Error> {
    let hash = hex::encode(Sha256::digest(content));
    let key = key_of(&hash);
    if !objects.exists(&key)? {
        objects.put_bytes(&key, seal(content, cipher)?)?;
    }
    Ok(hash)
}

/// `content` in the sealed format.
fn seal(content: &[u8], cipher: &Aes256Gcm) -> Result<Vec<u8>, Error> {
    let mut writer = SealedWriter::new(Vec::with_capacity(content.len() + 1024), cipher.clone())?;
    writer.write_all(content)?;
    Ok(writer.finish()?)
}

/// Reads a stored document (sealing it first if an older version stored
/// it in plaintext).
pub fn get(objects: &Objects, sha256_hex: &str, cipher: &Aes256Gcm) -> Result<Vec<u8>, Error> {
    let key = key_of(sha256_hex);
    let failed = |e: std::io::Error| Error::Internal(format!("stored document {sha256_hex}: {e}"));
    let stored = objects.read_all(&key).map_err(|e| match e {
        Error::NotFound(why) => Error::Internal(format!("stored document {sha256_hex} is missing: {why}")),
        other => other,
    })?;
    if sealed_file::looks_sealed(&stored) {
        let mut content = Vec::new();
        SealedReader::new(Cursor::new(stored), cipher.clone())
            .and_then(|mut r| r.read_to_end(&mut content))
            .map_err(failed)?;
        return Ok(content);
    }
    if hex::encode(Sha256::digest(&stored)) != sha256_hex {
        return Err(Error::Internal(format!("stored document {sha256_hex} is damaged")));
    }
    objects.put_bytes(&key, seal(&stored, cipher)?)?;
    tracing::info!(
        sha256 = sha256_hex,
        "sealed a document stored in plaintext by an older version"
    );
    Ok(stored)
}

/// Seals every document an older version stored in plaintext in the data
/// folder; returns how many. (A shared store was written by this version.)
pub fn seal_legacy(objects: &Objects, cipher: &Aes256Gcm) -> Result<usize, Error> {
    if !objects.is_folder() {
        return Ok(0);
    }
    let mut sealed = 0;
    for listed in objects.list("repo")? {
        if listed.name.len() != 64 {
            continue;
        }
        let mut head = [0u8; 4];
        let n = objects.open_reader(&key_of(&listed.name))?.read(&mut head)?;
        if !sealed_file::looks_sealed(&head[..n]) {
            get(objects, &listed.name, cipher)?;
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

    use std::fs;

    fn folder(dir: &tempfile::TempDir) -> Objects {
        Objects::open(None, dir.path()).unwrap()
    }

    #[test]
    fn stores_by_content_hash_once_and_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let objects = folder(&dir);
        let a = put(&objects, b"%PDF-1.4 a", &cipher()).unwrap();
        assert_eq!(put(&objects, b"%PDF-1.4 a", &cipher()).unwrap(), a);
        assert_eq!(get(&objects, &a, &cipher()).unwrap(), b"%PDF-1.4 a");
        let files: Vec<_> = fs::read_dir(dir.path().join("repo").join(&a[..2])).unwrap().collect();
        assert_eq!(files.len(), 1, "no temporary file is left behind");
        let raw = fs::read(dir.path().join(key_of(&a))).unwrap();
        assert!(!raw.windows(4).any(|w| w == b"%PDF"), "stored sealed");
    }

    #[test]
    fn plaintext_documents_of_older_versions_are_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let content = b"<Certificate uid=\"234123412346\"/>";
        let hash = hex::encode(Sha256::digest(content));
        let objects = folder(&dir);
        let path = dir.path().join(key_of(&hash));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        assert_eq!(seal_legacy(&objects, &cipher()).unwrap(), 1);
        assert!(sealed_file::looks_sealed(&fs::read(&path).unwrap()));
        assert_eq!(get(&objects, &hash, &cipher()).unwrap(), content);
        assert_eq!(seal_legacy(&objects, &cipher()).unwrap(), 0);
    }
}
