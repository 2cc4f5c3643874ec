//! The resident JSON API: sign-in, sign-out, profile and Issued Documents.

use actix_web::{HttpResponse, web};
use openlocker_db::sessions::SessionKind;
use serde::Deserialize;

use crate::app::App;
use crate::error::Error;
use crate::http::auth::{ResidentSession, signed_in, signed_out};
use crate::http::blocking;
use crate::residents;
use crate::sessions::{self, RESIDENT_COOKIE};

#[derive(Deserialize)]
pub struct Login {
    /// Aadhaar number or mobile number.
    username: String,
    password: String,
}

/// `POST /api/login`.
pub async fn login(app: web::Data<App>, body: web::Json<Login>) -> Result<HttpResponse, Error> {
    let Login { username, password } = body.into_inner();
    let (resident_id, session) = blocking(&app, move |app| {
        let resident = residents::authenticate(app, &username, &password)?;
        Ok((resident.id, sessions::start(app, SessionKind::Resident, resident.id)?))
    })
    .await?;
    Ok(signed_in(
        &app,
        RESIDENT_COOKIE,
        session,
        serde_json::json!({ "resident_id": resident_id }),
    ))
}

/// `POST /api/logout`.
pub async fn logout(app: web::Data<App>, session: ResidentSession) -> Result<HttpResponse, Error> {
    blocking(&app, move |app| sessions::end(app, &session.token)).await?;
    Ok(signed_out(&app, RESIDENT_COOKIE))
}

/// `GET /api/me`: who is signed in, with the Aadhaar number masked.
pub async fn me(app: web::Data<App>, session: ResidentSession) -> Result<HttpResponse, Error> {
    let profile = blocking(&app, move |app| residents::profile(app, session.resident_id)).await?;
    Ok(HttpResponse::Ok().json(profile))
}

/// `GET /api/issued`: the signed-in resident's issued documents.
pub async fn issued(app: web::Data<App>, session: ResidentSession) -> Result<HttpResponse, Error> {
    let docs = blocking(&app, move |app| residents::issued(app, session.resident_id)).await?;
    Ok(HttpResponse::Ok().json(docs))
}
