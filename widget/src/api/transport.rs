//! How the app talks to the server: JSON calls, files fetched whole as
//! blobs, and uploads through XMLHttpRequest (for upload progress). Every
//! call that changes state carries the session's CSRF token. Only the
//! endpoint functions in [`crate::api`] use it.

use gloo_net::http::{Method, Request, RequestBuilder, Response};
use openlocker_proto::error::ErrorBody;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::ApiError;

/// The CSRF header the server checks on every non-GET request.
const CSRF_HEADER: &str = "X-CSRF-Token";

impl ApiError {
    /// The server could not be reached, or answered what we cannot read.
    pub(super) fn network(e: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: 0,
            message: e.to_string(),
            field: None,
            retry_after: None,
            code: None,
        }
    }

    fn from_body(status: u16, body: ErrorBody, retry_after: Option<String>) -> ApiError {
        ApiError {
            status,
            message: body.message,
            field: body.field,
            retry_after,
            code: body.code,
        }
    }
}

/// The server's error body; an empty one when it sent none (a proxy's page).
fn error_body(text: &str) -> ErrorBody {
    serde_json::from_str(text).unwrap_or_default()
}

async fn error_of(resp: Response) -> ApiError {
    let retry_after = resp.headers().get("Retry-After");
    let text = resp.text().await.unwrap_or_default();
    ApiError::from_body(resp.status(), error_body(&text), retry_after)
}

async fn send(req: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let resp = req
        .map_err(ApiError::network)?
        .send()
        .await
        .map_err(ApiError::network)?;
    if resp.ok() { Ok(resp) } else { Err(error_of(resp).await) }
}

async fn json_of<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    let text = resp.text().await.map_err(ApiError::network)?;
    let text = if text.is_empty() { "null" } else { text.as_str() };
    serde_json::from_str(text).map_err(ApiError::network)
}

/// A GET of JSON.
pub async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    json_of(send(Request::get(url).build()).await?).await
}

/// A POST, PUT or DELETE with the CSRF token and an optional JSON body;
/// answers the JSON body (`null` when empty, so `()` reads a 204).
pub async fn call<B: Serialize, T: DeserializeOwned>(
    method: Method,
    url: &str,
    csrf: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let builder = RequestBuilder::new(url).method(method).header(CSRF_HEADER, csrf);
    let req = match body {
        Some(body) => builder.json(body),
        None => builder.build(),
    };
    json_of(send(req).await?).await
}

/// A POST without a session (sign-in, sign-up, the widget check), whose
/// answer body is read as `T` (`serde::de::IgnoredAny` to ignore it).
pub async fn post_public<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    json_of(send(Request::post(url).json(body)).await?).await
}

/// A POST of a multipart form without a session (public verification).
pub async fn post_form<T: DeserializeOwned>(url: &str, form: web_sys::FormData) -> Result<T, ApiError> {
    json_of(send(Request::post(url).body(form)).await?).await
}

/// A file fetched whole, as a blob with the server's content type.
pub async fn fetch_blob(url: &str) -> Result<web_sys::Blob, ApiError> {
    let resp = send(Request::get(url).build()).await?;
    let content_type = resp.headers().get("Content-Type").unwrap_or_default();
    let bytes = resp.binary().await.map_err(ApiError::network)?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(crate::safe_view::blob_type(&content_type));
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| ApiError::network(format!("{e:?}")))
}

/// A GET of text; `None` when the server answers 404.
pub async fn get_text(url: &str) -> Result<Option<String>, ApiError> {
    let resp = Request::get(url).send().await.map_err(ApiError::network)?;
    if resp.status() == 404 {
        return Ok(None);
    }
    if !resp.ok() {
        return Err(error_of(resp).await);
    }
    resp.text().await.map(Some).map_err(ApiError::network)
}

/// POSTs `file` as the raw body to `url`; `progress` gets (sent, total)
/// bytes, `done` the outcome.
pub fn upload(
    url: &str,
    csrf: &str,
    file: &web_sys::File,
    progress: impl Fn(f64, f64) + 'static,
    done: impl Fn(Result<(), ApiError>) + 'static,
) -> Result<(), ApiError> {
    let fail = |e: wasm_bindgen::JsValue| ApiError::network(format!("{e:?}"));
    let xhr = web_sys::XmlHttpRequest::new().map_err(fail)?;
    xhr.open("POST", url).map_err(fail)?;
    xhr.set_request_header(CSRF_HEADER, csrf).map_err(fail)?;
    let content_type = if file.type_().is_empty() {
        "application/octet-stream".to_owned()
    } else {
        file.type_()
    };
    xhr.set_request_header("Content-Type", &content_type).map_err(fail)?;
    let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        if e.length_computable() {
            progress(e.loaded(), e.total());
        }
    });
    xhr.upload()
        .map_err(fail)?
        .set_onprogress(Some(on_progress.into_js_value().unchecked_ref()));
    let answered = xhr.clone();
    let on_done = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        let status = answered.status().unwrap_or(0);
        if (200..300).contains(&status) {
            done(Ok(()));
            return;
        }
        let text = answered.response_text().ok().flatten().unwrap_or_default();
        done(Err(ApiError::from_body(status, error_body(&text), None)));
    });
    // `loadend` follows success, failure and abort alike.
    // The callbacks belong to JS from here on: they outlive this call and
    // are collected with the request.
    xhr.set_onloadend(Some(on_done.into_js_value().unchecked_ref()));
    xhr.send_with_opt_blob(Some(file)).map_err(fail)
}

/// The path segment or query value, percent-encoded.
pub fn encode(part: &str) -> String {
    js_sys::encode_uri_component(part).into()
}
