//! `GET /healthz`: the server answers and so do its database and its object
//! store. Either not answering (down, unreachable, pool exhausted, bucket
//! gone) is a 503, with the cause in the log.

use actix_web::{HttpResponse, web};

use crate::app::App;
use crate::http::blocking;
use crate::platform::error::Error;

pub async fn healthz(app: web::Data<App>) -> Result<HttpResponse, Error> {
    blocking(&app, |app| {
        app.db.ping().map_err(|err| {
            tracing::warn!(%err, "health check: the database does not answer");
            Error::Unavailable("the database does not answer".into())
        })?;
        app.objects.check().map_err(|err| {
            tracing::warn!(%err, "health check: the object store does not answer");
            Error::Unavailable("the object store does not answer".into())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })))
}
