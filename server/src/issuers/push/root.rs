//! The root start tag of a Push request, found in the first bytes of the
//! body, so that `orgId`, `ts` and `keyhash` are checked before the rest
//! (up to `max_push_bytes` of DocContent) is read, spooled or decoded.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::request::{PushRequest, ReadError, read_root_attributes};
use crate::wire::reader::{MAX_TAG_BYTES, XmlError};

/// Where the root start tag ends in the bytes read so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Scan {
    /// The byte just past the tag's `>`.
    Ends(usize),
    /// Not yet: read more bytes.
    NeedMore,
}

/// Bytes of the body that may come before the end of the root start tag:
/// an XML declaration, comments and a tag of [`MAX_TAG_BYTES`].
pub const MAX_PREFIX: usize = MAX_TAG_BYTES + 4096;

/// Finds the end of the root start tag in `head`, skipping the XML
/// declaration, processing instructions and comments before it.
pub fn scan(head: &[u8]) -> Result<Scan, ReadError> {
    let mut at = 0;
    loop {
        while head.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let rest = &head[at.min(head.len())..];
        let skip_to = |end: &[u8]| find(rest, end).map(|i| at + i + end.len());
        let next = if rest.len() < 4 && b"<!--".starts_with(rest) {
            // Perhaps a comment: too few bytes to tell.
            None
        } else if rest.starts_with(b"<?") {
            skip_to(b"?>")
        } else if rest.starts_with(b"<!--") {
            skip_to(b"-->")
        } else if rest.starts_with(b"<!") {
            return Err(ReadError::Xml(XmlError::Doctype));
        } else if rest.starts_with(b"<") {
            return match tag_end(rest) {
                Some(end) => Ok(Scan::Ends(at + end)),
                None if head.len() >= MAX_PREFIX => Err(too_long()),
                None => Ok(Scan::NeedMore),
            };
        } else {
            return Err(ReadError::Xml(XmlError::Malformed(
                "the body does not start with an element".into(),
            )));
        };
        match next {
            Some(next) => at = next,
            None if head.len() >= MAX_PREFIX => return Err(too_long()),
            None => return Ok(Scan::NeedMore),
        }
    }
}

fn too_long() -> ReadError {
    ReadError::Xml(XmlError::Malformed(format!(
        "the root start tag does not end within the first {MAX_PREFIX} bytes"
    )))
}

/// The index past the `>` that closes the tag starting `tag`, outside quotes.
fn tag_end(tag: &[u8]) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in tag.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The root's attributes, from the bytes up to the end of its start tag;
/// `None` when the root is not `PushCSVRequest` (told later, as Status 0).
pub fn read(head: &[u8]) -> Result<Option<PushRequest>, ReadError> {
    let mut reader = Reader::from_reader(head);
    loop {
        match reader.read_event() {
            Ok(Event::Start(start) | Event::Empty(start)) => {
                crate::wire::reader::check_tag(&start).map_err(XmlError::Malformed)?;
                if !start.local_name().as_ref().eq_ignore_ascii_case(b"PushCSVRequest") {
                    return Ok(None);
                }
                let mut req = PushRequest::default();
                read_root_attributes(&start, &mut req)?;
                return Ok(Some(req));
            }
            Ok(Event::DocType(_)) => return Err(ReadError::Xml(XmlError::Doctype)),
            Ok(Event::Eof) => return Err(ReadError::Xml(XmlError::Malformed("there is no root element".into()))),
            Ok(_) => {}
            Err(e) => return Err(ReadError::Xml(XmlError::Malformed(e.to_string()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_tag_is_found_past_the_declaration_and_comments() {
        let body = b"<?xml version=\"1.0\"?>\n<!-- a > b --><ns2:PushCSVRequest orgId=\"a>b\" ts='x'><DocDetails>";
        let Scan::Ends(end) = scan(body).unwrap() else {
            panic!("found")
        };
        assert!(body[..end].ends_with(b"ts='x'>"));
        let req = read(&body[..end]).unwrap().unwrap();
        assert_eq!(req.org_id.as_deref(), Some("a>b"));
    }

    #[test]
    fn a_partial_head_asks_for_more_and_an_endless_tag_is_refused() {
        assert_eq!(scan(b"").unwrap(), Scan::NeedMore);
        assert_eq!(scan(b"<?xml ver").unwrap(), Scan::NeedMore);
        assert_eq!(scan(b"<?xml?>\n<!-").unwrap(), Scan::NeedMore);
        assert_eq!(scan(b"<Push orgId=\"1").unwrap(), Scan::NeedMore);
        let endless = [b"<PushCSVRequest orgId=\"".as_slice(), &vec![b'1'; MAX_PREFIX]].concat();
        assert!(matches!(scan(&endless), Err(ReadError::Xml(XmlError::Malformed(_)))));
        assert!(matches!(
            scan(b"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>"),
            Err(ReadError::Xml(XmlError::Doctype))
        ));
        assert!(matches!(scan(b"hello"), Err(ReadError::Xml(XmlError::Malformed(_)))));
    }
}
