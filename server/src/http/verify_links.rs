//! Verification links (the QR code beside an issued document): made, listed
//! and revoked by their resident; `GET /verify/{token}` serves the web app,
//! whose page reads the public summary. The summary needs no sign-in, so it
//! passes the same gate as `POST /api/verify`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::app::App;
use crate::http::auth::ResidentSession;
use crate::http::{blocking, web_app};
use crate::locker::activity::Client;
use crate::locker::verify_links;
use crate::platform::error::Error;

/// `POST /api/issued/{uri}/verify-link`: 201 the new link and its QR code.
pub async fn create(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
    uri: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let uri = uri.into_inner();
    let created = blocking(&app, move |app| {
        verify_links::create(app, session.resident_id, &uri, &client)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(created))
}

/// `GET /api/verify-links`: the resident's live links, newest first.
pub async fn list(app: web::Data<App>, session: ResidentSession) -> Result<HttpResponse, Error> {
    let links = blocking(&app, move |app| verify_links::list(app, session.resident_id)).await?;
    Ok(HttpResponse::Ok().json(links))
}

/// `POST /api/verify-links/{id}/revoke`: 204.
pub async fn revoke(app: web::Data<App>, session: ResidentSession, id: web::Path<i64>) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    blocking(&app, move |app| verify_links::revoke(app, session.resident_id, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/verify-links/{token}/summary` (no sign-in): the verified
/// summary of the linked document, checked now.
pub async fn summary(app: web::Data<App>, client: Client, token: web::Path<String>) -> Result<HttpResponse, Error> {
    app.verify_gate.count(
        &crate::locker::throttle::address_key(&client.ip),
        crate::platform::dates::unix_now(),
    )?;
    let _worker = app.verify_gate.worker().await?;
    let token = token.into_inner();
    let summary = blocking(&app, move |app| verify_links::summary(app, &token)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(summary))
}

/// `GET /verify/{token}`: the web app, whose page shows the summary; 404
/// (the page then says why) when the link does not work.
pub async fn page(app: web::Data<App>, token: web::Path<String>) -> Result<HttpResponse, Error> {
    let token = token.into_inner();
    let live = blocking(&app, move |app| verify_links::is_live(app, &token)).await?;
    let status = if live { StatusCode::OK } else { StatusCode::NOT_FOUND };
    Ok(web_app::shell_with_status(&app, status))
}
