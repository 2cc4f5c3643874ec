//! The dedicated repository's XML APIs (`/repository/api/...`).

use actix_web::{HttpRequest, web};

use crate::app::App;
use crate::error::Error;
use crate::http::xml::Xml;
use crate::http::{blocking, body};
use crate::repo::pull_doc::{self, PullDocResponse};
use crate::repo::pull_uri::{self, PullUriResponse};

/// Largest Pull request body: these requests carry a URI or a few fields.
const MAX_PULL_REQUEST: u64 = 64 * 1024;

/// The HMAC header of DigiLocker's newer requests.
const HMAC_HEADER: &str = "x-digilocker-hmac";

/// `POST /repository/api/pulldoc/1/xml`.
pub async fn pull_doc(
    app: web::Data<App>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<Xml<PullDocResponse>, Error> {
    answer(app, req, payload, pull_doc::handle).await
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
    let hmac = req
        .headers()
        .get(HMAC_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = blocking(&app, move |app| handle(app, &body, hmac.as_deref()))
        .await
        .map_err(Error::in_xml)?;
    Ok(Xml(response))
}
