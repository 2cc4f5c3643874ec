//! Sign-in sessions: a random cookie value (only its hash is stored) and a
//! CSRF token that every state-changing request must echo in a header.

use openlocker_db::sessions::{self, SessionKind};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::platform::crypto;
use crate::platform::dates;
use crate::platform::error::Error;

/// Cookie of a resident's session.
pub const RESIDENT_COOKIE: &str = "ol_session";
/// Cookie of an issuer user's session.
pub const ISSUER_COOKIE: &str = "ol_issuer_session";
/// The cookie of a requester portal session.
pub const REQUESTER_COOKIE: &str = "ol_requester_session";
/// Header that carries the CSRF token.
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// A new session: the cookie value and the CSRF token, shown once.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub max_age_seconds: i64,
}

fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Starts a session for `subject_id`.
pub fn start(app: &App, kind: SessionKind, subject_id: i64) -> Result<NewSession, Error> {
    let token = crypto::random_hex(32);
    let csrf_token = crypto::random_hex(16);
    let now = dates::unix_now();
    let max_age = app.settings.session_hours as i64 * 3600;
    sessions::purge_expired(&app.db, now)?;
    sessions::insert(
        &app.db,
        &token_hash(&token),
        kind,
        subject_id,
        &csrf_token,
        now,
        now + max_age,
    )?;
    Ok(NewSession {
        token,
        csrf_token,
        max_age_seconds: max_age,
    })
}

/// A checked session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub subject_id: i64,
    pub csrf_token: String,
}

/// Resolves a cookie value to its live session.
pub fn check(app: &App, kind: SessionKind, token: &str) -> Result<Authenticated, Error> {
    let found = sessions::get(&app.db, &token_hash(token), kind, dates::unix_now())?;
    found
        .map(|s| Authenticated {
            subject_id: s.subject_id,
            csrf_token: s.csrf_token,
        })
        .ok_or_else(|| Error::Unauthorized("not signed in, or the session has expired".into()))
}

/// Ends a session.
pub fn end(app: &App, token: &str) -> Result<(), Error> {
    Ok(sessions::delete(&app.db, &token_hash(token))?)
}

/// Refuses a state-changing request whose CSRF header is missing or wrong.
pub fn require_csrf(session: &Authenticated, header: Option<&str>) -> Result<(), Error> {
    match header {
        Some(sent) if crypto::constant_time_eq(sent.as_bytes(), session.csrf_token.as_bytes()) => Ok(()),
        _ => Err(Error::Forbidden(format!("missing or wrong {CSRF_HEADER} header"))),
    }
}

/// Ends every session of one subject; returns how many there were.
pub fn end_all(app: &App, kind: SessionKind, subject_id: i64) -> Result<usize, Error> {
    Ok(sessions::delete_all_of(&app.db, kind, subject_id)?)
}
