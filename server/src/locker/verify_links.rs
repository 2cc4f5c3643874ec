//! Verification links: the QR code beside an issued document opens
//! `/verify/{token}`, where anyone reads the verified summary of that one
//! document (who issued it, which document, when it was signed, whether it
//! was altered), never the PDF. The token is 256 random bits kept only as
//! its SHA-256, as share tokens are; a link works for `verify_link_days`
//! until its resident revokes it. The certificate XML is kept sealed with
//! the link and verified again at every look, with the certificates trusted
//! then, so a revoked trust or a tampered store shows at once.

use openlocker_db::verify_links::{self as db, NewVerifyLink, VerifyLink};
// The answers are the JSON types the web app reads them with.
pub use openlocker_proto::signing::{VerifyLinkCreated as Created, VerifySummary as Summary};
use qrcode::QrCode;
use qrcode::render::svg;
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::locker::activity::{self, Client, Kind};
use crate::locker::{identity, issued_files, issued_signature, kept_copy, residents};
use crate::platform::{crypto, dates, error::Error};

/// Makes a verification link for one of a verified resident's issued
/// documents (one with a certificate XML).
pub fn create(app: &App, resident_id: i64, uri: &str, client: &Client) -> Result<Created, Error> {
    identity::require_verified(app, resident_id)?;
    let doc = residents::issued_doc(app, resident_id, uri)?;
    let xml = issued_files::signed_certificate(app, resident_id, &doc)?;
    let token = crypto::random_hex(32);
    let url = format!("{}/verify/{token}", app.settings.public_url());
    let qr_svg = qr_svg(&url)?;
    let now = dates::unix_now();
    let expires_at = now + app.settings.verify_link_days as i64 * 86_400;
    let id = {
        // Held until the row names the stored XML, so no clean-up takes it.
        let _guard = kept_copy::lock();
        let certificate_id = kept_copy::put(app, &xml)?;
        db::insert(
            &app.db,
            &NewVerifyLink {
                resident_id,
                uri: &doc.uri,
                doc_name: &doc.doc_name,
                certificate_id: &certificate_id,
                token_hash: &Sha256::digest(token.as_bytes()),
                now,
                expires_at,
            },
        )?
    };
    let detail = format!("{} as a verification link (QR code)", doc.doc_name);
    activity::record(app, resident_id, Kind::Shared, &detail, client)?;
    tracing::info!(resident_id, link_id = id, "made a verification link");
    Ok(Created {
        id,
        token,
        url,
        expires_at,
        qr_svg,
    })
}

/// The SVG QR code of `url`.
fn qr_svg(url: &str) -> Result<String, Error> {
    let code = QrCode::new(url.as_bytes()).map_err(|e| Error::Internal(format!("cannot make the QR code: {e}")))?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// The verified summary behind `token`: the verdict on the kept
/// certificate XML now. Every field but `valid`, `doc_name` and `reason`
/// comes from the verified tree and is empty unless it is valid. An unknown, expired or revoked
/// token, or a document no longer in the locker, is 404.
pub fn summary(app: &App, token: &str) -> Result<Summary, Error> {
    let link = live(app, token)?.ok_or_else(not_found)?;
    // The issuer may have withdrawn the document (a pushed `D`) since.
    match residents::issued_doc(app, link.resident_id, &link.uri) {
        Err(Error::NotFound(_)) => return Err(not_found()),
        other => other?,
    };
    let xml = kept_copy::read(app, &link.certificate_id)?;
    let verdict = issued_signature::check_document(app, &link.uri, Some(&xml), None);
    Ok(Summary {
        valid: verdict.valid,
        issuer_id: verdict.issuer_id,
        uri: verdict.uri,
        doc_name: link.doc_name,
        signed_by: verdict.signed_by,
        signed_at: verdict.signed_at,
        reason: verdict.reason,
    })
}

/// Whether `token` names a link that works now.
pub fn is_live(app: &App, token: &str) -> Result<bool, Error> {
    Ok(live(app, token)?.is_some())
}

fn live(app: &App, token: &str) -> Result<Option<VerifyLink>, Error> {
    let hash = Sha256::digest(token.as_bytes());
    Ok(db::live_by_token(&app.db, &hash, dates::unix_now())?)
}

fn not_found() -> Error {
    Error::NotFound(
        "there is no such verification link: it may have expired, or its owner revoked it. Ask them for a new one"
            .into(),
    )
}

/// The resident's links that still work, newest first.
pub fn list(app: &App, resident_id: i64) -> Result<Vec<openlocker_proto::signing::VerifyLinkEntry>, Error> {
    let rows = db::live_for_resident(&app.db, resident_id, dates::unix_now())?;
    Ok(rows.into_iter().map(crate::locker::views::verify_link).collect())
}

/// Revokes one of the resident's links: it answers 404 from now on.
pub fn revoke(app: &App, resident_id: i64, id: i64) -> Result<(), Error> {
    db::revoke(&app.db, resident_id, id, dates::unix_now()).map_err(|e| match e {
        openlocker_db::DbError::NotFound => Error::NotFound(format!("you have no verification link {id}")),
        other => other.into(),
    })?;
    tracing::info!(resident_id, link_id = id, "revoked a verification link");
    Ok(())
}
