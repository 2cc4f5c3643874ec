//! Signing keys and certificates: a fresh RSA key with a self-signed X.509
//! certificate, a department's own key and certificate from PKCS#12 (the
//! PBES2/AES that OpenSSL 3 writes by default and the SHA-1/3DES of
//! `-legacy`), and what a certificate says (subject, validity, fingerprint).

use std::time::Duration;

use base64::Engine;
use rsa::pkcs8::EncodePrivateKey;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

use super::SignatureError;

/// RSA modulus size of a generated key.
const RSA_BITS: usize = 2048;
/// How long a generated certificate is valid: what a department signs
/// stays checkable for years.
const GENERATED_VALIDITY_DAYS: i64 = 3650;

/// A private key (PKCS#8 DER) and its certificate (DER): what is sealed and
/// stored.
pub struct KeyMaterial {
    pub pkcs8_der: Vec<u8>,
    pub cert_der: Vec<u8>,
}

/// What a certificate says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// The subject, RFC 4514 style (`CN=...,O=...`).
    pub subject: String,
    /// The subject's common name, or the whole subject when it has none.
    pub common_name: String,
    /// Unix seconds.
    pub not_before: i64,
    /// Unix seconds.
    pub not_after: i64,
    /// Lowercase hex SHA-256 of the DER, without colons.
    pub fingerprint_sha256: String,
}

impl CertInfo {
    /// Whether the certificate was valid at `at` (Unix seconds).
    pub fn valid_at(&self, at: i64) -> bool {
        self.not_before <= at && at <= self.not_after
    }
}

fn key_error(what: &str) -> impl Fn(String) -> SignatureError + '_ {
    move |e| SignatureError::Key(format!("{what}: {e}"))
}

/// Makes an RSA key and a self-signed certificate for `common_name`, valid
/// from a few minutes before `now` (clocks of nodes differ) for ten years.
pub fn generate(common_name: &str, organization: &str, now: i64) -> Result<KeyMaterial, SignatureError> {
    let mut rng = rsa::rand_core::OsRng;
    let private = rsa::RsaPrivateKey::new(&mut rng, RSA_BITS).map_err(|e| key_error("RSA key")(e.to_string()))?;
    let pkcs8 = private
        .to_pkcs8_der()
        .map_err(|e| key_error("PKCS#8")(e.to_string()))?
        .as_bytes()
        .to_vec();
    let key_pair = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8.as_slice().into(), &rcgen::PKCS_RSA_SHA256)
        .map_err(|e| key_error("key pair")(e.to_string()))?;
    let mut params =
        rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| key_error("certificate")(e.to_string()))?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(rcgen::DnType::CommonName, common_name);
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, organization);
    let start = time::OffsetDateTime::from_unix_timestamp(now - 300).map_err(|e| key_error("time")(e.to_string()))?;
    params.not_before = start;
    params.not_after = start + Duration::from_secs(GENERATED_VALIDITY_DAYS as u64 * 86_400);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::ContentCommitment,
    ];
    let cert = params
        .self_signed(&key_pair)
        .map_err(|e| key_error("certificate")(e.to_string()))?;
    Ok(KeyMaterial {
        pkcs8_der: pkcs8,
        cert_der: cert.der().to_vec(),
    })
}

/// Reads a PKCS#12 file: its private key and the certificate of that key
/// (not a CA certificate that came along). OpenSSL 3's default (PBES2 with
/// AES) is read by `bergshamra-pkcs12`; a file made with `-legacy`
/// (certificates under RC2-40, the key under 3DES) by `p12`, after its MAC
/// has proved the password.
pub fn from_pkcs12(data: &[u8], password: &str) -> Result<KeyMaterial, SignatureError> {
    let (keys, certificates) = match bergshamra_pkcs12::parse_pkcs12(data, password) {
        Ok(contents) => (
            contents.private_keys.iter().map(|key| key.to_vec()).collect(),
            contents.certificates,
        ),
        Err(modern) => legacy_pkcs12(data, password).map_err(|legacy| {
            SignatureError::Key(format!(
                "cannot read the PKCS#12 file (is the password right?): {modern}; as a legacy file: {legacy}"
            ))
        })?,
    };
    let pkcs8_der: Vec<u8> = keys
        .into_iter()
        .next()
        .ok_or_else(|| SignatureError::Key("the PKCS#12 file holds no private key".into()))?;
    let spki = rsa_public_key_der(&pkcs8_der)?;
    let cert_der = certificates
        .into_iter()
        .find(|der| public_key_der(der).is_some_and(|k| k == spki))
        .ok_or_else(|| SignatureError::Key("the PKCS#12 file holds no certificate for its key".into()))?;
    Ok(KeyMaterial { pkcs8_der, cert_der })
}

/// What a PKCS#12 file holds: its private keys (PKCS#8 DER) and
/// certificates (DER).
type Pkcs12Parts = (Vec<Vec<u8>>, Vec<Vec<u8>>);

