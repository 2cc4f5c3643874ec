//! The shape a signed certificate XML must have before its signature is
//! even checked: the defences against signature wrapping and comment
//! splitting, read with a streaming reader that expands no entity.
//!
//! A document passes only with no DOCTYPE, no comment or processing
//! instruction inside its root, exactly one `Signature` element (a child of
//! the root) with exactly one `Reference`, whose URI is `""` (the whole
//! document) and whose transforms are the enveloped-signature and a
//! canonicalization. What the checks read on the way (the URI, `signedAt`,
//! `pdfSha256`, the certificates in `KeyInfo`) is handed back, to be
//! believed only once the signature verifies.

use base64::Engine;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// Transforms a `Reference` may list: the enveloped signature and the
/// canonicalizations (never XPath or XSLT).
const ALLOWED_TRANSFORMS: &[&str] = &[
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11",
];

/// Elements deeper than this are refused: no real certificate nests so far.
const MAX_DEPTH: usize = 64;

/// What a well-shaped document says about itself (unverified).
#[derive(Debug, Default)]
pub struct Shape {
    /// The root element's local name.
    pub root: String,
    /// The root's `uri` attribute.
    pub uri: Option<String>,
    /// The root's `signedAt` attribute.
    pub signed_at: Option<String>,
    /// `CertificateData/@pdfSha256`.
    pub pdf_sha256: Option<String>,
    /// Whether there is a `Signature` at all.
    pub signed: bool,
    /// The DER certificates of `KeyInfo/X509Data`, in document order.
    pub certificates: Vec<Vec<u8>>,
}

/// Why a document is refused before its signature is checked.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not well-formed XML: the caller answers 4xx.
    #[error("the body is not well-formed XML: {0}")]
    Malformed(String),
    /// Well-formed, but shaped in a way a signature must not rely on.
    #[error("{0}")]
    Unsafe(String),
}

fn unsafe_(reason: impl Into<String>) -> Refusal {
    Refusal::Unsafe(reason.into())
}

/// Scans `xml` and checks its shape.
pub fn scan(xml: &[u8]) -> Result<Shape, Refusal> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut scan = Scan::default();
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| Refusal::Malformed(e.to_string()))?;
        match event {
            Event::Eof => break,
            Event::Start(start) => scan.open(&start, false)?,
            Event::Empty(start) => scan.open(&start, true)?,
            Event::End(_) => scan.close(),
            Event::Text(text) => scan.text(&text.decode().map_err(|e| Refusal::Malformed(e.to_string()))?),
            Event::CData(data) => scan.text(&String::from_utf8_lossy(&data)),
            Event::GeneralRef(_) => scan.text("&"),
            Event::DocType(_) => return Err(unsafe_("a DOCTYPE is not allowed in a certificate")),
            Event::Comment(_) if !scan.stack.is_empty() => {
                return Err(unsafe_("a comment inside the certificate is not allowed"));
            }
            Event::PI(_) if !scan.stack.is_empty() => {
                return Err(unsafe_(
                    "a processing instruction inside the certificate is not allowed",
                ));
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
        }
        buf.clear();
    }
    if scan.shape.root.is_empty() {
        return Err(Refusal::Malformed("there is no root element".into()));
    }
    if let Some(open) = scan.stack.last() {
        return Err(Refusal::Malformed(format!("the element {open} is not closed")));
    }
    scan.finish()
}

#[derive(Default)]
struct Scan {
    shape: Shape,
    /// Local names of the open elements.
    stack: Vec<String>,
    signatures: usize,
    references: usize,
    text: String,
}

impl Scan {
    fn open(&mut self, start: &BytesStart<'_>, empty: bool) -> Result<(), Refusal> {
        let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
        if self.stack.is_empty() && !self.shape.root.is_empty() {
            return Err(Refusal::Malformed("there is more than one root element".into()));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(unsafe_("the elements nest too deeply"));
        }
        match (self.stack.len(), name.as_str()) {
            (0, _) => {
                self.shape.root = name.clone();
                self.shape.uri = attribute(start, "uri")?;
                self.shape.signed_at = attribute(start, "signedAt")?;
            }
            (1, "CertificateData") => self.shape.pdf_sha256 = attribute(start, "pdfSha256")?,
            (_, "Signature") => self.signature()?,
            (_, "Reference") => self.reference(start)?,
            (_, "Transform") if self.inside("Reference") => transform(start)?,
            _ => {}
        }
        self.text.clear();
        if !empty {
            self.stack.push(name);
        }
        Ok(())
    }

    fn signature(&mut self) -> Result<(), Refusal> {
        self.signatures += 1;
        if self.signatures > 1 {
            return Err(unsafe_("the document has more than one Signature"));
        }
        if self.stack.len() != 1 {
            return Err(unsafe_("the Signature is not a child of the root element"));
        }
        self.shape.signed = true;
        Ok(())
    }

    fn reference(&mut self, start: &BytesStart<'_>) -> Result<(), Refusal> {
        if !self.inside("SignedInfo") {
            return Ok(());
        }
        self.references += 1;
        if self.references > 1 {
            return Err(unsafe_("the signature has more than one Reference"));
        }
        match attribute(start, "URI")? {
            Some(uri) if uri.is_empty() => Ok(()),
            Some(uri) => Err(unsafe_(format!(
                "the signature's Reference is to {uri:?}, not to the whole document (URI=\"\")"
            ))),
            None => Err(unsafe_("the signature's Reference has no URI")),
        }
    }

