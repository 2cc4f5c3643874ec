//! The JSON shapes of the resident API, as the app reads them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `GET /api/me`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Me {
    pub name: String,
    /// Already masked by the server (`XXXX XXXX 1234`).
    pub aadhaar: String,
    pub mobile: String,
    pub csrf_token: String,
    #[serde(default)]
    pub identity: Identity,
}

/// Whether the resident's identity is verified (`GET /api/me`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Identity {
    /// `verified` or `unverified`.
    pub state: String,
    /// `operator`, `counter` or `ekyc`.
    pub method: Option<String>,
}

impl Identity {
    /// Whether the locker vouches for the resident's identity.
    pub fn is_verified(&self) -> bool {
        self.state == "verified"
    }
}

/// `POST /api/identity/otp`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct OtpSent {
    pub txn: String,
    pub masked_mobile: String,
}

/// One entry of `GET /api/issued`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct IssuedDoc {
    pub uri: String,
    pub issuer_name: String,
    pub doc_type_name: Option<String>,
    pub doc_type: String,
    pub doc_name: String,
    pub issued_on: Option<String>,
    pub source: Option<String>,
    pub validity: String,
}

/// One entry of `GET /api/issuers`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PullIssuer {
    pub issuer_id: String,
    pub name: String,
    pub doc_types: Vec<PullDocType>,
}

/// A doc type that can be searched, with its search fields.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PullDocType {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub sends_uid: bool,
}

/// `POST /api/pull`.
#[derive(Clone, Debug, Serialize)]
pub struct PullRequest {
    pub issuer_id: String,
    pub doc_type: String,
    pub fields: BTreeMap<String, String>,
}

/// The answer of `POST /api/pull`.
#[derive(Clone, Debug, Deserialize)]
pub struct PullAnswer {
    /// `saved`, `no_match` or `pending`.
    pub status: String,
    #[serde(default)]
    pub new: Option<bool>,
    #[serde(default)]
    pub message: String,
}

/// A folder of Uploaded Documents.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Folder {
    pub id: i64,
    pub name: String,
    pub files: i64,
}

/// One uploaded file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct UploadedFile {
    pub id: i64,
    pub name: String,
    pub folder: Option<String>,
    pub folder_id: Option<i64>,
    pub size: i64,
    pub content_type: String,
    pub uploaded_at: i64,
}

/// A page of the activity log.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    pub next_before: Option<i64>,
}

/// One activity entry.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ActivityEntry {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub detail: String,
    pub ip: String,
    pub user_agent: String,
}

/// `POST /widget/api/check`: the requester a popup works for.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Requester {
    pub app_name: String,
    /// The partner page's registered origin, the only `postMessage` target.
    pub origin: String,
}

/// `POST /api/shares`: the minted document URL.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Minted {
    pub doc_url: String,
    pub doc_name: String,
}

/// One entry of `GET /api/shares`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ShareEntry {
    pub id: i64,
    pub doc_name: String,
    pub app_name: String,
    pub origin: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_fetches: i64,
    pub fetches: i64,
    /// `active`, `expired`, `used_up` or `revoked`.
    pub state: String,
}

/// A size in bytes, for people.
pub fn human_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(10), "10 B");
        assert_eq!(human_size(2048), "2.0 KB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MB");
    }

    #[test]
    fn an_issued_document_parses_with_optional_fields_missing() {
        let doc: IssuedDoc = serde_json::from_str(
            r#"{"uri":"u","issuer_id":"i","issuer_name":"I","doc_type":"MSTN","doc_type_name":null,
                "doc_name":"Marks","doc_id":"1","issued_on":"2024-05-01","source":"pull","validity":"valid"}"#,
        )
        .unwrap();
        assert_eq!(doc.source.as_deref(), Some("pull"));
    }
}
