//! The Authorized Partner API's authorization server under
//! `/public/oauth2/`: authorize, token (`/1/` and `/2/`), revoke, and the
//! OpenID Connect discovery document and key set; and the consent screen's
//! calls under `/api/oauth/requests/`. Errors have the specification's
//! `{"error", "error_description"}` shape.

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use crate::app::App;
use crate::http::auth::ResidentSession;
use crate::http::blocking;
use crate::locker::activity::{self, Client, Kind};
use crate::partners::oauth::authorize::{self, AuthorizeQuery, Step};
use crate::partners::oauth::tokens::{self, ClientCredentials, TokenForm};
use crate::partners::oauth::{consent, id_token};
use crate::platform::error::Error;
use crate::platform::text::html_escape;

/// `GET /public/oauth2/1/authorize`: on to the consent screen, back to the
/// client with an error, or an error page for an unknown client or
/// redirect URI (never a redirect there).
pub async fn authorize(app: web::Data<App>, query: web::Query<AuthorizeQuery>) -> Result<HttpResponse, Error> {
    let step = blocking(&app, move |app| authorize::authorize(app, &query)).await?;
    Ok(match step {
        Step::Consent(location) | Step::Refused(location) => HttpResponse::Found()
            .insert_header((header::LOCATION, location))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
        Step::ErrorPage(text) => error_page(&text),
    })
}

fn error_page(text: &str) -> HttpResponse {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in refused · OpenLocker</title>\
         <link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main>\
         <h1 data-testid=\"oauth-error\">This sign-in cannot go on</h1><p>{}</p>\
         <p>Go back to the site you came from and tell its owners.</p></main></body></html>",
        html_escape(text)
    );
    HttpResponse::BadRequest()
        .content_type(ContentType::html())
        .insert_header(("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(html)
}

/// The client's HTTP Basic credentials (RFC 6749 §2.3.1: each part
/// form-urlencoded, then base64).
fn basic_credentials(req: &HttpRequest) -> Option<ClientCredentials> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let part = |p: &str| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={p}"))
            .ok()
            .and_then(|mut v| v.pop())
            .map(|(_, value)| value)
    };
    Some(ClientCredentials {
        id: part(id)?,
        secret: part(secret)?,
    })
}

/// `Authorization: Bearer TOKEN`'s token.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

async fn token_call(app: web::Data<App>, req: HttpRequest, form: TokenForm, v2: bool) -> Result<HttpResponse, Error> {
    let basic = basic_credentials(&req);
    let answer = blocking(&app, move |app| tokens::token(app, basic, &form, v2))
        .await
        .map_err(Error::in_oauth)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(answer))
}

/// `POST /public/oauth2/1/token`.
pub async fn token_v1(
    app: web::Data<App>,
    req: HttpRequest,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, Error> {
    token_call(app, req, form.into_inner(), false).await
}

/// `POST /public/oauth2/2/token`: the same, with an OpenID Connect `id_token`.
pub async fn token_v2(
    app: web::Data<App>,
    req: HttpRequest,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, Error> {
    token_call(app, req, form.into_inner(), true).await
}

/// `POST /public/oauth2/1/revoke`: 200 whether or not the token was known
/// (RFC 7009 §2.2).
pub async fn revoke(
    app: web::Data<App>,
    req: HttpRequest,
    client: Client,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, Error> {
    let basic = basic_credentials(&req);
    blocking(&app, move |app| {
        if let Some(grant) = tokens::revoke(app, basic, &form)? {
            let detail = format!("{} gave up its access", grant.app_name);
            activity::record(app, grant.resident_id, Kind::AppDisconnected, &detail, &client)?;
        }
        Ok(())
    })
    .await
    .map_err(Error::in_oauth)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "revoked": true })))
}

/// `GET /.well-known/openid-configuration`.
pub async fn discovery(app: web::Data<App>) -> HttpResponse {
    HttpResponse::Ok().json(id_token::discovery(&app))
}

/// `GET /public/oauth2/jwks`: the keys that verify ID tokens.
pub async fn jwks(app: web::Data<App>) -> Result<HttpResponse, Error> {
    let keys = blocking(&app, id_token::jwks).await.map_err(Error::in_oauth)?;
    Ok(HttpResponse::Ok().json(keys))
}

/// `GET /api/oauth/requests/{id}`: what the consent screen shows.
pub async fn consent_view(
    app: web::Data<App>,
    _session: ResidentSession,
    id: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let view = blocking(&app, move |app| consent::view(app, &id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize)]
pub struct Decision {
    allow: bool,
}

/// `POST /api/oauth/requests/{id}` `{"allow"}` (CSRF): the resident's
/// decision; answers `{"redirect"}`, where the app sends the browser.
pub async fn consent_decide(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
    id: web::Path<String>,
    body: web::Json<Decision>,
) -> Result<HttpResponse, Error> {
    let allow = body.allow;
    let redirect = blocking(&app, move |app| {
        consent::decide(app, session.resident_id, &id, allow, &client)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "redirect": redirect })))
}
