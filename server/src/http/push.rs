//! `POST /public/issuer/api/csvupload/1/xml`: the Push CSV Request API.

use actix_web::{HttpRequest, web};

use crate::app::App;
use crate::http::xml::Xml;
use crate::http::{blocking, body};
use crate::issuers::push::{self, PushResponse};
use crate::platform::error::Error;

pub async fn push_csv(
    app: web::Data<App>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<Xml<PushResponse>, Error> {
    let limit = app.settings.max_push_bytes;
    // orgId, ts and keyhash are checked before the body is spooled.
    let head = body::read_head(&req, &mut payload, limit, push::head_complete)
        .await
        .map_err(Error::in_xml)?;
    let checked = head.clone();
    let refused = blocking(&app, move |app| push::precheck(app, &checked))
        .await
        .map_err(Error::in_xml)?;
    if let Some(refused) = refused {
        return Ok(Xml(refused));
    }
    let spooled = body::spool_after(&req, &head, payload, &app.incoming_dir(), limit, app.keys.file_cipher())
        .await
        .map_err(Error::in_xml)?;
    let response = blocking(&app, move |app| push::handle(app, spooled.path()))
        .await
        .map_err(Error::in_xml)?;
    Ok(Xml(response))
}
