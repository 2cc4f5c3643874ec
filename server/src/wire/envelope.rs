//! The signed request envelope that every request we send carries, the
//! locker's Pull Doc and Pull URI and the repository's Push CSV alike:
//! `<Root xmlns:ns2 ver ts txn orgId keyhash><DocDetails>…</DocDetails></Root>`
//! with `keyhash = sha256(api_key + ts)` and a fresh `txn`; v1.13's Pull URI
//! request is `<PullURIRequest xmlns ver="3.0" … format>` instead.

use serde::Serialize;

use crate::platform::{crypto, dates};
use crate::wire::writer;

/// The namespace the specifications give every request and answer.
pub const NAMESPACE: &str = "http://tempuri.org/";

/// The signed header of one request: who sends it, when, and its proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub org_id: String,
    pub ts: String,
    pub txn: String,
    pub keyhash: String,
}

impl Signature {
    /// Signs a request sent now by `org_id` holding `api_key`.
    pub fn now(org_id: &str, api_key: &[u8]) -> Signature {
        let ts = dates::now_ts();
        Signature {
            org_id: org_id.to_owned(),
            keyhash: crypto::sha256_hex(&[api_key, ts.as_bytes()]),
            ts,
            txn: crypto::random_hex(12),
        }
    }
}

/// The shape of the root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The original specification's: `xmlns:ns2`, `ver="1.0"`.
    Original,
    /// Issuer API v1.13's Pull URI (§8.1.2): `xmlns`, `ver="3.0"`, and the
    /// `format` asked for (`xml`, `pdf` or `both`).
    PullUriV113 { format: &'static str },
}

#[derive(Serialize)]
struct Envelope<'a, D> {
    #[serde(rename = "@xmlns:ns2", skip_serializing_if = "Option::is_none")]
    prefixed_ns: Option<&'static str>,
    #[serde(rename = "@xmlns", skip_serializing_if = "Option::is_none")]
    default_ns: Option<&'static str>,
    #[serde(rename = "@ver")]
    ver: &'static str,
    #[serde(rename = "@ts")]
    ts: &'a str,
    #[serde(rename = "@txn")]
    txn: &'a str,
    #[serde(rename = "@orgId")]
    org_id: &'a str,
    #[serde(rename = "@keyhash")]
    keyhash: &'a str,
    #[serde(rename = "@format", skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    #[serde(rename = "DocDetails")]
    details: D,
}

/// The request document `<root …>` (`PullDocRequest`, `PullURIRequest`,
/// `PushCSVRequest`) signed by `signature`, with `details` as its
/// `DocDetails`, in the given `form`.
pub fn request_xml<D: Serialize>(root: &str, signature: &Signature, form: Form, details: D) -> String {
    let (prefixed_ns, default_ns, ver, format) = match form {
        Form::Original => (Some(NAMESPACE), None, "1.0", None),
        Form::PullUriV113 { format } => (None, Some(NAMESPACE), "3.0", Some(format)),
    };
    let envelope = Envelope {
        prefixed_ns,
        default_ns,
        ver,
        ts: &signature.ts,
        txn: &signature.txn,
        org_id: &signature.org_id,
        keyhash: &signature.keyhash,
        format,
        details,
    };
    writer::to_xml_with_root(root, &envelope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_carries_the_signature_as_attributes_of_the_named_root() {
        let signature = Signature::now("org1", b"key");
        assert_eq!(
            signature.keyhash,
            crypto::sha256_hex(&[b"key", signature.ts.as_bytes()]),
            "keyhash is sha256(api_key + ts)"
        );
        #[derive(Serialize)]
        struct Details {
            #[serde(rename = "URI")]
            uri: &'static str,
        }
        let xml = request_xml("PullDocRequest", &signature, Form::Original, Details { uri: "a&b" });
        let expected = format!(
            r#"<PullDocRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="{}" txn="{}" orgId="org1" keyhash="{}"><DocDetails><URI>a&amp;b</URI></DocDetails></PullDocRequest>"#,
            signature.ts, signature.txn, signature.keyhash
        );
        assert!(xml.ends_with(&expected), "{xml}");
    }
}
