//! The one hardened XML reader of the wire. [`stream`] is its event loop,
//! which the streaming Push CSV reader drives directly; [`parse`] builds on
//! it a tree for small requests and answers (Pull Doc, Pull URI): elements
//! named by their local names, whatever the namespace or prefix, with
//! attribute names lowercased and values and text trimmed. DOCTYPE and
//! entity declarations are refused unexpanded.

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

/// An element: its local name, attributes and trimmed text.
#[derive(Debug, Default, Clone)]
pub struct Element {
    pub name: String,
    /// `(lowercased local name, trimmed value)`.
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

/// Why a body is not acceptable XML (a 4xx, not a Status 0).
#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    #[error("the body is not well-formed XML: {0}")]
    Malformed(String),
    #[error("DOCTYPE and entity declarations are not accepted")]
    Doctype,
}

/// Deepest nesting any XML reader here accepts.
pub const MAX_DEPTH: usize = 32;
/// Most elements in one document.
pub const MAX_ELEMENTS: usize = 10_000;
/// Most attributes on one element.
pub const MAX_ATTRIBUTES: usize = 32;
/// Longest start tag (name and attributes), in bytes: no attribute of the
/// protocol comes near it.
pub const MAX_TAG_BYTES: usize = 16 * 1024;

/// Refuses a start tag past [`MAX_TAG_BYTES`] or [`MAX_ATTRIBUTES`].
pub fn check_tag(start: &BytesStart<'_>) -> Result<(), String> {
    if start.len() > MAX_TAG_BYTES {
        return Err(format!("a start tag is longer than {MAX_TAG_BYTES} bytes"));
    }
    if start.attributes().count() > MAX_ATTRIBUTES {
        return Err(format!("an element has more than {MAX_ATTRIBUTES} attributes"));
    }
    Ok(())
}

impl Element {
    /// An attribute by name, any case.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first child with this local name, any case.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The first element with this local name anywhere below, depth first.
    pub fn find(&self, name: &str) -> Option<&Element> {
        self.children.iter().find_map(|c| {
            if c.name.eq_ignore_ascii_case(name) {
                Some(c)
            } else {
                c.find(name)
            }
        })
    }
}

fn start_element(start: &BytesStart<'_>) -> Result<Element, XmlError> {
    let mut element = Element {
        name: local_name(start),
        ..Element::default()
    };
    for attr in attributes(start) {
        element.attributes.push(attr?);
    }
    Ok(element)
}

/// An element's local name, whatever its prefix.
pub fn local_name(start: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(start.local_name().as_ref()).into_owned()
}

/// An element's attributes as `(lowercased local name, trimmed value)`.
pub fn attributes<'a>(start: &'a BytesStart<'a>) -> impl Iterator<Item = Result<(String, String), XmlError>> + 'a {
    start.attributes().map(|attr| {
        let attr = attr.map_err(|e| XmlError::Malformed(format!("attribute: {e}")))?;
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).to_ascii_lowercase();
        let value = attr
            .unescape_value()
            .map_err(|e| XmlError::Malformed(format!("attribute {key}: {e}")))?;
        Ok((key, value.trim().to_owned()))
    })
}

/// What the hardened reader hands on, in document order.
pub enum Piece<'e> {
    /// An element opens, below `depth` open elements (0 for the root). An
    /// empty element is an `Open` at once followed by its `Close`.
    Open { start: &'e BytesStart<'e>, depth: usize },
    /// The innermost open element closes.
    Close,
    /// Text of the innermost open element, with CDATA and character and
    /// predefined entity references resolved; it may come in several pieces.
    Text(&'e [u8]),
}

/// How much structure a document may have.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_elements: usize,
}

/// The limits of a small request read whole into a tree.
pub const SMALL_REQUEST: Limits = Limits {
    max_depth: MAX_DEPTH,
    max_elements: MAX_ELEMENTS,
};

/// Where the event loop is in the document, and the structural checks.
struct Shape {
    limits: Limits,
    depth: usize,
    elements: usize,
    root_seen: bool,
}

impl Shape {
    /// Counts an element that opens; refuses a second root, too much
    /// structure, or an oversized start tag.
    fn open(&mut self, start: &BytesStart<'_>) -> Result<usize, XmlError> {
        check_tag(start).map_err(XmlError::Malformed)?;
        if self.depth == 0 && self.root_seen {
            return Err(XmlError::Malformed("more than one root element".into()));
        }
        self.root_seen = true;
        self.elements += 1;
        if self.depth >= self.limits.max_depth {
            return Err(XmlError::Malformed(format!(
                "elements are nested deeper than {}",
                self.limits.max_depth
            )));
        }
        if self.elements > self.limits.max_elements {
            return Err(XmlError::Malformed(format!(
                "more than {} elements",
                self.limits.max_elements
            )));
        }
        Ok(self.depth)
    }

    fn close(&mut self) -> Result<(), XmlError> {
        self.depth = self
            .depth
            .checked_sub(1)
            .ok_or_else(|| XmlError::Malformed("unexpected end tag".into()))?;
        Ok(())
    }

