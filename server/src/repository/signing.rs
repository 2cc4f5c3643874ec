//! The repository's document-signing key: made on first use (an RSA key
//! with a self-signed certificate) or imported from a department's PKCS#12
//! file, kept in the database with its private key sealed, so every node
//! of a repository signs with the same key. An imported key retires the one
//! before; the retired certificate stays listed for what it signed.

use std::path::Path;

use openlocker_db::signing::{self as db, NewSigningKey};
use serde::Serialize;

use crate::app::App;
use crate::platform::crypto::Purpose;
use crate::platform::dates;
use crate::platform::error::Error;
use crate::wire::signature::keys::{self, KeyMaterial};
use crate::wire::signature::{SignatureError, Signer};

impl From<SignatureError> for Error {
    fn from(err: SignatureError) -> Self {
        match err {
            SignatureError::Key(why) | SignatureError::Certificate(why) => Error::Invalid(why),
            SignatureError::Sign(why) => Error::Internal(why),
        }
    }
}

/// What `repo key show` prints.
#[derive(Debug, Serialize)]
pub struct KeyReport {
    pub certificate_pem: String,
    pub fingerprint_sha256: String,
    /// Unix seconds.
    pub not_after: i64,
    /// `generated` or `pkcs12`.
    pub source: String,
    /// Certificates of the keys this one replaced, newest first.
    pub previous: Vec<PreviousCert>,
}

/// A retired key's certificate, still good for what it signed.
#[derive(Debug, Serialize)]
pub struct PreviousCert {
    pub certificate_pem: String,
    pub fingerprint_sha256: String,
    pub not_after: i64,
    pub retired_at: Option<i64>,
    /// How many documents it signed.
    pub documents: u64,
}

/// The current key, ready to sign, with its row id; made on first use.
pub fn current_signer(app: &App) -> Result<(i64, Signer), Error> {
    let stored = match db::current_key(&app.db)? {
        Some(stored) => stored,
        None => make_first_key(app)?,
    };
    let material = KeyMaterial {
        pkcs8_der: app.keys.open(Purpose::SigningKey, &stored.key_enc)?,
        cert_der: stored.cert_der,
    };
    Ok((stored.id, Signer::new(&material)?))
}

fn make_first_key(app: &App) -> Result<db::SigningKey, Error> {
    let host = app.settings.public_url();
    let host = host.split("://").nth(1).unwrap_or(&host).trim_end_matches('/');
    let now = dates::unix_now();
    let material = keys::generate(&format!("OpenLocker repository {host}"), "OpenLocker", now)?;
    let stored = db::insert_key_if_absent(&app.db, &new_key(app, &material, "generated", now)?.row())?;
    tracing::info!(fingerprint = stored.fingerprint, "made the repository's signing key");
    Ok(stored)
}

fn new_key<'a>(app: &App, material: &'a KeyMaterial, source: &'a str, now: i64) -> Result<OwnedKey<'a>, Error> {
    Ok(OwnedKey {
        fingerprint: keys::cert_info(&material.cert_der)?.fingerprint_sha256,
        key_enc: app.keys.seal(Purpose::SigningKey, &material.pkcs8_der),
        material,
        source,
        now,
    })
}

/// A key to store, owning what `NewSigningKey` borrows.
struct OwnedKey<'a> {
    fingerprint: String,
    key_enc: Vec<u8>,
    material: &'a KeyMaterial,
    source: &'a str,
    now: i64,
}

impl OwnedKey<'_> {
    fn row(&self) -> NewSigningKey<'_> {
        NewSigningKey {
            fingerprint: &self.fingerprint,
            cert_der: &self.material.cert_der,
            key_enc: &self.key_enc,
            source: self.source,
            now: self.now,
        }
    }
}

/// `repo key show`: the current certificate (made now if there is none yet)
/// and the ones before it.
pub fn show(app: &App) -> Result<KeyReport, Error> {
    let (_, signer) = current_signer(app)?;
    let current = db::current_key(&app.db)?.ok_or_else(|| Error::Internal("the signing key vanished".into()))?;
    let previous = db::retired_keys(&app.db)?
        .into_iter()
        .map(|retired| {
            let info = keys::cert_info(&retired.key.cert_der)?;
            Ok(PreviousCert {
                certificate_pem: keys::pem_encode("CERTIFICATE", &retired.key.cert_der),
                fingerprint_sha256: info.fingerprint_sha256,
                not_after: info.not_after,
                retired_at: retired.key.retired_at,
                documents: retired.documents,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(KeyReport {
        certificate_pem: keys::pem_encode("CERTIFICATE", &signer.cert_der),
        fingerprint_sha256: signer.cert.fingerprint_sha256,
        not_after: signer.cert.not_after,
        source: current.source,
        previous,
    })
}

/// `repo key import`: signs with the PKCS#12 file's key from now on.
pub fn import_pkcs12(app: &App, pkcs12: &Path, password_file: &Path) -> Result<KeyReport, Error> {
    let data = std::fs::read(pkcs12).map_err(|e| Error::Invalid(format!("cannot read {}: {e}", pkcs12.display())))?;
    let password = std::fs::read_to_string(password_file)
        .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", password_file.display())))?;
    // A password file ends with a newline more often than a password does.
    let password = password.strip_suffix('\n').unwrap_or(&password);
    let password = password.strip_suffix('\r').unwrap_or(password);
    let material = keys::from_pkcs12(&data, password)?;
    let now = dates::unix_now();
    let info = keys::cert_info(&material.cert_der)?;
    if !info.valid_at(now) {
        return Err(Error::Invalid(format!(
            "the certificate in {} is not valid now (valid {} to {})",
            pkcs12.display(),
            dates::iso_unix(info.not_before),
            dates::iso_unix(info.not_after)
        )));
    }
    Signer::new(&material)?;
    let key = new_key(app, &material, "pkcs12", now)?;
    db::replace_key(&app.db, &key.row()).map_err(|e| match e {
        openlocker_db::DbError::Conflict(_) => {
            Error::Conflict("this certificate is (or was) the signing key already".into())
        }
        other => other.into(),
    })?;
    tracing::info!(fingerprint = key.fingerprint, "imported a signing key from PKCS#12");
    show(app)
}