    fn close(&mut self) {
        if let Some(name) = self.stack.pop()
            && name == "X509Certificate"
            && self.inside("X509Data")
        {
            let compact: String = self.text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(compact) {
                self.shape.certificates.push(der);
            }
        }
        self.text.clear();
    }

    fn text(&mut self, text: &str) {
        if self.stack.last().is_some_and(|n| n == "X509Certificate") {
            self.text.push_str(text);
        }
    }

    fn inside(&self, name: &str) -> bool {
        self.stack.iter().any(|n| n == name)
    }

    fn finish(self) -> Result<Shape, Refusal> {
        if self.shape.signed && self.references == 0 {
            return Err(unsafe_("the signature has no Reference"));
        }
        Ok(self.shape)
    }
}

fn transform(start: &BytesStart<'_>) -> Result<(), Refusal> {
    let algorithm = attribute(start, "Algorithm")?.unwrap_or_default();
    if ALLOWED_TRANSFORMS.contains(&algorithm.as_str()) {
        Ok(())
    } else {
        Err(unsafe_(format!("the transform {algorithm:?} is not allowed")))
    }
}

/// An attribute by local name, unescaped.
fn attribute(start: &BytesStart<'_>, name: &str) -> Result<Option<String>, Refusal> {
    for attr in start.attributes() {
        let attr = attr.map_err(|e| Refusal::Malformed(e.to_string()))?;
        if attr.key.local_name().as_ref() == name.as_bytes() {
            let value = attr.unescape_value().map_err(|e| Refusal::Malformed(e.to_string()))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &str = r#"<Certificate uri="x-MSTN-1" signedAt="2026-01-01T10:00:00+05:30"><CertificateData pdfSha256="ab"/><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms></ds:Reference></ds:SignedInfo><ds:KeyInfo><ds:X509Data><ds:X509Certificate>AQID
BA==</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature></Certificate>"#;

    #[test]
    fn reads_what_a_signed_certificate_says() {
        let shape = scan(SIGNED.as_bytes()).unwrap();
        assert_eq!(shape.root, "Certificate");
        assert_eq!(shape.uri.as_deref(), Some("x-MSTN-1"));
        assert_eq!(shape.signed_at.as_deref(), Some("2026-01-01T10:00:00+05:30"));
        assert_eq!(shape.pdf_sha256.as_deref(), Some("ab"));
        assert!(shape.signed);
        assert_eq!(shape.certificates, vec![vec![1, 2, 3, 4]]);
    }

    fn refusal(xml: &str) -> String {
        match scan(xml.as_bytes()) {
            Err(Refusal::Unsafe(reason)) => reason,
            other => panic!("expected an unsafe refusal, got {other:?}"),
        }
    }

    #[test]
    fn wrapping_and_splitting_are_refused() {
        let two = SIGNED.replace("</Certificate>", "<x><Signature/></x></Certificate>");
        assert!(refusal(&two).contains("more than one Signature"));
        let elsewhere = SIGNED.replace("URI=\"\"", "URI=\"#data\"");
        assert!(refusal(&elsewhere).contains("not to the whole document"));
        let two_refs = SIGNED.replace("</ds:SignedInfo>", "<ds:Reference URI=\"\"/></ds:SignedInfo>");
        assert!(refusal(&two_refs).contains("more than one Reference"));
        let comment = SIGNED.replace("<CertificateData", "<!-- x --><CertificateData");
        assert!(refusal(&comment).contains("comment"));
        let pi = SIGNED.replace("<CertificateData", "<?x y?><CertificateData");
        assert!(refusal(&pi).contains("processing instruction"));
        let doctype = format!("<!DOCTYPE Certificate [<!ENTITY a \"b\">]>{SIGNED}");
        assert!(refusal(&doctype).contains("DOCTYPE"));
        let xslt = SIGNED.replace("xmldsig#enveloped-signature", "xslt");
        assert!(refusal(&xslt).contains("not allowed"));
        let nested = SIGNED
            .replace("<CertificateData pdfSha256=\"ab\"/>", "")
            .replace("<ds:Signature", "<Wrap><ds:Signature");
        assert!(refusal(&nested.replace("</ds:Signature>", "</ds:Signature></Wrap>")).contains("not a child"));
    }

    #[test]
    fn broken_xml_is_malformed_not_unsafe() {
        assert!(matches!(
            scan(b"<Certificate><a></Certificate>"),
            Err(Refusal::Malformed(_))
        ));
        assert!(matches!(scan(b"no xml"), Err(Refusal::Malformed(_))));
        assert!(matches!(scan(b"<a/><b/>"), Err(Refusal::Malformed(_))));
        assert!(matches!(scan(b"<Certificate><a/>"), Err(Refusal::Malformed(_))));
    }

    #[test]
    fn an_unsigned_document_is_well_shaped() {
        let shape = scan(b"<Certificate uri=\"a-B-1\"/>").unwrap();
        assert!(!shape.signed);
        assert_eq!(shape.uri.as_deref(), Some("a-B-1"));
    }
}
