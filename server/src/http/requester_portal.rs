//! The requester portal's JSON API under `/requester/portal/api`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::App;
use crate::http::auth::{RequesterSession, signed_out};
use crate::http::blocking;
use crate::locker::sessions::{self, REQUESTER_COOKIE};
use crate::partners::{portal, registry};
use crate::platform::error::Error;

/// `POST /requester/portal/api/logout`.
pub async fn logout(app: web::Data<App>, session: RequesterSession) -> Result<HttpResponse, Error> {
    blocking(&app, move |app| sessions::end(app, &session.token)).await?;
    Ok(signed_out(&app, REQUESTER_COOKIE))
}

/// `GET /requester/portal/api/me`: the app id, name, domains, services and
/// redirect URIs.
pub async fn me(app: web::Data<App>, session: RequesterSession) -> Result<HttpResponse, Error> {
    let overview = blocking(&app, move |app| {
        portal::overview(app, &portal::user(app, session.user_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(overview))
}

#[derive(Deserialize)]
pub struct Settings {
    domains: Vec<String>,
    services: Vec<String>,
    /// Absent keeps the registered redirect URIs.
    #[serde(default)]
    redirect_uris: Option<Vec<String>>,
}

/// `PUT /requester/portal/api/settings`: the app's domains, services and
/// (when given) OAuth redirect URIs.
pub async fn update(
    app: web::Data<App>,
    session: RequesterSession,
    body: web::Json<Settings>,
) -> Result<HttpResponse, Error> {
    let Settings {
        domains,
        services,
        redirect_uris,
    } = body.into_inner();
    let overview = blocking(&app, move |app| {
        let user = portal::user(app, session.user_id)?;
        if services.is_empty() {
            return Err(Error::Invalid("choose at least one service".into()));
        }
        let registration = registry::Registration {
            origins: domains,
            services,
            redirect_uris,
        };
        registry::update(app, &user.app_id, &registration)?;
        portal::overview(app, &user)
    })
    .await?;
    Ok(HttpResponse::Ok().json(overview))
}

/// `POST /requester/portal/api/key/rotate`: a new app key (the OAuth
/// client secret), shown once; the old one works for `key_grace_hours` more.
pub async fn rotate_key(app: web::Data<App>, session: RequesterSession) -> Result<HttpResponse, Error> {
    let (creds, old_valid_until) = blocking(&app, move |app| {
        let user = portal::user(app, session.user_id)?;
        registry::rotate_key(app, &user.app_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "app_id": creds.app_id,
        "app_key": creds.app_key,
        "old_key_valid_until": old_valid_until,
    })))
}

/// `GET /requester/portal/api/shares`: the shares made to the app.
pub async fn shares(app: web::Data<App>, session: RequesterSession) -> Result<HttpResponse, Error> {
    let seen = blocking(&app, move |app| {
        portal::shares(app, &portal::user(app, session.user_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(seen))
}
