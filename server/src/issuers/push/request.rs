//! A tolerant, streaming reader of `PushCSVRequest`, driving the wire's one
//! hardened event loop ([`reader::stream`]). Elements and attributes are
//! matched by local name, whatever the namespace or prefix; values are
//! trimmed; `keyhash` is matched in any case. The base64 `DocContent` is
//! decoded straight into a file. DOCTYPE and entity declarations are refused
//! before anything is expanded.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use aes_gcm::Aes256Gcm;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use quick_xml::events::BytesStart;

use crate::platform::sealed_file::{SealedReader, SealedWriter};
use crate::wire::reader::{self, Limits, Piece, XmlError};

/// What the request carried.
#[derive(Debug, Default)]
pub struct PushRequest {
    pub ver: Option<String>,
    pub ts: Option<String>,
    pub txn: Option<String>,
    pub org_id: Option<String>,
    pub keyhash: Option<String>,
    pub file_name: Option<String>,
    /// Bytes of CSV decoded from DocContent.
    pub csv_bytes: u64,
    /// Whether a DocContent element was present.
    pub has_doc_content: bool,
    /// A problem with the content, told to the sender as Status 0 once it has
    /// proved who it is (bad base64, wrong root element).
    pub content_problem: Option<String>,
}

/// Why the body is refused outright, with a 4xx.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Not acceptable XML (malformed, or with a DOCTYPE).
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("i/o error while reading the request: {0}")]
    Io(#[from] std::io::Error),
}

/// Limits of a Push CSV request: a handful of elements around one large
/// text node.
const LIMITS: Limits = Limits {
    max_depth: 32,
    max_elements: 10_000,
};

/// Reads the sealed XML at `xml_path`, writing the decoded DocContent,
/// sealed, to `csv_path`.
pub fn read(xml_path: &Path, csv_path: &Path, cipher: &Aes256Gcm) -> Result<PushRequest, ReadError> {
    let input = SealedReader::new(File::open(xml_path)?, cipher.clone())?;
    let output = SealedWriter::new(
        BufWriter::with_capacity(256 * 1024, File::create(csv_path)?),
        cipher.clone(),
    )?;
    let mut out = Base64ToFile::new(output);
    let mut req = PushRequest::default();
    // Local names of the open elements, root first.
    let mut path: Vec<String> = Vec::new();
    let mut file_name = String::new();
    reader::stream(BufReader::with_capacity(256 * 1024, input), LIMITS, |piece| {
        match piece {
            Piece::Open { start, depth } => path.push(on_open(start, depth, &mut req)?),
            Piece::Close => {
                path.pop();
            }
            Piece::Text(text) => on_text(&path, text, &mut out, &mut file_name, &mut req)?,
        }
        Ok::<(), ReadError>(())
    })?;
    match out.finish() {
        Ok((bytes, sealed)) => {
            req.csv_bytes = bytes;
            sealed.finish()?;
        }
        Err(Base64Error::Io(e)) => return Err(ReadError::Io(e)),
        Err(Base64Error::Invalid(why)) => {
            req.content_problem
                .get_or_insert(format!("DocContent is not valid base64: {why}"));
        }
    }
    let file_name = file_name.trim();
    if !file_name.is_empty() {
        req.file_name = Some(file_name.to_owned());
    }
    Ok(req)
}

/// Notes what an opening tag tells about the request; the element's local name.
fn on_open(start: &BytesStart<'_>, depth: usize, req: &mut PushRequest) -> Result<String, XmlError> {
    let name = reader::local_name(start);
    if depth == 0 {
        if name.eq_ignore_ascii_case("PushCSVRequest") {
            read_root_attributes(start, req)?;
        } else {
            req.content_problem = Some(format!("the root element is {name}, not PushCSVRequest"));
        }
    }
    if name.eq_ignore_ascii_case("DocContent") {
        req.has_doc_content = true;
    }
    Ok(name)
}

pub(super) fn read_root_attributes(start: &BytesStart<'_>, req: &mut PushRequest) -> Result<(), XmlError> {
    for attr in reader::attributes(start) {
        let (key, value) = attr?;
        let slot = match key.as_str() {
            "ver" => &mut req.ver,
            "ts" => &mut req.ts,
            "txn" => &mut req.txn,
            "orgid" => &mut req.org_id,
            "keyhash" => &mut req.keyhash,
            _ => continue,
        };
        *slot = Some(value);
    }
    Ok(())
}

fn on_text<W: Write>(
    path: &[String],
    bytes: &[u8],
    out: &mut Base64ToFile<W>,
    file_name: &mut String,
    req: &mut PushRequest,
) -> Result<(), ReadError> {
    match path.last().map(String::as_str) {
        Some(name) if name.eq_ignore_ascii_case("DocContent") => match out.push(bytes) {
            Ok(()) => {}
            Err(Base64Error::Invalid(why)) => {
                req.content_problem
                    .get_or_insert(format!("DocContent is not valid base64: {why}"));
            }
            // Our disk failed, not the sender: a 500, and its txn is not used up.
            Err(Base64Error::Io(e)) => return Err(ReadError::Io(e)),
        },
        // A file name is a name: anything past 1 KiB is not kept.
        Some(name) if name.eq_ignore_ascii_case("FileName") && file_name.len() < 1024 => {
            file_name.push_str(&String::from_utf8_lossy(bytes));
        }
        _ => {}
    }
    Ok(())
}

/// Decodes base64 text that arrives in pieces, skipping whitespace.
struct Base64ToFile<W: Write> {
    out: W,
    /// Characters not yet decoded (fewer than a 4-character quantum, or a
    /// chunk waiting for its successor).
    pending: Vec<u8>,
    decoded: Vec<u8>,
    written: u64,
    failed: bool,
}

