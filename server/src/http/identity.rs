//! Identity verification by e-KYC OTP over JSON: `POST /api/identity/otp`
//! and `POST /api/identity/verify`. In-person verification at a counter:
//! [`super::issuer_portal::verify_resident`].

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::App;
use crate::http::auth::ResidentSession;
use crate::http::blocking;
use crate::locker::activity::Client;
use crate::locker::kyc;
use crate::platform::error::Error;

/// `POST /api/identity/otp` `{}` → `{"txn", "masked_mobile"}`.
pub async fn otp(app: web::Data<App>, session: ResidentSession, client: Client) -> Result<HttpResponse, Error> {
    let sent = blocking(&app, move |app| kyc::request_otp(app, session.resident_id, &client)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(sent))
}

#[derive(Deserialize)]
pub struct OtpAnswer {
    txn: String,
    otp: String,
}

/// `POST /api/identity/verify` `{"txn", "otp"}` → `{"identity"}`.
pub async fn verify(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
    body: web::Json<OtpAnswer>,
) -> Result<HttpResponse, Error> {
    let OtpAnswer { txn, otp } = body.into_inner();
    let identity = blocking(&app, move |app| {
        kyc::verify_otp(app, session.resident_id, &txn, &otp, &client)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "identity": identity })))
}
