//! XML answers: the `Xml<T>` responder and the streamed parts of a Pull Doc
//! answer, over the wire's writer ([`crate::wire::writer`]).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::http::header::ContentType;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, Responder};
use serde::Serialize;

use crate::wire::writer::to_xml;

/// A `200 OK` XML response.
pub struct Xml<T>(pub T);

impl<T: Serialize> Responder for Xml<T> {
    type Body = BoxBody;

    fn respond_to(self, _req: &HttpRequest) -> HttpResponse<Self::Body> {
        HttpResponse::Ok()
            .content_type(ContentType::xml())
            .body(to_xml(&self.0))
    }
}

/// A `200 OK` XML response sent as parts, so a large part (a cached base64
/// document) is not copied into one string first.
pub fn parts(parts: Vec<Bytes>) -> HttpResponse {
    let size = parts.iter().map(|p| p.len() as u64).sum();
    HttpResponse::Ok().content_type(ContentType::xml()).body(Parts {
        parts: parts.into(),
        size,
    })
}

struct Parts {
    parts: VecDeque<Bytes>,
    size: u64,
}

impl MessageBody for Parts {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.size)
    }

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Bytes, Infallible>>> {
        Poll::Ready(self.parts.pop_front().map(Ok))
    }
}
