//! Secrets at rest: the master key file, AES-256-GCM sealing of API keys and
//! Aadhaar numbers, and the keyed HMAC that lets us look Aadhaar numbers up
//! without storing them.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use aes_gcm::aead::{Aead, AeadInPlace, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::platform::error::Error;

type HmacSha256 = Hmac<Sha256>;

const NONCE_LEN: usize = 12;

/// Length of the Aadhaar look-up HMAC.
pub const AADHAAR_HMAC_LEN: usize = 16;

/// Length of a sealed Aadhaar number: nonce, 12 digits, tag.
pub const SEALED_AADHAAR_LEN: usize = NONCE_LEN + 12 + 16;

/// What a sealed value is, bound into the ciphertext as associated data so
/// that one kind of secret can never be passed off as another.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    Aadhaar,
    ApiKey,
    /// The repository's document-signing private key (PKCS#8).
    SigningKey,
    /// The OpenID Connect ID-token signing key (ES256, PKCS#8).
    OidcKey,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Aadhaar => b"openlocker/aadhaar",
            Purpose::ApiKey => b"openlocker/api-key",
            Purpose::SigningKey => b"openlocker/signing-key",
            Purpose::OidcKey => b"openlocker/oidc-key",
        }
    }
}

/// The keys derived from the master key.
pub struct Keys {
    cipher: Aes256Gcm,
    file_cipher: Aes256Gcm,
    aadhaar_index: HmacSha256,
    content_index: HmacSha256,
    throttle_index: HmacSha256,
}

impl Keys {
    /// Loads `secrets/master.key` under `data_dir`, creating it (mode 0600,
    /// in a 0700 folder) on first use.
    pub fn load_or_create(data_dir: &Path) -> Result<Keys, Error> {
        Keys::load_or_create_file(&data_dir.join("secrets/master.key"))
    }

