//! Files sealed at rest: spooled request bodies and queued CSV files hold
//! Aadhaar numbers, so they are written encrypted and read back through a
//! seekable decrypting reader.
//!
//! Format: `OLS2` magic, a 12-byte random file nonce, then segments of up
//! to 64 KiB of plaintext. Each file has a key of its own, derived from the
//! files key and the file nonce (the AES-CTR keystream of the files key at
//! that nonce), so segment nonces can simply count, and no nonce budget is
//! shared between files. Each segment is AES-256-GCM sealed with its number
//! as the nonce and, as associated data, whether it is the last segment (so
//! a truncated file is detected).

use std::io::{self, Read, Seek, SeekFrom, Write};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};

const MAGIC: &[u8; 4] = b"OLS2";
const HEADER_LEN: u64 = 16;
/// Plaintext bytes per segment.
const SEGMENT: usize = 64 * 1024;
const TAG: usize = 16;

fn nonce(segment: u32) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[8..].copy_from_slice(&segment.to_be_bytes());
    n
}

/// The key of one file: 32 bytes of the files key's keystream at the file's
/// random nonce (GCM encrypts zeros to exactly that keystream).
fn file_cipher(files: &Aes256Gcm, file_nonce: &[u8; 12]) -> io::Result<Aes256Gcm> {
    let stream = files
        .encrypt(Nonce::from_slice(file_nonce), [0u8; 32].as_slice())
        .map_err(|_| io::Error::other("file key derivation failed"))?;
    Aes256Gcm::new_from_slice(&stream[..32]).map_err(|_| io::Error::other("file key derivation failed"))
}

/// Turns plaintext into the sealed format, a segment at a time; the caller
/// writes what it returns (so it serves sync and async writers alike).
pub struct Encoder {
    cipher: Aes256Gcm,
    file_nonce: [u8; 12],
    segment: u32,
    pending: Vec<u8>,
    header_done: bool,
}

impl Encoder {
    /// A new file sealed under a key derived from `files` (the files key).
    pub fn new(files: Aes256Gcm) -> io::Result<Encoder> {
        let mut file_nonce = [0u8; 12];
        crate::platform::crypto::fill_random(&mut file_nonce);
        let cipher = file_cipher(&files, &file_nonce)?;
        Ok(Encoder {
            cipher,
            file_nonce,
            segment: 0,
            pending: Vec::with_capacity(SEGMENT * 2),
            header_done: false,
        })
    }

    fn seal(&mut self, plain: &[u8], last: bool, out: &mut Vec<u8>) -> io::Result<()> {
        if !self.header_done {
            out.extend_from_slice(MAGIC);
            out.extend_from_slice(&self.file_nonce);
            self.header_done = true;
        }
        let n = nonce(self.segment);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&n),
                Payload {
                    msg: plain,
                    aad: &[u8::from(last)],
                },
            )
            .map_err(|_| io::Error::other("segment encryption failed"))?;
        self.segment = self
            .segment
            .checked_add(1)
            .ok_or_else(|| io::Error::other("sealed file too large"))?;
        out.extend_from_slice(&sealed);
        Ok(())
    }

    /// Takes plaintext; returns the sealed bytes that are ready.
    pub fn push(&mut self, data: &[u8]) -> io::Result<Vec<u8>> {
        self.pending.extend_from_slice(data);
        let mut out = Vec::new();
        // Keep at least one byte back: the last segment is sealed by finish().
        while self.pending.len() > SEGMENT {
            let rest = self.pending.split_off(SEGMENT);
            let full = std::mem::replace(&mut self.pending, rest);
            self.seal(&full, false, &mut out)?;
        }
        Ok(out)
    }

    /// Seals what is left as the last segment.
    pub fn finish(mut self) -> io::Result<Vec<u8>> {
        let last = std::mem::take(&mut self.pending);
        let mut out = Vec::new();
        self.seal(&last, true, &mut out)?;
        Ok(out)
    }
}

/// A `Write` that seals into another writer; call [`SealedWriter::finish`].
pub struct SealedWriter<W: Write> {
    inner: W,
    encoder: Encoder,
}

impl<W: Write> SealedWriter<W> {
    pub fn new(inner: W, files: Aes256Gcm) -> io::Result<Self> {
        Ok(SealedWriter {
            inner,
            encoder: Encoder::new(files)?,
        })
    }

    /// Writes the last segment and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        let tail = self.encoder.finish()?;
        self.inner.write_all(&tail)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for SealedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let ready = self.encoder.push(buf)?;
        self.inner.write_all(&ready)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A seekable reader of a sealed file. Any tampering or truncation is an
/// `InvalidData` error, never wrong plaintext.
pub struct SealedReader<R: Read + Seek> {
    inner: R,
    cipher: Aes256Gcm,
    segments: u64,
    last_len: usize,
    plain_len: u64,
    pos: u64,
    loaded: Option<u64>,
    plain: Vec<u8>,
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("sealed file: {what}"))
}

