//! The resident's connected apps (Authorized Partner API grants):
//! `GET /api/connections` and `POST /api/connections/{id}/revoke`.

use actix_web::{HttpResponse, web};

use crate::app::App;
use crate::http::auth::ResidentSession;
use crate::http::blocking;
use crate::locker::activity::Client;
use crate::partners::oauth::connections;
use crate::platform::error::Error;

/// `GET /api/connections`: `[{"id", "app_id", "app_name", "scope",
/// "granted_at", "last_used_at", "valid_till"}]`, newest first.
pub async fn list(app: web::Data<App>, session: ResidentSession) -> Result<HttpResponse, Error> {
    let list = blocking(&app, move |app| connections::list(app, session.resident_id)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// `POST /api/connections/{id}/revoke` (CSRF): 204; the app's tokens fail
/// from now on.
pub async fn revoke(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    blocking(&app, move |app| {
        connections::revoke(app, session.resident_id, id, &client)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
