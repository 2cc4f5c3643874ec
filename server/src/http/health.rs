//! `GET /healthz`: the server answers and its database does too. A
//! database that does not answer (down, unreachable, pool exhausted) is a
//! 503, with the cause in the log.

use actix_web::{HttpResponse, web};

use crate::app::App;
use crate::http::blocking;
use crate::platform::error::Error;

pub async fn healthz(app: web::Data<App>) -> Result<HttpResponse, Error> {
    blocking(&app, |app| {
        app.db.ping().map_err(|err| {
            tracing::warn!(%err, "health check: the database does not answer");
            Error::Unavailable("the database does not answer".into())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })))
}