impl<R: Read + Seek> SealedReader<R> {
    /// Opens a file sealed under a key derived from `files` (the files key).
    pub fn new(mut inner: R, files: Aes256Gcm) -> io::Result<Self> {
        let file_len = inner.seek(SeekFrom::End(0))?;
        inner.seek(SeekFrom::Start(0))?;
        let mut header = [0u8; HEADER_LEN as usize];
        inner.read_exact(&mut header).map_err(|_| corrupt("no header"))?;
        if &header[..4] != MAGIC {
            return Err(corrupt("not a sealed file"));
        }
        let mut file_nonce = [0u8; 12];
        file_nonce.copy_from_slice(&header[4..]);
        let cipher = file_cipher(&files, &file_nonce)?;
        let body = file_len - HEADER_LEN;
        let full = (SEGMENT + TAG) as u64;
        let segments = body.div_ceil(full).max(1);
        let last_ct = body - (segments - 1) * full;
        if last_ct < TAG as u64 {
            return Err(corrupt("truncated"));
        }
        let last_len = last_ct as usize - TAG;
        let plain_len = (segments - 1) * SEGMENT as u64 + last_len as u64;
        Ok(SealedReader {
            inner,
            cipher,
            segments,
            last_len,
            plain_len,
            pos: 0,
            loaded: None,
            plain: Vec::new(),
        })
    }

    /// Plaintext length.
    pub fn len(&self) -> u64 {
        self.plain_len
    }

    pub fn is_empty(&self) -> bool {
        self.plain_len == 0
    }

    fn load(&mut self, segment: u64) -> io::Result<()> {
        if self.loaded == Some(segment) {
            return Ok(());
        }
        let last = segment + 1 == self.segments;
        let plain_len = if last { self.last_len } else { SEGMENT };
        let mut sealed = vec![0u8; plain_len + TAG];
        self.inner
            .seek(SeekFrom::Start(HEADER_LEN + segment * (SEGMENT + TAG) as u64))?;
        self.inner.read_exact(&mut sealed)?;
        let n = nonce(segment as u32);
        self.plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(&n),
                Payload {
                    msg: &sealed,
                    aad: &[u8::from(last)],
                },
            )
            .map_err(|_| corrupt("a segment failed to authenticate (wrong key, tampering or truncation)"))?;
        self.loaded = Some(segment);
        Ok(())
    }
}

impl<R: Read + Seek> Read for SealedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.plain_len || buf.is_empty() {
            return Ok(0);
        }
        let segment = self.pos / SEGMENT as u64;
        self.load(segment)?;
        let offset = (self.pos % SEGMENT as u64) as usize;
        let n = buf.len().min(self.plain.len() - offset);
        buf[..n].copy_from_slice(&self.plain[offset..offset + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for SealedReader<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.plain_len.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use aes_gcm::KeyInit;

    use super::*;

    fn cipher() -> Aes256Gcm {
        Aes256Gcm::new(&[9u8; 32].into())
    }

    fn seal(data: &[u8]) -> Vec<u8> {
        let mut w = SealedWriter::new(Vec::new(), cipher()).unwrap();
        // Odd write sizes, to cross segment borders mid-write.
        for chunk in data.chunks(7_777) {
            w.write_all(chunk).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn round_trips_every_size_around_segment_borders() {
        for len in [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 3 * SEGMENT + 5] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let sealed = seal(&data);
            let mut r = SealedReader::new(Cursor::new(sealed), cipher()).unwrap();
            assert_eq!(r.len(), len as u64);
            let mut back = Vec::new();
            r.read_to_end(&mut back).unwrap();
            assert_eq!(back, data, "length {len}");
        }
    }

    #[test]
    fn seeks_anywhere() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 256) as u8).collect();
        let mut r = SealedReader::new(Cursor::new(seal(&data)), cipher()).unwrap();
        r.seek(SeekFrom::Start(131_070)).unwrap();
        let mut buf = [0u8; 10];
        r.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, &data[131_070..131_080]);
    }

    #[test]
    fn each_file_has_its_own_key() {
        // The same plaintext sealed twice: the segment nonces repeat, the keys
        // (and so the ciphertexts) do not, and one file's header cannot open
        // another's segments.
        let (a, b) = (seal(b"same content"), seal(b"same content"));
        assert_ne!(a[HEADER_LEN as usize..], b[HEADER_LEN as usize..]);
        let mut spliced = a[..HEADER_LEN as usize].to_vec();
        spliced.extend_from_slice(&b[HEADER_LEN as usize..]);
        let mut out = Vec::new();
        assert!(
            SealedReader::new(Cursor::new(spliced), cipher())
                .unwrap()
                .read_to_end(&mut out)
                .is_err()
        );
    }

    #[test]
    fn tampering_truncation_and_plaintext_are_refused() {
        let data = vec![b'a'; 2 * SEGMENT + 10];
        let sealed = seal(&data);
        let mut flipped = sealed.clone();
        flipped[100] ^= 1;
        let mut out = Vec::new();
        assert!(
            SealedReader::new(Cursor::new(flipped), cipher())
                .unwrap()
                .read_to_end(&mut out)
                .is_err()
        );
        // Cut after two whole segments: the new "last" segment was not sealed as last.
        let cut = sealed[..(HEADER_LEN as usize + 2 * (SEGMENT + TAG))].to_vec();
        let mut r = SealedReader::new(Cursor::new(cut), cipher()).unwrap();
        r.seek(SeekFrom::Start(SEGMENT as u64 + 1)).unwrap();
        assert!(r.read_to_end(&mut out).is_err());
        assert!(SealedReader::new(Cursor::new(b"Aadhaar,Uri\n".to_vec()), cipher()).is_err());
        assert!(!sealed.windows(4).any(|w| w == b"aaaa"));
    }
}
