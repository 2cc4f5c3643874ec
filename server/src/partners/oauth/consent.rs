//! The resident's side of an authorize request: what the consent screen
//! shows (the app, the origin of the redirect URI in use, what it asks and
//! until when), and the decision, which ends the pending request either way.
//! Allow makes the grant and its single-use code; deny sends the client
//! `access_denied`. Both go back with the request's `state`.

use openlocker_db::oauth::{self as db, NewCode};
use serde::Serialize;

use super::authorize::{error_redirect, with_query};
use super::{CODE_SECONDS, new_secret, secret_hash};
use crate::app::App;
use crate::locker::activity::{self, Client, Kind};
use crate::partners::registry;
use crate::platform::dates;
use crate::platform::error::Error;

/// What the consent screen shows.
#[derive(Debug, Serialize)]
pub struct ConsentView {
    pub app_id: String,
    pub app_name: String,
    /// The origin of the redirect URI this request goes back to.
    pub origin: String,
    /// The scope names asked.
    pub scopes: Vec<String>,
    pub purpose: Option<String>,
    /// Unix seconds: when the access ends.
    pub consent_valid_till: i64,
}

fn gone() -> Error {
    Error::NotFound("this sign-in request expired or was already answered: start again from the app".into())
}

/// The pending request `request_id` as the consent screen shows it.
pub fn view(app: &App, request_id: &str) -> Result<ConsentView, Error> {
    let request = db::request(&app.db, &secret_hash(request_id), dates::unix_now())?.ok_or_else(gone)?;
    let client = registry::get(app, &request.app_id)?;
    Ok(ConsentView {
        app_id: client.app_id,
        app_name: client.name,
        origin: registry::origin_of(&request.redirect_uri)?,
        scopes: request.scope.split_ascii_whitespace().map(str::to_owned).collect(),
        purpose: request.purpose,
        consent_valid_till: request.consent_valid_till,
    })
}

/// The resident's decision on `request_id`: the URL to send the browser
/// to (the client's redirect URI with `code` or `error`, and `state`).
pub fn decide(app: &App, resident_id: i64, request_id: &str, allow: bool, client: &Client) -> Result<String, Error> {
    let id_hash = secret_hash(request_id);
    let now = dates::unix_now();
    if !allow {
        let request = db::take_request(&app.db, &id_hash, now)?.ok_or_else(gone)?;
        let app_name = registry::get(app, &request.app_id)?.name;
        activity::record(app, resident_id, Kind::AppDenied, &app_name, client)?;
        let description = "the resident denied the request";
        return Ok(error_redirect(
            &request.redirect_uri,
            "access_denied",
            description,
            Some(&request.state),
        ));
    }
    let code = new_secret();
    let new_code = NewCode {
        code_hash: &secret_hash(&code),
        expires_at: now + CODE_SECONDS,
    };
    let request = db::allow_request(&app.db, &id_hash, resident_id, &new_code, now)?.ok_or_else(gone)?;
    let app_name = registry::get(app, &request.app_id)?.name;
    activity::record(
        app,
        resident_id,
        Kind::AppConnected,
        &format!("{app_name}: {}", request.scope),
        client,
    )?;
    Ok(with_query(
        &request.redirect_uri,
        &[("code", &code), ("state", &request.state)],
    ))
}
