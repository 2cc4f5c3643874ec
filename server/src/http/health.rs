//! `GET /healthz`: the server answers and its database does too.

use actix_web::{HttpResponse, web};

use crate::app::App;
use crate::http::blocking;
use crate::platform::error::Error;

pub async fn healthz(app: web::Data<App>) -> Result<HttpResponse, Error> {
    blocking(&app, |app| Ok(app.db.ping()?)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })))
}
