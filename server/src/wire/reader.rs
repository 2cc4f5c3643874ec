//! A tolerant reader for small XML requests (Pull Doc, Pull URI): the whole
//! body becomes a tree of elements named by their local names, whatever
//! the namespace or prefix, with attribute names lowercased and values and
//! text trimmed. DOCTYPE and entity declarations are refused unexpanded.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

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

const MAX_DEPTH: usize = 32;
const MAX_ELEMENTS: usize = 10_000;

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
        name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
        ..Element::default()
    };
    for attr in start.attributes() {
        let attr = attr.map_err(|e| XmlError::Malformed(format!("attribute: {e}")))?;
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).to_ascii_lowercase();
        let value = attr
            .unescape_value()
            .map_err(|e| XmlError::Malformed(format!("attribute {key}: {e}")))?;
        element.attributes.push((key, value.trim().to_owned()));
    }
    Ok(element)
}

/// Parses a whole document into its root element.
pub fn parse(body: &[u8]) -> Result<Element, XmlError> {
    let mut reader = Reader::from_reader(body);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| XmlError::Malformed(format!("{e} at byte {}", reader.error_position())))?;
        match event {
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Start(ref start) | Event::Empty(ref start) => {
                if stack.is_empty() && root.is_some() {
                    return Err(XmlError::Malformed("more than one root element".into()));
                }
                count += 1;
                if count > MAX_ELEMENTS || stack.len() >= MAX_DEPTH {
                    return Err(XmlError::Malformed("too many or too deeply nested elements".into()));
                }
                let element = start_element(start)?;
                if matches!(event, Event::Start(_)) {
                    stack.push(element);
                } else {
                    attach(&mut stack, &mut root, element);
                }
            }
            Event::End(_) => {
                let mut element = stack
                    .pop()
                    .ok_or_else(|| XmlError::Malformed("unexpected end tag".into()))?;
                element.text = element.text.trim().to_owned();
                attach(&mut stack, &mut root, element);
            }
            Event::Text(ref text) => match stack.last_mut() {
                Some(open) => open.text.push_str(&String::from_utf8_lossy(text.as_ref())),
                None if text.iter().all(u8::is_ascii_whitespace) => {}
                None => return Err(XmlError::Malformed("text outside the root element".into())),
            },
            Event::CData(ref data) => {
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&String::from_utf8_lossy(data.as_ref()));
                }
            }
            Event::GeneralRef(ref reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    _ => {
                        let name = String::from_utf8_lossy(reference.as_ref()).into_owned();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| XmlError::Malformed(format!("undeclared entity &{name};")))?
                            .to_owned()
                    }
                };
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err(XmlError::Malformed("an element is not closed".into()));
    }
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
