//! Session extractors. A handler that takes [`ResidentSession`],
//! [`IssuerSession`] or [`RequesterSession`] only runs for a signed-in caller, and for any method
//! but GET and HEAD only when the CSRF header matches the session's token.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::Method;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use openlocker_db::sessions::SessionKind;
use serde::Deserialize;

use crate::app::App;
use crate::http::blocking;
use crate::locker::activity::Client;
use crate::locker::portal_sign_in::{self, Portal};
use crate::locker::sessions::{self, Authenticated, CSRF_HEADER};
use crate::platform::error::Error;

/// A signed-in resident.
pub struct ResidentSession {
    pub resident_id: i64,
    pub token: String,
    /// The session's CSRF token, for a page that was reloaded.
    pub csrf_token: String,
}

/// A signed-in issuer portal user.
pub struct IssuerSession {
    pub user_id: i64,
    pub token: String,
}

/// A signed-in requester portal user.
pub struct RequesterSession {
    pub user_id: i64,
    pub token: String,
}

async fn authenticate(
    req: HttpRequest,
    kind: SessionKind,
    cookie: &'static str,
) -> Result<(Authenticated, String), Error> {
    let app = req
        .app_data::<web::Data<App>>()
        .cloned()
        .ok_or_else(|| Error::Internal("application state is missing".into()))?;
    let token = req
        .cookie(cookie)
        .map(|c| c.value().to_owned())
        .ok_or_else(|| Error::Unauthorized("not signed in".into()))?;
    let lookup = token.clone();
    let session = crate::http::blocking(&app, move |app| sessions::check(app, kind, &lookup)).await?;
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let header = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        sessions::require_csrf(&session, header)?;
    }
    Ok((session, token))
}

impl FromRequest for ResidentSession {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (session, token) = authenticate(req, SessionKind::Resident, sessions::RESIDENT_COOKIE).await?;
            Ok(ResidentSession {
                resident_id: session.subject_id,
                token,
                csrf_token: session.csrf_token,
            })
        })
    }
}

impl FromRequest for IssuerSession {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (session, token) = authenticate(req, SessionKind::IssuerUser, sessions::ISSUER_COOKIE).await?;
            Ok(IssuerSession {
                user_id: session.subject_id,
                token,
            })
        })
    }
}

impl FromRequest for RequesterSession {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (session, token) = authenticate(req, SessionKind::RequesterUser, sessions::REQUESTER_COOKIE).await?;
            Ok(RequesterSession {
                user_id: session.subject_id,
                token,
            })
        })
    }
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure behind https.
pub fn session_cookie(app: &App, name: &'static str, value: String, max_age_seconds: i64) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(app.settings.is_https())
        .max_age(Duration::seconds(max_age_seconds))
        .finish()
}

/// The answer to a successful sign-in: the session cookie, and `body` with
/// the CSRF token added.
pub fn signed_in(
    app: &App,
    cookie: &'static str,
    session: sessions::NewSession,
    mut body: serde_json::Value,
) -> HttpResponse {
    body["csrf_token"] = serde_json::Value::String(session.csrf_token);
    HttpResponse::Ok()
        .cookie(session_cookie(app, cookie, session.token, session.max_age_seconds))
        .json(body)
}

/// The answer to a sign-out: the cookie is cleared.
pub fn signed_out(app: &App, cookie: &'static str) -> HttpResponse {
    HttpResponse::NoContent().cookie(cleared_cookie(app, cookie)).finish()
}

/// A cookie that tells the browser to forget the session.
pub fn cleared_cookie(app: &App, name: &'static str) -> Cookie<'static> {
    let mut cookie = session_cookie(app, name, String::new(), 0);
    cookie.make_removal();
    cookie
}

/// What a portal user signs in with.
#[derive(Deserialize)]
pub struct PortalLogin {
    username: String,
    password: String,
}

/// `POST /issuer/api/login` and `POST /requester/portal/api/login`: a
/// portal user signs in, throttled after repeated failures (429).
pub async fn portal_login<P: Portal + 'static>(
    app: web::Data<App>,
    client: Client,
    body: web::Json<PortalLogin>,
) -> Result<HttpResponse, Error> {
    let PortalLogin { username, password } = body.into_inner();
    let (overview, session) = blocking(&app, move |app| {
        portal_sign_in::sign_in::<P>(app, &username, &password, &client.ip)
    })
    .await?;
    Ok(signed_in(
        &app,
        P::COOKIE,
        session,
        serde_json::json!({ "user": overview }),
    ))
}
