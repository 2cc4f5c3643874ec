//! The XML writer of the wire: serde DTOs serialised by quick-xml, never
//! string-built. Requests we send and answers we give both go through it.

use serde::Serialize;

const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// Serialises a DTO as an XML document, its root named after its type's
/// serde name.
pub fn to_xml<T: Serialize>(value: &T) -> String {
    write(|out| quick_xml::se::to_writer(out, value).map(drop))
}

/// Serialises a DTO as an XML document whose root element is `root`.
pub fn to_xml_with_root<T: Serialize>(root: &str, value: &T) -> String {
    write(|out| quick_xml::se::to_writer_with_root(out, root, value).map(drop))
}

fn write(serialise: impl FnOnce(&mut String) -> Result<(), quick_xml::SeError>) -> String {
    let mut out = String::from(DECLARATION);
    if let Err(e) = serialise(&mut out) {
        tracing::error!(error = %e, "XML serialisation failed");
        out.truncate(DECLARATION.len());
        out.push_str("<Error><Code>internal</Code><Message>internal error</Message></Error>");
    }
    out
}
