//! Signed e-documents: the public verification's answer (`POST
//! /api/verify`), verification links (the QR code beside an issued
//! document) and their public summary. Times are Unix seconds.

use serde::{Deserialize, Serialize};

/// `POST /api/verify`: the verdict on a certificate XML (and its PDF).
/// Every field but `valid` and `reason` comes from the verified tree and is
/// `None` unless the signature is valid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub valid: bool,
    pub issuer_id: Option<String>,
    pub uri: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<i64>,
    /// `None` when no PDF was sent.
    pub pdf_matches: Option<bool>,
    pub reason: Option<String>,
}

/// `POST /api/issued/{uri}/verify-link`: a new verification link. The token
/// is shown this once; the locker keeps only its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyLinkCreated {
    pub id: i64,
    pub token: String,
    /// The absolute URL the QR code encodes.
    pub url: String,
    pub expires_at: i64,
    /// The QR code of `url`, an SVG image.
    pub qr_svg: String,
}

/// One entry of `GET /api/verify-links`: a link that still works.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyLinkEntry {
    pub id: i64,
    pub uri: String,
    pub doc_name: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// `GET /api/verify-links/{token}/summary` (no sign-in): the linked
/// document's signature, verified when asked; never the document itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifySummary {
    pub valid: bool,
    pub issuer_id: Option<String>,
    pub uri: Option<String>,
    /// The document's name in the locker.
    pub doc_name: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<i64>,
    pub reason: Option<String>,
}
