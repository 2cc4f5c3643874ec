//! Push CSV rows and requests as an issuer sends them, and reading the
//! answers.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use sha2::{Digest, Sha256};

/// One CSV row with sensible defaults.
pub fn row(aadhaar: &str, issuer: &str, doc_type: &str, doc_id: &str, action: &str) -> String {
    format!(
        "{aadhaar},{issuer}-{doc_type}-{doc_id},{doc_type},Statement of Marks,{doc_id},01/05/2024,01/05/2024,31/12/2099,01/05/2024 10:00:00 AM,{action}\n"
    )
}

/// The request `ts` for now, in India's offset.
pub fn now_ts() -> String {
    ts_at(time::OffsetDateTime::now_utc())
}

pub fn ts_at(at: time::OffsetDateTime) -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
    );
    at.to_offset(time::macros::offset!(+5:30)).format(&fmt).unwrap()
}

/// A fresh transaction id.
pub fn new_txn() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("txn-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// `sha256(key + ts)` in lowercase hex.
pub fn keyhash(key: &str, ts: &str) -> String {
    hex::encode(Sha256::digest(format!("{key}{ts}").as_bytes()))
}

/// A spec-shaped `PushCSVRequest`.
pub fn push_xml(org_id: &str, key: &str, ts: &str, txn: &str, csv: &[u8]) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<PushCSVRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="{ts}" txn="{txn}" orgId="{org_id}" keyhash="{}">
  <DocDetails>
    <DocContent>{}</DocContent>
    <FileName>marks.csv</FileName>
  </DocDetails>
</PushCSVRequest>"#,
        keyhash(key, ts),
        base64::engine::general_purpose::STANDARD.encode(csv)
    )
}

/// The fields of a `PushCSVResponse`.
#[derive(Debug)]
pub struct PushResult {
    pub status: String,
    pub message: String,
    pub raw: String,
}

impl PushResult {
    pub fn parse(xml: &str) -> PushResult {
        PushResult {
            status: element(xml, "ResponseStatus"),
            message: element(xml, "ResponseMessage"),
            raw: xml.into(),
        }
    }

    pub fn task_id(&self) -> i64 {
        let after = self
            .message
            .split("as task ")
            .nth(1)
            .unwrap_or_else(|| panic!("no task id in {}", self.raw));
        after
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Asserts Status 0 with a message that mentions `needle`.
    pub fn assert_refused(&self, needle: &str) {
        assert_eq!(self.status, "0", "expected a refusal: {}", self.raw);
        assert!(
            self.message.contains(needle),
            "message {:?} should mention {needle:?}",
            self.message
        );
    }
}

/// The text of the first `<name>` element (tests read only our own answers).
pub fn element(xml: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let start = xml
        .find(&open)
        .map(|i| i + open.len())
        .unwrap_or_else(|| panic!("no <{name}> in {xml}"));
    let end = xml[start..].find(&format!("</{name}>")).unwrap() + start;
    xml[start..end].to_owned()
}
