//! The dedicated repository's XML APIs (`/repository/api/...`).

use actix_web::{HttpRequest, HttpResponse, Responder, web};

use crate::app::App;
use crate::http::xml::{self, Xml};
use crate::http::{blocking, body};
use crate::platform::error::Error;
use crate::repository::pull_doc::{self, Answer, Reach};
use crate::repository::pull_uri::{self, PullUriResponse};

/// Largest Pull request body: these requests carry a URI or a few fields.
const MAX_PULL_REQUEST: u64 = 64 * 1024;

/// The HMAC header of DigiLocker's newer requests.
const HMAC_HEADER: &str = "x-digilocker-hmac";

/// `POST /repository/api/pulldoc/1/xml`. A document pulled again within
/// seconds is answered from memory on this worker; anything else goes to a
/// blocking thread for SQLite and the file store.
pub async fn pull_doc(app: web::Data<App>, req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, Error> {
    let body = body::read_small(&req, payload, MAX_PULL_REQUEST)
        .await
        .map_err(Error::in_xml)?;
    let hmac = hmac_header(&req);
    let from_memory = pull_doc::handle(&app, &body, hmac.as_deref(), Reach::Memory).map_err(Error::in_xml)?;
    let answer = match from_memory {
        Some(answer) => answer,
        None => blocking(&app, move |app| {
            pull_doc::handle(app, &body, hmac.as_deref(), Reach::Storage)?
                .ok_or_else(|| Error::Internal("a Pull Doc answer with storage in reach needed storage".into()))
        })
        .await
        .map_err(Error::in_xml)?,
    };
    Ok(match answer {
        Answer::Refused(response) => Xml(response).respond_to(&req),
        Answer::Document { head, content, tail } => xml::parts(vec![head.into(), content, tail.into()]),
    })
}

/// `POST /repository/api/pulluri/1/xml`.
pub async fn pull_uri(
    app: web::Data<App>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<Xml<PullUriResponse>, Error> {
    answer(app, req, payload, pull_uri::handle).await
}

/// Reads a small XML request and its HMAC header, and answers it with
/// `handle` on a blocking thread; failures get an XML error body.
async fn answer<T, F>(app: web::Data<App>, req: HttpRequest, payload: web::Payload, handle: F) -> Result<Xml<T>, Error>
where
    F: FnOnce(&App, &[u8], Option<&str>) -> Result<T, Error> + Send + 'static,
    T: Send + 'static,
{
    let body = body::read_small(&req, payload, MAX_PULL_REQUEST)
        .await
        .map_err(Error::in_xml)?;
    let hmac = hmac_header(&req);
    let response = blocking(&app, move |app| handle(app, &body, hmac.as_deref()))
        .await
        .map_err(Error::in_xml)?;
    Ok(Xml(response))
}

fn hmac_header(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(HMAC_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
