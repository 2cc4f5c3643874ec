//! The Authorized Partner API's resource calls under `/public/oauth2/`,
//! made with `Authorization: Bearer ACCESS_TOKEN`: the user, the issued
//! list, a document's file and its certificate XML, the uploaded documents
//! by folder and the signed upload. Errors have the specification's names
//! (`invalid_token`, `insufficient_scope`, `invalid_uri`, `invalid_id`,
//! `hmac_mismatch`, `invalid_filesize`, `mimetype_mismatch`, `path_missing`,
//! `repository_service_*`).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::app::App;
use crate::http::oauth::bearer;
use crate::http::{blocking, body, files};
use crate::locker::activity::Client;
use crate::locker::uploads::sniff;
use crate::partners::oauth::resource::{self, FileAnswer};
use crate::partners::oauth::uploaded::{self, PartnerUpload, Target};
use crate::platform::error::{Error, OAuthCode};

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

/// `GET /public/oauth2/1/files/`: the top folder of Uploaded Documents.
pub async fn uploaded_top(app: web::Data<App>, req: HttpRequest, client: Client) -> Result<HttpResponse, Error> {
    uploaded_list(app, req, client, None).await
}

/// `GET /public/oauth2/1/files/{id}`: one folder.
pub async fn uploaded_folder(
    app: web::Data<App>,
    req: HttpRequest,
    client: Client,
    id: web::Path<String>,
) -> Result<HttpResponse, Error> {
    uploaded_list(app, req, client, Some(id.into_inner())).await
}

async fn uploaded_list(
    app: web::Data<App>,
    req: HttpRequest,
    client: Client,
    folder: Option<String>,
) -> Result<HttpResponse, Error> {
    let token = bearer(&req);
    let list = blocking(&app, move |app| {
        uploaded::list(app, token.as_deref(), folder.as_deref(), &client)
    })
    .await
    .map_err(Error::in_oauth)?;
    Ok(HttpResponse::Ok().json(list))
}

fn header(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// `POST /public/oauth2/1/file/upload`: the file is the raw body, with
/// headers `path` and `hmac`. The token and the path are checked before the
/// body is read; the body is spooled sealed, at most 10 MB.
pub async fn upload(
    app: web::Data<App>,
    req: HttpRequest,
    client: Client,
    payload: web::Payload,
) -> Result<HttpResponse, Error> {
    let token = bearer(&req);
    let grant = blocking(&app, move |app| uploaded::authenticate_upload(app, token.as_deref()))
        .await
        .map_err(Error::in_oauth)?;
    let target = Target::parse(header(&req, "path").as_deref()).map_err(Error::in_oauth)?;
    let limit = uploaded::MAX_UPLOAD_BYTES.min(app.settings.resident_file_max_bytes);
    let spooled = body::spool(&req, payload, &app.incoming_dir(), limit, app.keys.file_cipher())
        .await
        .map_err(|e| match e {
            Error::TooLarge(_) => Error::oauth(
                OAuthCode::InvalidFilesize,
                format!("the file is larger than the limit of {limit} bytes"),
            ),
            other => other,
        })
        .map_err(Error::in_oauth)?;
    let hmac = header(&req, "hmac");
    let declared = header(&req, "content-type");
    let answer = blocking(&app, move |app| {
        let upload = PartnerUpload {
            target,
            hmac: hmac.as_deref(),
            declared_type: declared.as_deref(),
            spooled: spooled.path(),
            size: spooled.bytes,
        };
        uploaded::save(app, &grant, &upload, &client)
    })
    .await
    .map_err(Error::in_oauth)?;
    Ok(HttpResponse::Ok().json(answer))
}
