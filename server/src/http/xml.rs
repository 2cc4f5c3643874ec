//! XML answers: serde DTOs serialised by quick-xml, never string-built.

use actix_web::body::BoxBody;
use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, Responder};
use serde::Serialize;

const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// Serialises a DTO as an XML document.
pub fn to_xml<T: Serialize>(value: &T) -> String {
    let mut out = String::from(DECLARATION);
    if let Err(e) = quick_xml::se::to_writer(&mut out, value) {
        tracing::error!(error = %e, "XML serialisation failed");
        out.truncate(DECLARATION.len());
        out.push_str("<Error><Code>internal</Code><Message>internal error</Message></Error>");
    }
    out
}

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
