//! `POST /api/verify`: anyone checks a certificate XML (and its PDF). No
//! sign-in, so each address is limited and verifications run in a bounded
//! pool; bodies are capped while they stream in.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::{Stream, StreamExt};

use crate::app::App;
use crate::http::blocking;
use crate::locker::activity::Client;
use crate::platform::error::Error;
use crate::wire::signature::MAX_XML_BYTES;

/// The largest multipart body (the XML and the PDF together).
const MAX_MULTIPART_BYTES: usize = 10 * 1024 * 1024;

/// `POST /api/verify`: 200 with the verdict for any well-formed XML.
pub async fn verify(
    app: web::Data<App>,
    req: HttpRequest,
    client: Client,
    payload: web::Payload,
) -> Result<HttpResponse, Error> {
    app.verify_gate.count(
        &crate::locker::throttle::address_key(&client.ip),
        crate::platform::dates::unix_now(),
    )?;
    let (xml, pdf) = read_body(&req, payload).await?;
    let _worker = app.verify_gate.worker().await?;
    let verdict = blocking(&app, move |app| {
        crate::locker::issued_signature::verify_public(app, &xml, pdf.as_deref())
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(verdict))
}

/// The XML, and the PDF when the body is multipart.
async fn read_body(req: &HttpRequest, payload: web::Payload) -> Result<(Vec<u8>, Option<Vec<u8>>), Error> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let declared = crate::http::body::declared_length(req).unwrap_or(0) as usize;
    if content_type.starts_with("multipart/form-data") {
        if declared > MAX_MULTIPART_BYTES {
            return Err(too_large(MAX_MULTIPART_BYTES));
        }
        return read_parts(Multipart::new(req.headers(), payload)).await;
    }
    if content_type.starts_with("application/xml") || content_type.starts_with("text/xml") {
        if declared > MAX_XML_BYTES {
            return Err(too_large(MAX_XML_BYTES));
        }
        return Ok((read_capped(payload, MAX_XML_BYTES).await?, None));
    }
    Err(Error::UnsupportedType(
        "send the certificate XML as application/xml, or multipart/form-data with parts xml and pdf".into(),
    ))
}

async fn read_parts(mut parts: Multipart) -> Result<(Vec<u8>, Option<Vec<u8>>), Error> {
    let (mut xml, mut pdf) = (None, None);
    let mut total = 0;
    while let Some(part) = parts.next().await {
        let part = part.map_err(|e| Error::Invalid(format!("bad multipart body: {e}")))?;
        let name = part.name().unwrap_or_default().to_owned();
        let limit = if name == "xml" {
            MAX_XML_BYTES
        } else {
            MAX_MULTIPART_BYTES - total
        };
        let bytes = read_capped(part, limit).await?;
        total += bytes.len();
        match name.as_str() {
            "xml" => xml = Some(bytes),
            "pdf" => pdf = Some(bytes),
            _ => {}
        }
    }
    let xml = xml.ok_or_else(|| Error::Invalid("the multipart body has no xml part".into()))?;
    Ok((xml, pdf))
}

/// Reads a stream, refusing it as soon as it passes `limit` bytes.
async fn read_capped<S, E>(mut stream: S, limit: usize) -> Result<Vec<u8>, Error>
where
    S: Stream<Item = Result<web::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Error::Invalid(format!("the body could not be read: {e}")))?;
        if out.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn too_large(limit: usize) -> Error {
    Error::TooLarge(format!("the body is larger than the limit of {limit} bytes"))
}
