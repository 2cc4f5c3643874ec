//! The widget checks, a resident's shares and saves, and the public share URLs.

use actix_web::{HttpResponse, web};
use openlocker_proto::widget::{CheckedRequester, ShareRequest};

use crate::app::App;
use crate::http::auth::ResidentSession;
use crate::http::{blocking, body, files};
use crate::locker::activity::Client;
use crate::partners::shares::{self, SharedContent};
use crate::partners::widget_check::{self, WidgetRequest};
use crate::platform::error::Error;

/// `POST /widget/api/check`: the popup asks whether a partner page's widget
/// request is good before anyone signs in. 200, or 403 with the code.
pub async fn check(app: web::Data<App>, request: web::Json<WidgetRequest>) -> Result<HttpResponse, Error> {
    let request = request.into_inner();
    let checked = blocking(&app, move |app| widget_check::check(app, &request)).await?;
    Ok(HttpResponse::Ok().json(CheckedRequester {
        app_id: checked.requester.app_id,
        app_name: checked.requester.name,
        origin: checked.origin,
        services: checked.requester.services,
    }))
}

/// `POST /api/shares`: the resident confirmed; mint the document URL.
pub async fn create(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
    body: web::Json<ShareRequest>,
) -> Result<HttpResponse, Error> {
    let ShareRequest { widget, doc } = body.into_inner();
    let minted = blocking(&app, move |app| {
        shares::create(app, session.resident_id, &widget, &doc, &client)
    })
    .await?;
    Ok(HttpResponse::Created().json(minted))
}

/// `GET /api/shares`: the resident's shares, newest first.
pub async fn list(app: web::Data<App>, session: ResidentSession) -> Result<HttpResponse, Error> {
    let views = blocking(&app, move |app| shares::list(app, session.resident_id)).await?;
    Ok(HttpResponse::Ok().json(views))
}

/// `POST /api/shares/{id}/revoke`.
pub async fn revoke(app: web::Data<App>, session: ResidentSession, id: web::Path<i64>) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    blocking(&app, move |app| shares::revoke(app, session.resident_id, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What the locker found of a shared document's signature.
const SIGNATURE_HEADER: &str = "X-OpenLocker-Signature";

/// `GET /share/{token}`: the shared document, for the requester's server.
pub async fn fetch(app: web::Data<App>, token: web::Path<String>) -> Result<HttpResponse, Error> {
    let token = token.into_inner();
    let (share, content) = blocking(&app, move |app| shares::fetch(app, &token)).await?;
    Ok(match content {
        SharedContent::Issued {
            bytes,
            content_type,
            signature,
        } => {
            let sniffed = crate::locker::uploads::sniff::content_type(&bytes);
            files::document(&share.doc_name, content_type, sniffed)
                .insert_header((SIGNATURE_HEADER, signature.as_str()))
                .body(bytes)
        }
        SharedContent::Uploaded { reader, content_type } => {
            files::document(&share.doc_name, &content_type, Some(&content_type))
                .insert_header((SIGNATURE_HEADER, "unsigned"))
                .no_chunking(reader.len())
                .streaming(body::stream_reader(*reader))
        }
    })
}

/// `POST /api/saves`: "Save to DigiLocker" confirmed; the locker fetches the
/// partner's document into Uploaded Documents. 201 the saved file.
pub async fn save(
    app: web::Data<App>,
    session: ResidentSession,
    client: Client,
    body: web::Json<crate::partners::saves::SaveRequest>,
) -> Result<HttpResponse, Error> {
    let request = body.into_inner();
    let file = blocking(&app, move |app| {
        crate::partners::saves::save(app, session.resident_id, &request, &client)
    })
    .await?;
    Ok(HttpResponse::Created().json(crate::locker::views::uploaded_file(file)))
}
