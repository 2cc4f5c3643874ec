//! How stored documents (issued, uploaded, shared) are answered. Their bytes
//! come from issuers and residents, so they are never rendered as active
//! content on the locker's origin: every answer is `nosniff` with a CSP that
//! allows nothing and sandboxes the document, and only magic-checked images
//! are shown inline; anything else (XML, PDF) is an attachment.

use actix_web::HttpResponse;
use actix_web::HttpResponseBuilder;
use actix_web::http::header::{Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};

use crate::locker::uploads::sniff;

/// The CSP of every document answer: no script, no subresource, a unique
/// origin even if a browser renders it.
pub const DOCUMENT_CSP: &str = "default-src 'none'; sandbox";

/// Starts a 200 answer for the document `name`, declared as
/// `content_type`, whose type by magic is `sniffed`; the caller adds the body.
pub fn document(name: &str, content_type: &str, sniffed: Option<&str>) -> HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    let disposition = if sniff::shown_inline(sniffed) {
        DispositionType::Inline
    } else {
        DispositionType::Attachment
    };
    response
        .content_type(
            sniffed
                .filter(|_| disposition == DispositionType::Inline)
                .unwrap_or(content_type),
        )
        .insert_header(content_disposition(disposition, name))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", DOCUMENT_CSP))
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"));
    response
}

/// `Content-Disposition: attachment`, with an ASCII name for old clients
/// and the UTF-8 name (RFC 6266 `filename*`) for the rest.
pub fn attachment(name: &str) -> ContentDisposition {
    content_disposition(DispositionType::Attachment, name)
}

fn content_disposition(disposition: DispositionType, name: &str) -> ContentDisposition {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' })
        .collect();
    let mut parameters = vec![DispositionParam::Filename(ascii)];
    if !name.is_ascii() {
        parameters.push(DispositionParam::FilenameExt(ExtendedValue {
            charset: Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: name.as_bytes().to_vec(),
        }));
    }
    ContentDisposition {
        disposition,
        parameters,
    }
}
