//! The type a fetched document is given in the page. A blob URL has the
//! locker's origin, whatever the server said about the bytes, so a document
//! opened from a blob would run its script as the resident: only PDF and
//! images keep their type; XML (XHTML, SVG, anything else) is shown as
//! plain text, which no browser executes.

/// The blob type for bytes the server answered as `content_type`.
pub fn blob_type(content_type: &str) -> &'static str {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/pdf" => "application/pdf",
        "image/png" => "image/png",
        "image/jpeg" => "image/jpeg",
        _ => "text/plain;charset=utf-8",
    }
}

#[cfg(test)]
mod tests {
    use super::blob_type;

    #[test]
    fn documents_that_can_carry_script_are_shown_as_text() {
        for active in [
            "application/xml",
            "text/xml; charset=utf-8",
            "application/xhtml+xml",
            "image/svg+xml",
            "text/html",
            "",
        ] {
            assert_eq!(blob_type(active), "text/plain;charset=utf-8", "{active}");
        }
        assert_eq!(blob_type("application/PDF"), "application/pdf");
        assert_eq!(blob_type("image/png"), "image/png");
        assert_eq!(blob_type("image/jpeg"), "image/jpeg");
    }
}
