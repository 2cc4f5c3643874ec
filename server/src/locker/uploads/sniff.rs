//! What an uploaded file is, judged by its first bytes ("magic"), never by
//! its name or the type the client declares.

/// Bytes of a file's start that [`content_type`] needs.
pub const HEAD_LEN: usize = 8;

/// `application/pdf`, `image/jpeg` or `image/png`; `None` for anything else.
pub fn content_type(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// The file name extension that goes with a content type.
pub fn extension(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "bin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_jpeg_and_png_are_known_by_their_magic() {
        assert_eq!(content_type(b"%PDF-1.7\n%\xe2\xe3"), Some("application/pdf"));
        assert_eq!(content_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some("image/jpeg"));
        assert_eq!(content_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
    }

    #[test]
    fn names_text_and_near_misses_are_not_enough() {
        // A text file named .pdf holds text: its name plays no part here.
        assert_eq!(content_type(b"hello, this is not a PDF"), None);
        assert_eq!(content_type(b""), None);
        assert_eq!(content_type(b"%PDF"), None);
        assert_eq!(content_type(b" %PDF-1.4"), None);
        assert_eq!(content_type(&[0xFF, 0xD8]), None);
        assert_eq!(content_type(b"\x89PNG\r\n"), None);
        assert_eq!(content_type(b"GIF89a"), None);
        assert_eq!(content_type(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
    }
}