/// The keys and certificates of a legacy PKCS#12 file.
fn legacy_pkcs12(data: &[u8], password: &str) -> Result<Pkcs12Parts, String> {
    let pfx = p12::PFX::parse(data).map_err(|e| format!("not PKCS#12: {e:?}"))?;
    // Without a MAC nothing proves the password, and a wrong one decrypts
    // to noise: refuse rather than guess. Legacy files carry an HMAC-SHA1
    // MAC, the only one `p12` computes; any other is not a legacy file.
    match &pfx.mac_data {
        Some(mac) if mac.mac.digest_algorithm == p12::AlgorithmIdentifier::Sha1 => {}
        Some(_) => return Err("it is not a legacy file (its MAC is not HMAC-SHA1)".into()),
        None => return Err("it has no MAC to prove the password".into()),
    }
    if !pfx.verify_mac(password) {
        return Err("its MAC does not verify with this password".into());
    }
    let keys = pfx.key_bags(password).map_err(|e| format!("its key: {e:?}"))?;
    let certificates = pfx
        .cert_x509_bags(password)
        .map_err(|e| format!("its certificates: {e:?}"))?;
    Ok((keys, certificates))
}

/// The bergshamra key that signs, with `chain` (leaf first) for `X509Data`.
pub(super) fn signing_key(pkcs8_der: &[u8], chain: &[Vec<u8>]) -> Result<bergshamra::Key, SignatureError> {
    let pem = pem_encode("PRIVATE KEY", pkcs8_der);
    let mut key = bergshamra::keys::loader::load_rsa_private_pem(pem.as_bytes())
        .map_err(|e| SignatureError::Key(format!("the signing key is not an RSA PKCS#8 key: {e}")))?;
    key.x509_chain = chain.to_vec();
    Ok(key)
}

/// The SubjectPublicKeyInfo (DER) of an RSA PKCS#8 private key.
fn rsa_public_key_der(pkcs8_der: &[u8]) -> Result<Vec<u8>, SignatureError> {
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
    let private = rsa::RsaPrivateKey::from_pkcs8_der(pkcs8_der)
        .map_err(|e| SignatureError::Key(format!("the PKCS#12 key is not an RSA key: {e}")))?;
    private
        .to_public_key()
        .to_public_key_der()
        .map(|doc| doc.as_bytes().to_vec())
        .map_err(|e| SignatureError::Key(format!("the PKCS#12 key's public part: {e}")))
}

/// The certificate's SubjectPublicKeyInfo, DER.
fn public_key_der(cert_der: &[u8]) -> Option<Vec<u8>> {
    let cert = Certificate::from_der(cert_der).ok()?;
    cert.tbs_certificate.subject_public_key_info.to_der().ok()
}

/// Reads what a DER certificate says.
pub fn cert_info(der: &[u8]) -> Result<CertInfo, SignatureError> {
    let cert = Certificate::from_der(der)
        .map_err(|e| SignatureError::Certificate(format!("not an X.509 certificate: {e}")))?;
    let tbs = &cert.tbs_certificate;
    let subject = tbs.subject.to_string();
    let common_name = subject
        .split(',')
        .find_map(|part| part.trim().strip_prefix("CN="))
        .map(str::to_owned)
        .unwrap_or_else(|| subject.clone());
    let unix = |t: &x509_cert::time::Time| t.to_unix_duration().as_secs() as i64;
    Ok(CertInfo {
        subject,
        common_name,
        not_before: unix(&tbs.validity.not_before),
        not_after: unix(&tbs.validity.not_after),
        fingerprint_sha256: hex::encode(Sha256::digest(der)),
    })
}

/// PEM text of a DER value.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The DER certificates of a PEM file (one or more `CERTIFICATE` blocks).
pub fn certificates_from_pem(pem: &str) -> Result<Vec<Vec<u8>>, SignatureError> {
    let mut out = Vec::new();
    let mut rest = pem;
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let body = &rest[start + "-----BEGIN CERTIFICATE-----".len()..];
        let end = body
            .find("-----END CERTIFICATE-----")
            .ok_or_else(|| SignatureError::Certificate("a CERTIFICATE block has no END line".into()))?;
        let compact: String = body[..end].chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map_err(|e| SignatureError::Certificate(format!("a CERTIFICATE block is not base64: {e}")))?;
        cert_info(&der)?;
        out.push(der);
        rest = &body[end..];
    }
    if out.is_empty() {
        return Err(SignatureError::Certificate("the file holds no PEM CERTIFICATE".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_is_self_signed_for_ten_years() {
        let now = 1_800_000_000;
        let made = generate("Test Department", "OpenLocker", now).unwrap();
        let info = cert_info(&made.cert_der).unwrap();
        assert_eq!(info.common_name, "Test Department");
        assert!(info.valid_at(now) && info.valid_at(now + 9 * 365 * 86_400));
        assert!(!info.valid_at(now - 3600));
        assert_eq!(info.fingerprint_sha256.len(), 64);
        let pem = pem_encode("CERTIFICATE", &made.cert_der);
        assert_eq!(certificates_from_pem(&pem).unwrap(), vec![made.cert_der.clone()]);
        assert!(signing_key(&made.pkcs8_der, &[]).is_ok());
    }

    #[test]
    fn pem_without_a_certificate_is_refused() {
        assert!(certificates_from_pem("hello").is_err());
        assert!(certificates_from_pem("-----BEGIN CERTIFICATE-----\nAAAA").is_err());
    }
}
