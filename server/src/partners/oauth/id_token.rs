//! OpenID Connect: the ID token that `/2/token` adds, signed ES256 with
//! `jsonwebtoken` (RustCrypto's p256), the key set that verifies it, and
//! the discovery document. The P-256 key is made on first use and kept in
//! the database, its PKCS#8 sealed with the master key, so every node signs
//! with the same key; `kid` is a hash of its public part.

use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use openlocker_db::oauth::{self as db, Grant};
use p256::pkcs8::EncodePrivateKey;
use serde::Serialize;
use serde_json::{Value, json};

use super::ACCESS_SECONDS;
use super::tokens::UserDetails;
use crate::app::App;
use crate::platform::crypto::{self, Purpose};
use crate::platform::dates;
use crate::platform::error::Error;

/// The claims of an ID token.
#[derive(Debug, Serialize)]
struct Claims<'a> {
    iss: String,
    /// The resident's `digilockerid`.
    sub: &'a str,
    /// The `client_id`.
    aud: &'a str,
    iat: i64,
    exp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    name: &'a str,
    /// `DDMMYYYY`, as the token answer gives it.
    dob: &'a str,
    gender: &'a str,
}

/// The path of the published key set.
pub const JWKS_PATH: &str = "/public/oauth2/jwks";

fn jwt_error(e: jsonwebtoken::errors::Error) -> Error {
    Error::Internal(format!("ID token: {e}"))
}

/// The current key's `kid` and PKCS#8 DER, made on first use.
fn current_key(app: &App) -> Result<(String, Vec<u8>), Error> {
    if let Some((kid, sealed)) = db::current_signing_key(&app.db)? {
        return Ok((kid, app.keys.open(Purpose::OidcKey, &sealed)?));
    }
    let der = new_key()?;
    let kid = kid_of(&der)?;
    let sealed = app.keys.seal(Purpose::OidcKey, &der);
    db::insert_signing_key(&app.db, &kid, &sealed, dates::unix_now())?;
    tracing::info!(kid, "made the OpenID Connect signing key");
    // Another node may have stored its key first: sign with whichever won.
    let (kid, sealed) = db::current_signing_key(&app.db)?
        .ok_or_else(|| Error::Internal("the new OpenID Connect key vanished".into()))?;
    Ok((kid, app.keys.open(Purpose::OidcKey, &sealed)?))
}

/// A new P-256 private key in PKCS#8 DER.
fn new_key() -> Result<Vec<u8>, Error> {
    // A random scalar is below the group order but for a chance of about
    // 2^-32; draw again in that case.
    for _ in 0..8 {
        let mut scalar = [0u8; 32];
        crypto::fill_random(&mut scalar);
        if let Ok(key) = p256::ecdsa::SigningKey::from_slice(&scalar) {
            let der = key
                .to_pkcs8_der()
                .map_err(|e| Error::Internal(format!("PKCS#8 of the OpenID Connect key: {e}")))?;
            return Ok(der.as_bytes().to_vec());
        }
    }
    Err(Error::Internal("could not draw a P-256 key".into()))
}

/// The public JWK of a key, with its `kid`, `use` and `alg`.
fn public_jwk(kid: Option<&str>, der: &[u8]) -> Result<Jwk, Error> {
    let mut jwk = Jwk::from_encoding_key(&EncodingKey::from_ec_der(der), Algorithm::ES256).map_err(jwt_error)?;
    jwk.common.key_id = kid.map(str::to_owned);
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    Ok(jwk)
}

/// The `kid`: the first 16 bytes of the key's RFC 7638 thumbprint, hex.
fn kid_of(der: &[u8]) -> Result<String, Error> {
    let jwk = public_jwk(None, der)?;
    let thumbprint = jwk
        .thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256)
        .map_err(jwt_error)?;
    Ok(crypto::sha256_hex(&[thumbprint.as_bytes()])[..32].to_owned())
}

/// The ID token for a grant's resident, with the authorize request's
/// `nonce` when it had one.
pub fn sign(app: &App, grant: &Grant, user: &UserDetails, nonce: Option<&str>) -> Result<String, Error> {
    let (kid, der) = current_key(app)?;
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid);
    let now = dates::unix_now();
    let claims = Claims {
        iss: app.settings.public_url(),
        sub: &user.digilockerid,
        aud: &grant.app_id,
        iat: now,
        exp: now + ACCESS_SECONDS,
        nonce,
        name: &user.name,
        dob: &user.dob,
        gender: &user.gender,
    };
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_der(&der)).map_err(jwt_error)
}

/// The key set at [`JWKS_PATH`]: the current key (made now if need be)
/// and keys retired in the last day, whose tokens may still be checked.
pub fn jwks(app: &App) -> Result<JwkSet, Error> {
    current_key(app)?;
    let mut keys = Vec::new();
    for (kid, sealed) in db::signing_keys(&app.db, dates::unix_now() - 24 * 3600)? {
        keys.push(public_jwk(Some(&kid), &app.keys.open(Purpose::OidcKey, &sealed)?)?);
    }
    Ok(JwkSet { keys })
}

/// `/.well-known/openid-configuration`: the issuer (`public_url`) and the
/// endpoints under it.
pub fn discovery(app: &App) -> Value {
    let base = app.settings.public_url();
    let oauth = format!("{base}/public/oauth2");
    json!({
        "issuer": base,
        "authorization_endpoint": format!("{oauth}/1/authorize"),
        "token_endpoint": format!("{oauth}/2/token"),
        "revocation_endpoint": format!("{oauth}/1/revoke"),
        "userinfo_endpoint": format!("{oauth}/1/user"),
        "jwks_uri": format!("{base}{JWKS_PATH}"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "scopes_supported": super::Scope::ALL.map(super::Scope::as_str),
        "claims_supported": ["iss", "sub", "aud", "iat", "exp", "nonce", "name", "dob", "gender"],
    })
}
