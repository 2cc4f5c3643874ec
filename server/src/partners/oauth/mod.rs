//! The Authorized Partner API (INTERFACE section 8): OAuth 2.0 with PKCE
//! and OpenID Connect, built from `seed/authorized-partner-api.md` and RFC
//! 6749 / 7636 / 7009. A requester of the one registry is the client.
//! - [`authorize`]: the authorize request's checks and the pending request;
//! - [`consent`]: what the resident sees and decides;
//! - [`tokens`]: client authentication, the code and refresh grants, revoke;
//! - [`id_token`]: the ES256 key, ID tokens, the JWKS and discovery;
//! - [`resource`]: the calls made with an access token;
//! - [`uploaded`]: Uploaded Documents by folder, and the signed upload;
//! - [`connections`]: the resident's connected apps.

pub mod authorize;
pub mod connections;
pub mod consent;
pub mod id_token;
pub mod resource;
pub mod tokens;
pub mod uploaded;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::platform::crypto;
use crate::platform::error::{Error, OAuthCode};

/// How long an authorize request waits for the resident, and how long a
/// code lives (the specification's 10 minutes).
pub const CODE_SECONDS: i64 = 600;
/// An access token's life.
pub const ACCESS_SECONDS: i64 = 3600;
/// How long a grant lasts when the client asks no `consent_valid_till`.
pub const DEFAULT_CONSENT_SECONDS: i64 = 30 * 24 * 3600;
/// The longest grant a client may ask for.
pub const MAX_CONSENT_SECONDS: i64 = 365 * 24 * 3600;

/// The scopes of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    OpenId,
    UserDetails,
    IssuedDocs,
    UploadedDocs,
    Upload,
}

impl Scope {
    /// Every scope, in the order the consent screen lists them.
    pub const ALL: [Scope; 5] = [
        Scope::OpenId,
        Scope::UserDetails,
        Scope::IssuedDocs,
        Scope::UploadedDocs,
        Scope::Upload,
    ];

    /// The scope's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::OpenId => "openid",
            Scope::UserDetails => "userdetails",
            Scope::IssuedDocs => "files.issueddocs",
            Scope::UploadedDocs => "files.uploadeddocs",
            Scope::Upload => "files.upload",
        }
    }
}

/// The scope a client gets when it asks none.
pub const DEFAULT_SCOPE: &str = "userdetails files.issueddocs files.uploadeddocs";

/// The scope text, checked and put in the canonical order; absent or blank
/// means [`DEFAULT_SCOPE`]. An unknown name is `invalid_scope`.
pub fn parse_scope(text: Option<&str>) -> Result<String, Error> {
    let text = text.map(str::trim).filter(|t| !t.is_empty()).unwrap_or(DEFAULT_SCOPE);
    let mut asked = Vec::new();
    for name in text.split_ascii_whitespace() {
        let scope = Scope::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| Error::oauth(OAuthCode::InvalidScope, format!("there is no scope {name:?}")))?;
        asked.push(scope);
    }
    Ok(Scope::ALL
        .into_iter()
        .filter(|s| asked.contains(s))
        .map(Scope::as_str)
        .collect::<Vec<_>>()
        .join(" "))
}

/// Whether the space-separated `granted` scope covers `needed`.
pub fn covers(granted: &str, needed: Scope) -> bool {
    granted.split_ascii_whitespace().any(|s| s == needed.as_str())
}

/// A new secret for a URL or a token: 256 random bits, base64url.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    crypto::fill_random(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a secret: its SHA-256 (the secret has 256 random
/// bits, so a plain hash cannot be reversed).
pub fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// The PKCE S256 challenge of a verifier: base64url without padding of its
/// SHA-256 (RFC 7636 §4.2).
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether `text` is 43 to 128 characters of the PKCE alphabet
/// (`A-Z a-z 0-9 - . _ ~`, RFC 7636 §4.1).
pub fn is_pkce_text(text: &str) -> bool {
    (43..=128).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_default_are_ordered_and_unknown_ones_refused() {
        assert_eq!(parse_scope(None).unwrap(), DEFAULT_SCOPE);
        assert_eq!(parse_scope(Some("  ")).unwrap(), DEFAULT_SCOPE);
        assert_eq!(
            parse_scope(Some("files.issueddocs openid openid")).unwrap(),
            "openid files.issueddocs"
        );
        let refused = parse_scope(Some("openid email")).unwrap_err();
        assert_eq!(refused.oauth_name(), "invalid_scope");
        assert!(covers("openid files.issueddocs", Scope::IssuedDocs));
        assert!(!covers("openid files.issueddocs", Scope::UserDetails));
    }

    #[test]
    fn the_s256_challenge_is_the_rfc_7636_example() {
        // RFC 7636 Appendix B.
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(is_pkce_text("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!is_pkce_text("short"));
        assert!(!is_pkce_text(&"a+".repeat(30)));
    }
}
