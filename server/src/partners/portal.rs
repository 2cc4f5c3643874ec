//! The requester portal's services: sign-in of a partner's people, what
//! they see of their app, and the shares made to it.

use openlocker_db::requesters::{self as db, RequesterUser};
use openlocker_db::sessions::SessionKind;
use openlocker_db::shares;
use serde::Serialize;

use crate::app::App;
use crate::locker::portal_sign_in::Portal;
use crate::locker::sessions::REQUESTER_COOKIE;
use crate::partners::registry;
use crate::platform::dates;
use crate::platform::error::Error;
use crate::platform::passwords;

/// Adds a portal user to a requester (from the admin CLI).
pub fn add_user(app: &App, app_id: &str, username: &str, password: &str) -> Result<RequesterUser, Error> {
    let requester = registry::get(app, app_id)?;
    let username = username.trim();
    if username.is_empty() || username.chars().count() > 100 {
        return Err(Error::Invalid("a username is 1 to 100 characters".into()));
    }
    let hash = passwords::hash(password)?;
    let id = db::insert_user(&app.db, &requester.app_id, username, &hash, dates::unix_now())?;
    db::user_by_id(&app.db, id)?.ok_or_else(|| Error::Internal("a new user vanished".into()))
}

/// Finds the portal user that a username and password belong to.
pub fn authenticate(app: &App, username: &str, password: &str) -> Result<RequesterUser, Error> {
    let found = db::user_by_name(&app.db, username.trim())?;
    passwords::sign_in(found, password, |u| &u.password_hash)
}

/// The requester portal, for [`crate::locker::portal_sign_in`].
pub struct RequesterPortal;

impl Portal for RequesterPortal {
    type User = RequesterUser;
    type Overview = Overview;
    const NAME: &'static str = "requester";
    const SESSION: SessionKind = SessionKind::RequesterUser;
    const COOKIE: &'static str = REQUESTER_COOKIE;

    fn authenticate(app: &App, username: &str, password: &str) -> Result<RequesterUser, Error> {
        authenticate(app, username, password)
    }

    fn user_id(user: &RequesterUser) -> i64 {
        user.id
    }

    fn overview(app: &App, user: &RequesterUser) -> Result<Overview, Error> {
        overview(app, user)
    }
}

/// The signed-in user, and so their app.
pub fn user(app: &App, user_id: i64) -> Result<RequesterUser, Error> {
    db::user_by_id(&app.db, user_id)?.ok_or_else(|| Error::Unauthorized("the user no longer exists".into()))
}

/// What the portal shows of the user's app.
#[derive(Debug, Serialize)]
pub struct Overview {
    pub username: String,
    pub app_id: String,
    pub name: String,
    pub domains: Vec<String>,
    pub services: Vec<String>,
    /// The OAuth redirect URIs, matched exactly.
    pub redirect_uris: Vec<String>,
}

pub fn overview(app: &App, user: &RequesterUser) -> Result<Overview, Error> {
    let requester = registry::get(app, &user.app_id)?;
    Ok(Overview {
        username: user.username.clone(),
        app_id: requester.app_id,
        name: requester.name,
        domains: requester.origins,
        services: requester.services,
        redirect_uris: requester.redirect_uris,
    })
}

/// A share as the requester sees it: which document, when, how often
/// fetched, and its state; nothing about the resident.
#[derive(Debug, Serialize)]
pub struct ShareSeen {
    pub id: i64,
    pub doc_name: String,
    pub origin: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub fetches: i64,
    pub max_fetches: i64,
    pub last_fetched_at: Option<i64>,
    pub revoked: bool,
}

/// The shares made to the user's app, newest first.
pub fn shares(app: &App, user: &RequesterUser) -> Result<Vec<ShareSeen>, Error> {
    Ok(shares::for_app(&app.db, &user.app_id)?
        .into_iter()
        .map(|s| ShareSeen {
            id: s.id,
            doc_name: s.doc_name,
            origin: s.origin,
            created_at: s.created_at,
            expires_at: s.expires_at,
            fetches: s.fetches,
            max_fetches: s.max_fetches,
            last_fetched_at: s.last_fetched_at,
            revoked: s.revoked_at.is_some(),
        })
        .collect())
}