    /// Loads the master key file at `path`, creating it (mode 0600, in a
    /// 0700 folder) on first use; every node of a deployment shares it.
    pub fn load_or_create_file(path: &Path) -> Result<Keys, Error> {
        if let Some(dir) = path.parent() {
            fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        }
        let path = path.to_path_buf();
        let master = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_master_key(&path)?,
            Err(e) => return Err(Error::Internal(format!("reading {}: {e}", path.display()))),
        };
        if master.len() != 32 {
            return Err(Error::Internal(format!("{} is not a 32-byte key", path.display())));
        }
        Ok(Keys::from_master(&master))
    }

    /// Derives the working keys; separate keys for separate jobs.
    pub fn from_master(master: &[u8]) -> Keys {
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut mac = hmac_sha256(master);
            mac.update(label);
            mac.finalize().into_bytes().into()
        };
        let enc = derive(b"openlocker/v1/seal");
        let idx = derive(b"openlocker/v1/aadhaar-index");
        let files = derive(b"openlocker/v1/files");
        let content = derive(b"openlocker/v1/upload-content-id");
        let throttle = derive(b"openlocker/v1/throttle-account");
        Keys {
            cipher: Aes256Gcm::new(&enc.into()),
            file_cipher: Aes256Gcm::new(&files.into()),
            aadhaar_index: hmac_sha256(&idx),
            content_index: hmac_sha256(&content),
            throttle_index: hmac_sha256(&throttle),
        }
    }

    /// The cipher of files sealed at rest (see `sealed_file`); a key of its
    /// own, since those nonces are not random.
    pub fn file_cipher(&self) -> Aes256Gcm {
        self.file_cipher.clone()
    }

    /// A fresh keyed hash that names an uploaded file's content in the
    /// store: equal content shares one file, yet the name does not let
    /// anyone confirm a guess of the content, as a plain SHA-256 would.
    pub fn content_id_hasher(&self) -> Hmac<Sha256> {
        self.content_index.clone()
    }

    /// Encrypts: `nonce || ciphertext || tag`.
    pub fn seal(&self, purpose: Purpose, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce);
        #[allow(clippy::expect_used, reason = "AES-GCM only fails for inputs over 64 GiB")]
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: purpose.label(),
                },
            )
            .expect("AES-GCM seals any input under 64 GiB");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Seals a 12-digit Aadhaar number into a fixed-size buffer without
    /// allocating: the importer's hot path. Opens with [`Keys::open`].
    pub fn seal_aadhaar(&self, digits: &[u8; 12]) -> [u8; SEALED_AADHAAR_LEN] {
        let mut out = [0u8; SEALED_AADHAAR_LEN];
        let (nonce, rest) = out.split_at_mut(NONCE_LEN);
        fill_random_buffered(nonce);
        let (body, tag_out) = rest.split_at_mut(12);
        body.copy_from_slice(digits);
        #[allow(clippy::expect_used, reason = "AES-GCM only fails for inputs over 64 GiB")]
        let tag = self
            .cipher
            .encrypt_in_place_detached(Nonce::from_slice(nonce), Purpose::Aadhaar.label(), body)
            .expect("AES-GCM seals 12 bytes");
        tag_out.copy_from_slice(&tag);
        out
    }

    /// Decrypts what [`Keys::seal`] made for the same purpose.
    pub fn open(&self, purpose: Purpose, sealed: &[u8]) -> Result<Vec<u8>, Error> {
        if sealed.len() < NONCE_LEN {
            return Err(Error::Internal("sealed value too short".into()));
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: purpose.label(),
                },
            )
            .map_err(|_| Error::Internal("a sealed value failed to decrypt: wrong master key or tampering".into()))
    }

    /// The look-up key for an Aadhaar number: a keyed HMAC-SHA256, so the
    /// stored value cannot be reversed by trying all 10^12 numbers. Truncated
    /// to 128 bits (RFC 2104 allows half): a smaller index, and collisions
    /// stay out of reach for any population.
    pub fn aadhaar_hmac(&self, digits: &str) -> [u8; AADHAAR_HMAC_LEN] {
        let mut mac = self.aadhaar_index.clone();
        mac.update(digits.as_bytes());
        let full: [u8; 32] = mac.finalize().into_bytes().into();
        let mut out = [0u8; AADHAAR_HMAC_LEN];
        out.copy_from_slice(&full[..AADHAAR_HMAC_LEN]);
        out
    }

    /// The sign-in throttle's name for an account given by a name that
    /// matched nothing, or by a portal username: a keyed hash of its own
    /// key, so a throttle row can never be matched against the Aadhaar
    /// index. 96 bits, hex.
    pub fn throttle_account_id(&self, name: &str) -> String {
        let mut mac = self.throttle_index.clone();
        mac.update(name.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..12])
    }
}

/// HMAC-SHA256 keyed by `key`.
#[allow(clippy::expect_used, reason = "HMAC takes a key of any length (RFC 2104)")]
fn hmac_sha256(key: &[u8]) -> HmacSha256 {
    <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes a key of any length")
}

fn create_master_key(path: &Path) -> Result<Vec<u8>, Error> {
    let mut key = vec![0u8; 32];
    fill_random(&mut key);
    // Written whole and synced under a temporary name, then linked into
    // place: the link fails if another process made the key first, and a
    // crash never leaves a half-written key behind.
    let temp = path.with_extension(format!("tmp-{}", random_hex(8)));
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)?;
    file.write_all(&key)?;
    file.sync_all()?;
    let linked = fs::hard_link(&temp, path);
    let _ = fs::remove_file(&temp);
    match linked {
        Ok(()) => {
            if let Some(dir) = path.parent() {
                fs::File::open(dir)?.sync_all()?;
            }
            tracing::info!(path = %path.display(), "created a new master key");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(fs::read(path)?),
        Err(e) => Err(e.into()),
    }
}

/// Fills `buf` from the operating system's random source.
pub fn fill_random(buf: &mut [u8]) {
    // getrandom only fails where the OS has no entropy source at all.
    if let Err(e) = getrandom::fill(buf) {
        panic!("operating system random source failed: {e}");
    }
}