#[derive(Debug)]
enum Base64Error {
    Invalid(String),
    Io(std::io::Error),
}

impl<W: Write> Base64ToFile<W> {
    fn new(out: W) -> Self {
        Base64ToFile {
            out,
            pending: Vec::new(),
            decoded: Vec::new(),
            written: 0,
            failed: false,
        }
    }

    fn push(&mut self, text: &[u8]) -> Result<(), Base64Error> {
        if self.failed {
            return Ok(());
        }
        // Piece by piece, so the decoder never holds a second copy of a large
        // text node (the XML reader holds one while it hands the node over).
        for piece in text.chunks(64 * 1024) {
            self.pending
                .extend(piece.iter().copied().filter(|b| !b.is_ascii_whitespace()));
            // Keep the last quantum back: it may hold padding, which is only
            // allowed at the very end.
            if self.pending.len() >= 64 * 1024 {
                let whole = (self.pending.len() - 1) / 4 * 4;
                self.decode(whole)?;
            }
        }
        Ok(())
    }

    fn decode(&mut self, len: usize) -> Result<(), Base64Error> {
        self.decoded.clear();
        let result = STANDARD.decode_vec(&self.pending[..len], &mut self.decoded);
        if let Err(e) = result {
            self.failed = true;
            return Err(Base64Error::Invalid(e.to_string()));
        }
        self.out.write_all(&self.decoded).map_err(Base64Error::Io)?;
        self.written += self.decoded.len() as u64;
        self.pending.drain(..len);
        Ok(())
    }

    fn finish(mut self) -> Result<(u64, W), Base64Error> {
        if self.failed {
            return Err(Base64Error::Invalid("see above".into()));
        }
        let len = self.pending.len();
        if len > 0 {
            self.decode(len)?;
        }
        self.out.flush().map_err(Base64Error::Io)?;
        Ok((self.written, self.out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use aes_gcm::KeyInit;
    use std::io::Read;

    fn read_str(xml: &str) -> (Result<PushRequest, ReadError>, Vec<u8>) {
        let cipher = Aes256Gcm::new(&[3u8; 32].into());
        let dir = tempfile::tempdir().unwrap();
        let xml_path = dir.path().join("r.xml");
        let csv_path = dir.path().join("r.csv");
        let mut sealed = SealedWriter::new(File::create(&xml_path).unwrap(), cipher.clone()).unwrap();
        sealed.write_all(xml.as_bytes()).unwrap();
        sealed.finish().unwrap();
        let result = read(&xml_path, &csv_path, &cipher);
        let mut csv = Vec::new();
        if result.as_ref().is_ok_and(|r| r.content_problem.is_none()) {
            SealedReader::new(File::open(&csv_path).unwrap(), cipher)
                .unwrap()
                .read_to_end(&mut csv)
                .unwrap();
        }
        (result, csv)
    }

    #[test]
    fn reads_prefixed_and_padded_values() {
        let content = STANDARD.encode(b"a,b\n");
        let xml = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
            <ns2:PushCSVRequest xmlns:ns2="http://tempuri.org/" ver=" 1.0 " ts="2026-01-01T00:00:00+05:30"
               txn="t1" orgId="org" KeyHash=" abc ">
              <ns2:DocDetails><ns2:DocContent>
                {}
              </ns2:DocContent><ns2:FileName> x&amp;y.csv </ns2:FileName></ns2:DocDetails>
            </ns2:PushCSVRequest>"#,
            content
        );
        let (req, csv) = read_str(&xml);
        let req = req.unwrap();
        assert_eq!(req.ver.as_deref(), Some("1.0"));
        assert_eq!(req.keyhash.as_deref(), Some("abc"));
        assert_eq!(req.file_name.as_deref(), Some("x&y.csv"));
        assert_eq!(csv, b"a,b\n");
        assert!(req.content_problem.is_none());
    }

    #[test]
    fn decodes_large_content_across_chunks() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let encoded = STANDARD.encode(&data);
        // Wrap at 76 columns, as MIME encoders do.
        let wrapped: Vec<String> = encoded
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        let xml = format!(
            "<PushCSVRequest><DocDetails><DocContent>{}</DocContent></DocDetails></PushCSVRequest>",
            wrapped.join("\n")
        );
        let (req, csv) = read_str(&xml);
        assert_eq!(req.unwrap().csv_bytes, data.len() as u64);
        assert_eq!(csv, data);
    }

    #[test]
    fn bad_base64_is_a_content_problem() {
        let (req, _) =
            read_str("<PushCSVRequest><DocDetails><DocContent>@@@@</DocContent></DocDetails></PushCSVRequest>");
        assert!(req.unwrap().content_problem.unwrap().contains("base64"));
    }

    #[test]
    fn doctype_and_malformed_bodies_are_refused() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><PushCSVRequest>&lol2;</PushCSVRequest>"#;
        assert!(matches!(read_str(bomb).0, Err(ReadError::Xml(XmlError::Doctype))));
        assert!(matches!(
            read_str("<PushCSVRequest><a></b></PushCSVRequest>").0,
            Err(ReadError::Xml(XmlError::Malformed(_)))
        ));
        assert!(matches!(
            read_str("<PushCSVRequest>").0,
            Err(ReadError::Xml(XmlError::Malformed(_)))
        ));
        assert!(matches!(
            read_str("not xml").0,
            Err(ReadError::Xml(XmlError::Malformed(_)))
        ));
        assert!(matches!(
            read_str("<a/><b/>").0,
            Err(ReadError::Xml(XmlError::Malformed(_)))
        ));
        assert!(matches!(
            read_str("<a>&foo;</a>").0,
            Err(ReadError::Xml(XmlError::Malformed(_)))
        ));
    }
}
