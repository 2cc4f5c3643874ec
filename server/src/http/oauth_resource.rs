//! The Authorized Partner API's resource calls under `/public/oauth2/`,
//! made with `Authorization: Bearer ACCESS_TOKEN`: the user, the issued
//! list, a document's file and its certificate XML. Errors have the
//! specification's names (`invalid_token`, `insufficient_scope`,
//! `invalid_uri`, `repository_service_*`).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::app::App;
use crate::http::oauth::bearer;
use crate::http::{blocking, body, files};
use crate::locker::activity::Client;
use crate::locker::uploads::sniff;
use crate::partners::oauth::resource::{self, FileAnswer};
use crate::platform::error::Error;

/// `GET /public/oauth2/1/user`.
pub async fn user(app: web::Data<App>, req: HttpRequest, client: Client) -> Result<HttpResponse, Error> {
    let token = bearer(&req);
    let user = blocking(&app, move |app| resource::user(app, token.as_deref(), &client))
        .await
        .map_err(Error::in_oauth)?;
    Ok(HttpResponse::Ok().json(user))
}

/// `GET /public/oauth2/{1,2,3}/files/issued`.
pub async fn issued(app: web::Data<App>, req: HttpRequest, client: Client) -> Result<HttpResponse, Error> {
    let token = bearer(&req);
    let list = blocking(&app, move |app| resource::issued(app, token.as_deref(), &client))
        .await
        .map_err(Error::in_oauth)?;
    Ok(HttpResponse::Ok().json(list))
}

/// `GET /public/oauth2/1/file/{uri_or_id}`: the document's bytes, as every
/// document answer (inert: `nosniff`, a sandboxing CSP).
pub async fn file(
    app: web::Data<App>,
    req: HttpRequest,
    client: Client,
    uri: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let token = bearer(&req);
    let answer = blocking(&app, move |app| resource::file(app, token.as_deref(), &uri, &client))
        .await
        .map_err(Error::in_oauth)?;
    Ok(match answer {
        FileAnswer::Issued { uri, file } => {
            let sniffed = sniff::content_type(&file.bytes);
            let name = format!("{uri}.{}", sniffed.map(sniff::extension).unwrap_or("xml"));
            files::document(&name, file.content_type, sniffed).body(file.bytes)
        }
        FileAnswer::Uploaded { file, bytes } => {
            files::document(&file.name, &file.content_type, Some(&file.content_type))
                .no_chunking(bytes.len())
                .streaming(body::stream_reader(bytes))
        }
    })
}

/// `GET /public/oauth2/1/xml/{uri}`: the certificate XML.
pub async fn xml(
    app: web::Data<App>,
    req: HttpRequest,
    client: Client,
    uri: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let token = bearer(&req);
    let (uri, xml) = blocking(&app, move |app| resource::xml(app, token.as_deref(), &uri, &client))
        .await
        .map_err(Error::in_oauth)?;
    Ok(files::document(&format!("{uri}.xml"), "application/xml", None).body(xml))
}