/// Fills `buf` from a per-thread buffer of OS randomness, refilled 4 KiB at
/// a time: one system call per ~340 nonces instead of one each. Every byte
/// is handed out once.
pub fn fill_random_buffered(buf: &mut [u8]) {
    use std::cell::RefCell;
    thread_local! {
        static POOL: RefCell<(Vec<u8>, usize)> = const { RefCell::new((Vec::new(), 0)) };
    }
    POOL.with(|pool| {
        let (bytes, used) = &mut *pool.borrow_mut();
        if bytes.len() - *used < buf.len() {
            bytes.resize(4096.max(buf.len()), 0);
            fill_random(bytes);
            *used = 0;
        }
        buf.copy_from_slice(&bytes[*used..*used + buf.len()]);
        *used += buf.len();
    });
}

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    fill_random(&mut buf);
    hex::encode(buf)
}

/// A random string of `len` characters from `alphabet`, without modulo bias.
pub fn random_string(alphabet: &[u8], len: usize) -> String {
    let limit = 256 - (256 % alphabet.len());
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        fill_random(&mut buf);
        for &b in &buf {
            if (b as usize) < limit && out.len() < len {
                out.push(alphabet[b as usize % alphabet.len()] as char);
            }
        }
    }
    out
}

/// Lowercase hex SHA-256 of the concatenated parts.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// Compares two byte strings in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_purpose() {
        let keys = Keys::from_master(&[7u8; 32]);
        let sealed = keys.seal(Purpose::Aadhaar, b"234123412346");
        assert_eq!(keys.open(Purpose::Aadhaar, &sealed).unwrap(), b"234123412346");
        assert!(keys.open(Purpose::ApiKey, &sealed).is_err());
        assert_ne!(keys.seal(Purpose::Aadhaar, b"x"), keys.seal(Purpose::Aadhaar, b"x"));
    }

    #[test]
    fn a_sealed_aadhaar_opens_like_any_sealed_value() {
        let keys = Keys::from_master(&[7u8; 32]);
        let sealed = keys.seal_aadhaar(b"234123412346");
        assert_eq!(keys.open(Purpose::Aadhaar, &sealed).unwrap(), b"234123412346");
        assert_eq!(sealed.len(), keys.seal(Purpose::Aadhaar, b"234123412346").len());
    }

    #[test]
    fn a_different_master_key_cannot_open_or_match() {
        let a = Keys::from_master(&[1u8; 32]);
        let b = Keys::from_master(&[2u8; 32]);
        assert!(b.open(Purpose::ApiKey, &a.seal(Purpose::ApiKey, b"k")).is_err());
        assert_ne!(a.aadhaar_hmac("234123412346"), b.aadhaar_hmac("234123412346"));
    }

    #[test]
    fn the_throttle_names_accounts_with_a_key_of_its_own() {
        let keys = Keys::from_master(&[1u8; 32]);
        let name = "234123412346";
        let throttle = keys.throttle_account_id(name);
        assert_eq!(throttle.len(), 24);
        assert_eq!(throttle, keys.throttle_account_id(name), "stable for one master key");
        assert_ne!(
            throttle,
            hex::encode(&keys.aadhaar_hmac(name)[..12]),
            "not the Aadhaar index"
        );
        assert_ne!(throttle, Keys::from_master(&[2u8; 32]).throttle_account_id(name));
    }

    #[test]
    fn master_key_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        Keys::load_or_create(dir.path()).unwrap();
        let meta = fs::metadata(dir.path().join("secrets/master.key")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(meta.len(), 32);
    }

    #[test]
    fn buffered_randomness_never_repeats_a_nonce() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..2000 {
            let mut n = [0u8; 12];
            fill_random_buffered(&mut n);
            assert!(seen.insert(n));
        }
    }

    #[test]
    fn random_strings_use_only_the_alphabet() {
        let s = random_string(b"ABC", 100);
        assert_eq!(s.len(), 100);
        assert!(s.bytes().all(|b| b"ABC".contains(&b)));
    }
}
