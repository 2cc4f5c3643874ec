//! The resident JSON API: sign-in, sign-out, profile and Issued Documents.
//! Sign-up and the activity log: [`super::accounts`]; Uploaded Documents:
//! [`super::uploads`].

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::App;
use crate::http::auth::{ResidentSession, signed_in, signed_out};
use crate::http::{blocking, files};
use crate::locker::accounts;
use crate::locker::activity::Client;
use crate::locker::residents;
use crate::locker::sessions::{self, RESIDENT_COOKIE};
use crate::platform::error::Error;

#[derive(Deserialize)]
pub struct Login {
    /// Aadhaar number or mobile number.
    username: String,
    password: String,
}

/// `POST /api/login`, throttled after repeated failures (429).
pub async fn login(app: web::Data<App>, client: Client, body: web::Json<Login>) -> Result<HttpResponse, Error> {
    let Login { username, password } = body.into_inner();
    let (resident_id, session) =
        blocking(&app, move |app| accounts::sign_in(app, &username, &password, &client)).await?;
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

/// `GET /api/me`: who is signed in, with the Aadhaar number masked, and the
/// session's CSRF token (a reloaded page has lost the one sign-in gave).
pub async fn me(app: web::Data<App>, session: ResidentSession) -> Result<HttpResponse, Error> {
    let profile = blocking(&app, move |app| residents::profile(app, session.resident_id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(MeAnswer {
            profile,
            csrf_token: session.csrf_token,
        }))
}

/// The answer of `GET /api/me`.
#[derive(serde::Serialize)]
struct MeAnswer {
    #[serde(flatten)]
    profile: residents::Profile,
    csrf_token: String,
}

/// `GET /api/issued`: the signed-in resident's issued documents.
pub async fn issued(app: web::Data<App>, session: ResidentSession) -> Result<HttpResponse, Error> {
    let docs = blocking(&app, move |app| residents::issued(app, session.resident_id)).await?;
    Ok(HttpResponse::Ok().json(docs))
}

/// `GET /api/issued/{uri}/xml`: the document's certificate XML (404 when its
/// issuer gave none).
pub async fn issued_xml(
    app: web::Data<App>,
    session: ResidentSession,
    uri: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let uri = uri.into_inner();
    let (uri, xml) = blocking(&app, move |app| residents::issued_xml(app, session.resident_id, &uri)).await?;
    // An issuer's XML is never rendered on the locker's origin.
    Ok(super::files::document(&format!("{uri}.xml"), "application/xml", None).body(xml))
}

/// `GET /api/issued/{uri}/file`: the document, from its kept copy or its
/// issuer.
pub async fn issued_file(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
    uri: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let uri = uri.into_inner();
    let (uri, file) = blocking(&app, move |app| {
        residents::issued_file(app, session.resident_id, &uri, &client)
    })
    .await?;
    let sniffed = crate::locker::uploads::sniff::content_type(&file.bytes);
    let name = format!(
        "{uri}.{}",
        if sniffed == Some("application/pdf") {
            "pdf"
        } else {
            "xml"
        }
    );
    Ok(files::document(&name, file.content_type, sniffed).body(file.bytes))
}