    /// At the end of the input: one root, and every element closed.
    fn finish(&self) -> Result<(), XmlError> {
        if self.depth > 0 {
            return Err(XmlError::Malformed("an element is not closed".into()));
        }
        if !self.root_seen {
            return Err(XmlError::Malformed("there is no root element".into()));
        }
        Ok(())
    }
}

/// The one hardened event loop: reads `input` to its end, handing each
/// [`Piece`] to `handle`. Refuses DOCTYPE (so no entity is ever expanded),
/// undeclared entities, mismatched or unclosed tags, text outside the root,
/// more than one root, and more structure than `limits`.
pub fn stream<R, E>(input: R, limits: Limits, mut handle: impl FnMut(Piece<'_>) -> Result<(), E>) -> Result<(), E>
where
    R: std::io::BufRead,
    E: From<XmlError>,
{
    let mut reader = Reader::from_reader(input);
    reader.config_mut().check_end_names = true;
    let mut shape = Shape {
        limits,
        depth: 0,
        elements: 0,
        root_seen: false,
    };
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| XmlError::Malformed(format!("{e} at byte {}", reader.error_position())))?;
        if !step(&event, &mut shape, &mut handle)? {
            break;
        }
        buf.clear();
    }
    Ok(shape.finish()?)
}

/// Hands one event to `handle`, keeping `shape`; `false` at the end.
fn step<E>(event: &Event<'_>, shape: &mut Shape, handle: &mut impl FnMut(Piece<'_>) -> Result<(), E>) -> Result<bool, E>
where
    E: From<XmlError>,
{
    let inside = shape.depth > 0;
    match event {
        Event::DocType(_) => return Err(XmlError::Doctype.into()),
        Event::Start(start) => {
            handle(Piece::Open {
                start,
                depth: shape.open(start)?,
            })?;
            shape.depth += 1;
        }
        Event::Empty(start) => {
            handle(Piece::Open {
                start,
                depth: shape.open(start)?,
            })?;
            handle(Piece::Close)?;
        }
        Event::End(_) => {
            shape.close()?;
            handle(Piece::Close)?;
        }
        Event::Text(text) if inside => handle(Piece::Text(text.as_ref()))?,
        Event::Text(text) if !text.iter().all(u8::is_ascii_whitespace) => {
            return Err(XmlError::Malformed("text outside the root element".into()).into());
        }
        Event::CData(data) if inside => handle(Piece::Text(data.as_ref()))?,
        Event::GeneralRef(reference) => {
            let resolved = resolve_reference(reference)?;
            if inside {
                handle(Piece::Text(resolved.as_bytes()))?;
            }
        }
        Event::Eof => return Ok(false),
        Event::Text(_) | Event::CData(_) | Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
    }
    Ok(true)
}

/// A character reference or one of the five predefined entities; any other
/// entity is undeclared (DOCTYPE is refused, so none can be declared).
fn resolve_reference(reference: &BytesRef<'_>) -> Result<String, XmlError> {
    if let Ok(Some(ch)) = reference.resolve_char_ref() {
        return Ok(ch.to_string());
    }
    let name = String::from_utf8_lossy(reference.as_ref()).into_owned();
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| XmlError::Malformed(format!("undeclared entity &{name};")))
}

/// Parses a whole document into its root element.
pub fn parse(body: &[u8]) -> Result<Element, XmlError> {
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    stream(body, SMALL_REQUEST, |piece| {
        match piece {
            Piece::Open { start, .. } => stack.push(start_element(start)?),
            Piece::Close => {
                let mut element = stack
                    .pop()
                    .ok_or_else(|| XmlError::Malformed("unexpected end tag".into()))?;
                element.text = element.text.trim().to_owned();
                attach(&mut stack, &mut root, element);
            }
            Piece::Text(text) => {
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&String::from_utf8_lossy(text));
                }
            }
        }
        Ok::<(), XmlError>(())
    })?;
    root.ok_or_else(|| XmlError::Malformed("there is no root element".into()))
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_by_local_name_with_trimmed_values() {
        let root = parse(
            br#"<?xml version="1.0"?><ns2:PullDocRequest xmlns:ns2="http://tempuri.org/" ver=" 1.0 " KeyHash="AB">
                 <ns2:DocDetails><ns2:URI> in.gov-X-1 </ns2:URI><Name>A &amp; B</Name></ns2:DocDetails></ns2:PullDocRequest>"#,
        )
        .unwrap();
        assert_eq!(root.name, "PullDocRequest");
        assert_eq!(root.attribute("ver"), Some("1.0"));
        assert_eq!(root.attribute("keyhash"), Some("AB"));
        assert_eq!(root.find("uri").unwrap().text, "in.gov-X-1");
        assert_eq!(root.child("DocDetails").unwrap().child("Name").unwrap().text, "A & B");
    }

    #[test]
    fn refuses_doctype_malformed_and_runaway_nesting() {
        assert!(matches!(
            parse(b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"),
            Err(XmlError::Doctype)
        ));
        assert!(matches!(parse(b"<a><b></a>"), Err(XmlError::Malformed(_))));
        assert!(matches!(parse(b"<a>"), Err(XmlError::Malformed(_))));
        assert!(matches!(parse(b""), Err(XmlError::Malformed(_))));
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(matches!(parse(deep.as_bytes()), Err(XmlError::Malformed(_))));
    }
}
