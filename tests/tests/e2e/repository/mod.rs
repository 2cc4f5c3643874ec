//! The dedicated repository: minting URIs for stored documents, client
//! credentials, and the Pull Doc and Pull URI APIs with each of their
//! refusals. The fixture and the request helpers are here; the tests are
//! in the files below, by API.

mod documents; // repo doc add and import: minted URIs, refusals, verify by hand, manifests
mod pull_doc; // Pull Doc: the stored bytes, accepted forms, every refusal, replays across a crash
mod pull_uri; // Pull URI: search by named or numbered fields, and its refusals

use base64::Engine;

use crate::support::*;

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A repository with one client, one doc type (RollNo, Year) and one document.
pub struct Repo {
    pub server: Server,
    pub org_id: String,
    pub api_key: String,
    pub uri: String,
    _dir: tempfile::TempDir,
}

pub fn repo() -> Repo {
    let server = Server::start(&[]);
    server.add_cbse(&[]);
    server.add_cbse_doc_type("HSCER", "Class XII", &["--udf", "RollNo", "--udf", "Year"]);
    let (org_id, api_key) = server.add_repo_client("Test locker");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("marks.pdf");
    std::fs::write(&file, PDF).unwrap();
    let flags = [
        "--udf",
        "rollno=1234567",
        "--udf",
        "Year=2024",
        "--doc-name",
        "Marksheet 2024",
    ];
    let uri = server.add_repo_doc("hscer", &file, &aadhaar(1), &flags);
    Repo {
        server,
        org_id,
        api_key,
        uri,
        _dir: dir,
    }
}

pub fn pull_doc_xml(org_id: &str, key: &str, ts: &str, txn: &str, uri: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<PullDocRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="{ts}" txn="{txn}" orgId="{org_id}" keyhash="{}">
  <DocDetails><URI>{uri}</URI></DocDetails>
</PullDocRequest>"#,
        keyhash(key, ts)
    )
}

impl Repo {
    pub fn pull(&self, body: &str, hmac: Option<&str>) -> Resp {
        let http = Http::new();
        let url = self.server.url("/repository/api/pulldoc/1/xml");
        match hmac {
            None => http.post(&url, "application/xml", body.as_bytes()),
            Some(h) => http.post_with_header(&url, "application/xml", body.as_bytes(), ("x-digilocker-hmac", h)),
        }
    }

    /// Pulls the fixture's document with these credentials, `ts` and `txn`.
    pub fn pull_as(&self, org_id: &str, key: &str, ts: &str, txn: &str) -> Resp {
        self.pull(&pull_doc_xml(org_id, key, ts, txn, &self.uri), None)
    }

    pub fn pull_uri(&self, uri: &str) -> Resp {
        self.pull(
            &pull_doc_xml(&self.org_id, &self.api_key, &now_ts(), &new_txn(), uri),
            None,
        )
    }
}

pub fn status(xml: &str) -> String {
    let at = xml.find("Status=\"").unwrap_or_else(|| panic!("no Status in {xml}")) + 8;
    xml[at..at + 1].to_owned()
}

pub fn assert_refused(resp: &Resp, needle: &str) {
    let xml = resp.text();
    assert_eq!(resp.status, 200, "{xml}");
    assert_eq!(status(&xml), "0", "{xml}");
    assert!(
        element(&xml, "ResponseMessage").contains(needle),
        "{xml} should mention {needle}"
    );
    assert!(!xml.contains("<DocContent>"));
}

pub fn pull_uri_xml(repo: &Repo, ver: &str, format: Option<&str>, details: &str) -> String {
    let ts = now_ts();
    format!(
        r#"<PullURIRequest xmlns="http://tempuri.org/" ver="{ver}" ts="{ts}" txn="{}" orgId="{}" keyhash="{}"{}><DocDetails>{details}</DocDetails></PullURIRequest>"#,
        new_txn(),
        repo.org_id,
        keyhash(&repo.api_key, &ts),
        format.map(|f| format!(r#" format="{f}""#)).unwrap_or_default()
    )
}

/// The `x-digilocker-hmac` of `body` under `key` (v1.13 §8.1.1).
pub fn raw_hmac(key: &str, body: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

impl Repo {
    /// A Pull URI search; requests of ver 2.0 and later carry the HMAC.
    pub fn search(&self, ver: &str, format: Option<&str>, details: &str) -> String {
        let body = pull_uri_xml(self, ver, format, details);
        let url = self.server.url("/repository/api/pulluri/1/xml");
        let http = Http::new();
        let resp = if ver == "1.0" {
            http.post(&url, "application/xml", body.as_bytes())
        } else {
            let hmac = raw_hmac(&self.api_key, &body);
            http.post_with_header(&url, "application/xml", body.as_bytes(), ("x-digilocker-hmac", &hmac))
        };
        assert_eq!(resp.status, 200, "{}", resp.text());
        resp.text()
    }
}
