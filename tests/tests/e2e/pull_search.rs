//! "Get documents from issuers": a resident of one server (the locker)
//! searches a department's repository (a second server) by Pull URI; the
//! URI found lands in Issued Documents, marked as pulled, and opens live.

use crate::support::*;

pub const PDF: &[u8] = b"%PDF-1.7\n% class XII marks\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

pub struct Setup {
    pub repository: Server,
    pub locker: Server,
    /// The marks sheet of `aadhaar(1)`, roll number 1001 of 2024.
    pub uri: String,
    _dir: tempfile::TempDir,
}

/// A repository with doc types HSCER (by RollNo and Year), VERIF (verified
/// by hand) and OWNED (matched by owner too), and a locker that knows it as
/// issuer cbse.nic.in with both Pull URLs, and residents `aadhaar(1)` and
/// `aadhaar(2)`. `pull_uri_url` replaces the real Pull URI URL.
pub fn setup(pull_uri_url: Option<&str>) -> Setup {
    let repository = Server::start(&[]);
    repository.add_cbse(&[]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("marks.pdf");
    std::fs::write(&file, PDF).unwrap();
    let mut uris = Vec::new();
    let flags = [
        "--udf",
        "RollNo=1001",
        "--udf",
        "Year=2024",
        "--owner-name",
        "Asha Devi",
    ];
    for (code, extra) in [("HSCER", None), ("VERIF", Some("--verify-by-hand")), ("OWNED", None)] {
        add_doc_type(&repository, code, extra);
        uris.push(repository.add_repo_doc(code, &file, &aadhaar(1), &flags));
    }
    let (org_id, api_key) = repository.add_repo_client("locker");

    let locker = Server::start(&[]);
    let real_url = repository.url("/repository/api/pulluri/1/xml");
    let doc_url = repository.url("/repository/api/pulldoc/1/xml");
    let uri_url = pull_uri_url.unwrap_or(&real_url);
    locker.add_cbse(&[
        "--pull-uri-url",
        uri_url,
        "--pull-doc-url",
        &doc_url,
        "--pull-org-id",
        &org_id,
        "--pull-api-key",
        &api_key,
    ]);
    for (code, extra) in [("HSCER", None), ("VERIF", None), ("OWNED", Some("--sends-uid"))] {
        add_doc_type(&locker, code, extra);
    }
    locker.resident(&aadhaar(1), "9876543210");
    locker.resident(&aadhaar(2), "9876543211");
    Setup {
        repository,
        locker,
        uri: uris.remove(0),
        _dir: dir,
    }
}

/// Adds doc type `code` of cbse.nic.in, searched by RollNo and Year.
fn add_doc_type(server: &Server, code: &str, extra: Option<&str>) {
    let flags: Vec<&str> = ["--udf", "RollNo", "--udf", "Year"].into_iter().chain(extra).collect();
    server.add_cbse_doc_type(code, "Class XII marks", &flags);
}

pub fn search(http: &Http, locker: &Server, doc_type: &str, fields: serde_json::Value) -> Resp {
    http.post_json(
        &locker.url("/api/pull"),
        &serde_json::json!({ "issuer_id": "cbse.nic.in", "doc_type": doc_type, "fields": fields }),
    )
}

/// The found document is in Issued Documents as pulled, and opens with
/// the repository's bytes.
fn assert_saved_as_pulled(s: &Setup, http: &Http) {
    let issued = http.get(&s.locker.url("/api/issued")).json();
    let doc = issued
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["uri"] == s.uri.as_str())
        .unwrap_or_else(|| panic!("{} not in {issued}", s.uri));
    assert_eq!(doc["source"], "pull");
    assert_eq!(doc["doc_type_name"], "Class XII marks");
    let file = http.get(&s.locker.url(&format!("/api/issued/{}/file", s.uri)));
    assert_eq!(file.status, 200);
    assert_eq!(file.body, PDF, "the bytes of the repository's file");
}

