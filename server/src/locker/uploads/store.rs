//! Uploaded files at rest in the object store (`uploads/` of the data
//! folder by default): sealed (see `sealed_file`) and named by a keyed hash
//! of their content, so equal content is stored once. The store writes each
//! file whole or not at all.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use aes_gcm::Aes256Gcm;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::locker::uploads::sniff;
use crate::platform::error::Error;
use crate::platform::objects::{ObjectReader, Objects, content_key};
use crate::platform::sealed_file::SealedReader;

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

/// One folder of sealed, content-addressed files in the object store
/// (`uploads`, `issued`).
#[derive(Clone, Copy)]
pub struct Shelf<'a> {
    pub objects: &'a Objects,
    pub folder: &'static str,
}

impl Shelf<'_> {
    fn key(&self, content_id: &str) -> String {
        content_key(self.folder, content_id)
    }

    /// Stores a sealed spooled file as `content_id`, unless that content is
    /// already stored. The spooled file stays (its owner removes it).
    ///
    /// A shared store is written again even when the content is there: the
    /// fresh write time keeps another node from removing it as unused (see
    /// [`Self::remove_unused`]) before this node's row refers to it.
    pub fn put(&self, content_id: &str, sealed: &Path) -> Result<(), Error> {
        let key = self.key(content_id);
        if self.objects.is_folder() && self.objects.exists(&key)? {
            return Ok(());
        }
        self.objects.put_file(&key, sealed)
    }

    /// Removes a file that no row refers to any more. In a shared store a
    /// file written in the last hour is left to the orphan sweep: another
    /// node may be about to refer to it (this process's lock cannot tell).
    /// Whether it went.
    pub fn remove_unused(&self, content_id: &str) -> Result<bool, Error> {
        let key = self.key(content_id);
        if !self.objects.is_folder() {
            let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
            match self.objects.modified(&key)? {
                Some(written) if written < hour_ago => {}
                Some(_) => return Ok(false),
                None => return Ok(true),
            }
        }
        self.objects.delete(&key)?;
        Ok(true)
    }

    /// A decrypting reader of a stored file; each segment is authenticated
    /// before any of its bytes come out.
    pub fn open(&self, content_id: &str, cipher: Aes256Gcm) -> Result<Download, Error> {
        let damaged = |e: io::Error| Error::Internal(format!("stored file {content_id}: {e}"));
        let reader = self.objects.open_reader(&self.key(content_id))?;
        SealedReader::new(reader, cipher).map_err(damaged)
    }

    /// Content ids of the stored files last changed before `before`.
    pub fn ids_older_than(&self, before: std::time::SystemTime) -> Result<Vec<String>, Error> {
        let listed = self.objects.list(self.folder)?;
        // Only full content ids: the names this module writes.
        Ok(listed
            .into_iter()
            .filter(|l| l.modified < before && l.name.len() == 64 && l.name.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(|l| l.name)
            .collect())
    }

    /// Removes a stored file (gone already is fine).
    pub fn remove(&self, content_id: &str) -> Result<(), Error> {
        self.objects.delete(&self.key(content_id))
    }
}

/// A decrypting reader of a stored file.
pub type Download = SealedReader<Box<dyn ObjectReader>>;

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;

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
        let objects = Objects::open(None, dir.path()).unwrap();
        let root = Shelf {
            objects: &objects,
            folder: "uploads",
        };
        let hasher = || <Hmac<Sha256> as Mac>::new_from_slice(b"k").unwrap();
        let data = b"%PDF-1.4 secret body";
        let a = sealed(dir.path(), "a", data);
        let b = sealed(dir.path(), "b", data);
        let ia = inspect(&a, cipher(), hasher()).unwrap();
        let ib = inspect(&b, cipher(), hasher()).unwrap();
        assert_eq!(ia.content_id, ib.content_id);
        assert_eq!(ia.head, &data[..sniff::HEAD_LEN]);
        root.put(&ia.content_id, &a).unwrap();
        root.put(&ib.content_id, &b).unwrap();
        let stored_path = dir.path().join(content_key("uploads", &ia.content_id));
        let stored = std::fs::read(&stored_path).unwrap();
        assert!(!stored.windows(6).any(|w| w == b"secret"), "stored sealed");
        let mut back = Vec::new();
        root.open(&ia.content_id, cipher())
            .unwrap()
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, data);
        root.remove(&ia.content_id).unwrap();
        assert!(!stored_path.exists());
        root.remove(&ia.content_id).unwrap();
    }
}
