//! The XML writer of the wire: serde DTOs serialised by quick-xml, never
//! string-built. Requests we send and answers we give both go through it.

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
