//! Uploaded files at rest under `data/uploads/`: sealed (see
//! `sealed_file`) and named by a keyed hash of their content, so equal
//! content is stored once. A file is fsync'd, then linked into place, then
//! its folder is fsync'd: a crash leaves either the whole file or none.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use aes_gcm::Aes256Gcm;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::locker::uploads::sniff;
use crate::platform::error::Error;
use crate::platform::sealed_file::SealedReader;

/// Where a content id lives.
fn path_of(root: &Path, content_id: &str) -> PathBuf {
    root.join(&content_id[..2]).join(content_id)
}

/// What reading a sealed upload once tells.
pub struct Inspected {
    /// Hex of the keyed hash of the plaintext.
    pub content_id: String,
    /// Its first bytes, for [`sniff::content_type`].
    pub head: Vec<u8>,
}

/// Reads a sealed spooled upload through once: its content id and head.
pub fn inspect(sealed: &Path, cipher: Aes256Gcm, hasher: Hmac<Sha256>) -> Result<Inspected, Error> {
    let (mac, head) = keyed_digest(sealed, cipher, hasher)?;
    Ok(Inspected {
        content_id: hex::encode(mac),
        head,
    })
}

/// Reads a sealed spooled file through once: the HMAC of its plaintext under
/// `hasher`'s key, and its first bytes.
pub fn keyed_digest(sealed: &Path, cipher: Aes256Gcm, mut hasher: Hmac<Sha256>) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let mut reader = SealedReader::new(File::open(sealed)?, cipher)?;
    let mut head = Vec::with_capacity(sniff::HEAD_LEN);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let want = sniff::HEAD_LEN.saturating_sub(head.len()).min(n);
        head.extend_from_slice(&buf[..want]);
        hasher.update(&buf[..n]);
    }
    Ok((hasher.finalize().into_bytes().to_vec(), head))
}

/// Stores a sealed spooled file as `content_id`, unless that content is
/// already stored. The spooled file keeps its own name (its owner removes it).
pub fn put(root: &Path, content_id: &str, sealed: &Path) -> Result<(), Error> {
    let path = path_of(root, content_id);
    if path.exists() {
        return Ok(());
    }
    File::open(sealed)?.sync_all()?;
    let dir = path.parent().unwrap_or(root);
    fs::create_dir_all(dir)?;
    match fs::hard_link(sealed, &path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(e.into()),
    }
    File::open(dir)?.sync_all()?;
    Ok(())
}

/// A decrypting reader of a stored file; each segment is authenticated
/// before any of its bytes come out.
pub fn open(root: &Path, content_id: &str, cipher: Aes256Gcm) -> Result<SealedReader<File>, Error> {
    let damaged = |e: io::Error| Error::Internal(format!("uploaded file {content_id}: {e}"));
    let file = File::open(path_of(root, content_id)).map_err(damaged)?;
    SealedReader::new(file, cipher).map_err(damaged)
}

/// Content ids of the stored files last changed before `before`.
pub fn ids_older_than(root: &Path, before: std::time::SystemTime) -> Result<Vec<String>, Error> {
    let mut ids = Vec::new();
    let Ok(dirs) = fs::read_dir(root) else {
        return Ok(ids);
    };
    for dir in dirs.flatten() {
        for entry in fs::read_dir(dir.path())?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < before);
            // Only full content ids: the names this module writes.
            if old && name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                ids.push(name);
            }
        }
    }
    Ok(ids)
}

/// Removes a stored file (gone already is fine).
pub fn remove(root: &Path, content_id: &str) -> Result<(), Error> {
    let path = path_of(root, content_id);
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use aes_gcm::KeyInit;

    use super::*;
    use crate::platform::sealed_file::SealedWriter;

    fn cipher() -> Aes256Gcm {
        Aes256Gcm::new(&[3u8; 32].into())
    }

    fn sealed(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
        let path = dir.join(name);
        let mut w = SealedWriter::new(File::create(&path).unwrap(), cipher()).unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap();
        path
    }

    #[test]
    fn equal_content_is_stored_once_sealed_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("uploads");
        let hasher = || <Hmac<Sha256> as Mac>::new_from_slice(b"k").unwrap();
        let data = b"%PDF-1.4 secret body";
        let a = sealed(dir.path(), "a", data);
        let b = sealed(dir.path(), "b", data);
        let ia = inspect(&a, cipher(), hasher()).unwrap();
        let ib = inspect(&b, cipher(), hasher()).unwrap();
        assert_eq!(ia.content_id, ib.content_id);
        assert_eq!(ia.head, &data[..sniff::HEAD_LEN]);
        put(&root, &ia.content_id, &a).unwrap();
        put(&root, &ib.content_id, &b).unwrap();
        let stored = fs::read(path_of(&root, &ia.content_id)).unwrap();
        assert!(!stored.windows(6).any(|w| w == b"secret"), "stored sealed");
        let mut back = Vec::new();
        open(&root, &ia.content_id, cipher())
            .unwrap()
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, data);
        remove(&root, &ia.content_id).unwrap();
        assert!(!path_of(&root, &ia.content_id).exists());
        remove(&root, &ia.content_id).unwrap();
    }
}
