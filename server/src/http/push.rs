//! `POST /public/issuer/api/csvupload/1/xml`: the Push CSV Request API.

use actix_web::{HttpRequest, web};

use crate::app::App;
use crate::http::body;
use crate::http::xml::Xml;
use crate::issuers::push::{self, PushResponse};
use crate::platform::error::Error;

pub async fn push_csv(
    app: web::Data<App>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<Xml<PushResponse>, Error> {
    let spooled = body::spool(
        &req,
        payload,
        &app.incoming_dir(),
        app.settings.max_push_bytes,
        app.keys.file_cipher(),
    )
    .await
    .map_err(Error::in_xml)?;
    let response = crate::http::blocking(&app, move |app| push::handle(app, spooled.path()))
        .await
        .map_err(Error::in_xml)?;
    Ok(Xml(response))
}