#[test]
fn a_found_document_is_saved_as_pulled_and_opens_live() {
    let s = setup(None);
    let http = s.locker.login_resident("9876543210");
    let issuers = http.get(&s.locker.url("/api/issuers")).json();
    assert_eq!(issuers[0]["issuer_id"], "cbse.nic.in", "{issuers}");
    let hscer = issuers[0]["doc_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "HSCER")
        .unwrap();
    assert_eq!(hscer["fields"], serde_json::json!(["RollNo", "Year"]));

    let marks = || serde_json::json!({ "RollNo": "1001", "Year": "2024" });
    let found = search(&http, &s.locker, "HSCER", marks());
    assert_eq!(found.status, 201, "{}", found.text());
    let found = found.json();
    assert_eq!(found["status"], "saved");
    assert_eq!(found["uri"], s.uri.as_str());
    assert_eq!(found["new"], true);

    assert_saved_as_pulled(&s, &http);

    let again = search(&http, &s.locker, "HSCER", marks());
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["new"], false, "searching twice saves once");

    let activity = http.get(&s.locker.url("/api/activity")).json();
    let kinds: Vec<_> = activity["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(kinds.contains(&"pulled".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"opened".to_owned()), "{kinds:?}");

    // The other resident's locker does not get it.
    let other = s.locker.login_resident("9876543211");
    let theirs = other.get(&s.locker.url("/api/issued")).json();
    assert!(!theirs.to_string().contains(&s.uri), "{theirs}");
    let denied = other.get(&s.locker.url(&format!("/api/issued/{}/file", s.uri)));
    assert_eq!(denied.status, 404);
    drop(s.repository);
}

#[test]
fn no_match_pending_and_an_owner_mismatch_each_get_their_own_answer() {
    let s = setup(None);
    let http = s.locker.login_resident("9876543210");
    let none = search(
        &http,
        &s.locker,
        "HSCER",
        serde_json::json!({ "RollNo": "9999", "Year": "2024" }),
    );
    assert_eq!(none.status, 200, "{}", none.text());
    assert_eq!(none.json()["status"], "no_match");
    assert!(none.json()["message"].as_str().unwrap().contains("found no"));

    let pending = search(
        &http,
        &s.locker,
        "VERIF",
        serde_json::json!({ "RollNo": "1001", "Year": "2024" }),
    );
    assert_eq!(pending.status, 202, "{}", pending.text());
    assert_eq!(pending.json()["status"], "pending");
    assert!(pending.json()["message"].as_str().unwrap().contains("verifying"));

    // OWNED sends the resident's UID: the repository matches the owner too.
    let fields = serde_json::json!({ "RollNo": "1001", "Year": "2024" });
    let other = s.locker.login_resident("9876543211");
    let mismatch = search(&other, &s.locker, "OWNED", fields.clone());
    assert_eq!(mismatch.json()["status"], "no_match", "{}", mismatch.text());
    let owner = search(&http, &s.locker, "OWNED", fields);
    assert_eq!(owner.status, 201, "{}", owner.text());

    let issued = http.get(&s.locker.url("/api/issued")).json();
    assert_eq!(
        issued.as_array().unwrap().len(),
        1,
        "only the found document is saved: {issued}"
    );
}

#[test]
fn bad_searches_are_refused_before_the_issuer_is_asked() {
    let s = setup(None);
    let http = s.locker.login_resident("9876543210");
    let missing = search(&http, &s.locker, "HSCER", serde_json::json!({ "RollNo": "1001" }));
    assert_eq!(missing.status, 400);
    assert!(missing.text().contains("Year is required"), "{}", missing.text());
    let extra = search(
        &http,
        &s.locker,
        "HSCER",
        serde_json::json!({ "RollNo": "1", "Year": "2", "Name": "x" }),
    );
    assert_eq!(extra.status, 400);
    let unknown = search(&http, &s.locker, "NOPE", serde_json::json!({}));
    assert_eq!(unknown.status, 404);
    let no_csrf = http.post_without_csrf(
        &s.locker.url("/api/pull"),
        "application/json",
        br#"{"issuer_id":"cbse.nic.in","doc_type":"HSCER","fields":{"RollNo":"1001","Year":"2024"}}"#,
    );
    assert_eq!(no_csrf.status, 403);
    let signed_out = Http::new().get(&s.locker.url("/api/issuers"));
    assert_eq!(signed_out.status, 401);
}

#[test]
fn an_issuer_that_is_down_is_a_clear_502() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/repository/api/pulluri/1/xml", closed.local_addr().unwrap());
    drop(closed);
    let s = setup(Some(&url));
    let http = s.locker.login_resident("9876543210");
    let down = search(
        &http,
        &s.locker,
        "HSCER",
        serde_json::json!({ "RollNo": "1001", "Year": "2024" }),
    );
    assert_eq!(down.status, 502, "{}", down.text());
    assert!(
        down.text().contains("issuer cbse.nic.in is unavailable"),
        "{}",
        down.text()
    );
    let issued = http.get(&s.locker.url("/api/issued")).json();
    assert_eq!(issued, serde_json::json!([]));
}
