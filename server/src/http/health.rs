//! `GET /healthz`: the server answers and its database does too.

use actix_web::{HttpResponse, web};

use crate::app::App;
use crate::http::blocking;
use crate::platform::error::Error;

pub async fn healthz(app: web::Data<App>) -> Result<HttpResponse, Error> {
    blocking(&app, |app| {
        let conn = app.db.conn()?;
        conn.query_row("SELECT 1", [], |_| Ok(()))
            .map_err(openlocker_db::DbError::from)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })))
}
