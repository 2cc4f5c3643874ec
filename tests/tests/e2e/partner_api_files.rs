//! The Authorized Partner API's Uploaded Documents, as a partner calls
//! them: the list folder by folder, and the upload signed with
//! base64(HMAC-SHA256(file, client_secret)) computed here with the `hmac`
//! crate from the specification's words. Every refused upload leaves the
//! locker as it was.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::partner_client::*;
use crate::support::*;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// `POST /public/oauth2/1/file/upload` with the headers a partner sends.
fn upload(setup: &Setup, token: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut request = ureq::http::Request::post(setup.server.url("/public/oauth2/1/file/upload"))
        .header("Authorization", format!("Bearer {token}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = transport(request.body(body.to_vec()).unwrap()).unwrap();
    Resp {
        status: response.status().as_u16(),
        headers: Vec::new(),
        body: response.body().clone(),
    }
}

/// The resident's folder "Receipts" holding bill.pdf, and photo.png at the
/// top: the folder's id.
fn a_folder_and_two_files(setup: &Setup) -> i64 {
    let resident = setup.server.login_resident(MOBILE);
    let folder = resident.post_json(
        &setup.server.url("/api/folders"),
        &serde_json::json!({"name": "Receipts"}),
    );
    assert_eq!(folder.status, 201, "{}", folder.text());
    let folder_id = folder.json()["id"].as_i64().unwrap();
    let inside_url = setup
        .server
        .url(&format!("/api/uploaded?name=bill.pdf&folder={folder_id}"));
    assert_eq!(resident.post(&inside_url, "application/pdf", PDF).status, 201);
    let top = resident.post(&setup.server.url("/api/uploaded?name=photo.png"), "image/png", PNG);
    assert_eq!(top.status, 201, "{}", top.text());
    folder_id
}

/// The top level lists the folder, then the loose file, whose uri opens it.
fn assert_top_level(setup: &Setup, token: &str, folder_id: i64) -> serde_json::Value {
    let root = setup.call("/public/oauth2/1/files/", token);
    assert_eq!(root.status, 200, "{}", root.text());
    let root = root.json();
    assert_eq!(root["directory"], "/");
    let items = root["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{root}");
    let folder = (
        items[0]["type"].as_str(),
        items[0]["name"].as_str(),
        items[0]["id"].as_str(),
    );
    assert_eq!(
        folder,
        (Some("dir"), Some("Receipts"), Some(folder_id.to_string().as_str()))
    );
    let photo = &items[1];
    assert_eq!(
        (photo["type"].as_str(), photo["mime"].as_str()),
        (Some("file"), Some("image/png"))
    );
    assert_eq!(
        (photo["size"].clone(), photo["parent"].as_str()),
        (PNG.len().to_string().into(), Some(""))
    );
    let opened = setup.call(
        &format!("/public/oauth2/1/file/{}", photo["uri"].as_str().unwrap()),
        token,
    );
    assert_eq!((opened.status, opened.body.as_slice()), (200, PNG));
    root
}

#[test]
fn uploaded_documents_are_listed_folder_by_folder() {
    let setup = Setup::new(REDIRECT);
    let token = setup.access_token(&["files.uploadeddocs"]);
    let folder_id = a_folder_and_two_files(&setup);
    let root = assert_top_level(&setup, &token, folder_id);
    // Without the trailing slash too.
    assert_eq!(setup.call("/public/oauth2/1/files", &token).json(), root);
    let listed = setup
        .call(&format!("/public/oauth2/1/files/{folder_id}"), &token)
        .json();
    assert_eq!(listed["directory"], "/Receipts");
    assert_eq!(listed["items"][0]["name"], "bill.pdf");
    assert_eq!(listed["items"][0]["parent"], folder_id.to_string());
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[test]
fn an_unknown_folder_or_another_residents_is_invalid_id_and_the_scope_is_checked() {
    let setup = Setup::new(REDIRECT);
    let token = setup.access_token(&["files.uploadeddocs"]);
    setup.server.resident(&aadhaar(32), "9000000032");
    let other = setup.server.login_resident("9000000032");
    let theirs = other.post_json(&setup.server.url("/api/folders"), &serde_json::json!({"name": "Mine"}));
    let theirs = theirs.json()["id"].as_i64().unwrap().to_string();
    for missing in ["999999", "Receipts", "-1", theirs.as_str()] {
        let refused = setup.call(&format!("/public/oauth2/1/files/{missing}"), &token);
        assert_eq!(error_of(&refused), (404, "invalid_id".into()), "{missing}");
    }
    let issued_only = setup.access_token(&["files.issueddocs"]);
    let refused = setup.call("/public/oauth2/1/files/", &issued_only);
    assert_eq!(error_of(&refused), (403, "insufficient_scope".into()));
}

/// The resident's uploaded files as `FOLDER/NAME`, sorted, and the id of
/// the one named `name`.
fn stored_files(setup: &Setup, resident: &Http, name: &str) -> (Vec<String>, i64) {
    let files = resident.get(&setup.server.url("/api/uploaded")).json();
    let files = files.as_array().unwrap();
    let mut names: Vec<String> = files
        .iter()
        .map(|f| format!("{}/{}", f["folder"].as_str().unwrap_or(""), f["name"].as_str().unwrap()))
        .collect();
    names.sort();
    let id = files.iter().find(|f| f["name"] == name).unwrap()["id"]
        .as_i64()
        .unwrap();
    (names, id)
}

#[test]
fn a_signed_upload_lands_in_uploaded_documents_and_a_taken_name_is_numbered() {
    let setup = Setup::new(REDIRECT);
    let token = setup.access_token(&["files.upload", "files.uploadeddocs"]);
    let hmac = signature(&setup.secret, PDF);
    let headers = [
        ("path", "/Receipts/bill.pdf"),
        ("hmac", &hmac),
        ("Content-Type", "application/pdf"),
    ];
    let saved = upload(&setup, &token, &headers, PDF);
    assert_eq!(saved.status, 200, "{}", saved.text());
    let answer = serde_json::json!({"path": "/Receipts/bill.pdf", "size": PDF.len().to_string()});
    assert_eq!(saved.json(), answer);
    let again = upload(&setup, &token, &[("path", "Receipts/bill.pdf"), ("hmac", &hmac)], PDF);
    assert_eq!(again.json()["path"], "/Receipts/bill (2).pdf", "{}", again.text());
    let png_hmac = signature(&setup.secret, PNG);
    let png = upload(
        &setup,
        &token,
        &[
            ("path", "photo.png"),
            ("hmac", &png_hmac),
            ("Content-Type", "image/png"),
        ],
        PNG,
    );
    assert_eq!(png.json()["path"], "/photo.png", "{}", png.text());

    let resident = setup.server.login_resident(MOBILE);
    let (names, bill) = stored_files(&setup, &resident, "bill.pdf");
    assert_eq!(names, ["/photo.png", "Receipts/bill (2).pdf", "Receipts/bill.pdf"]);
    let bytes = resident.get(&setup.server.url(&format!("/api/uploaded/{bill}/file")));
    assert_eq!(bytes.body, PDF);
    let log = resident.get(&setup.server.url("/api/activity")).json();
    let saved_entry = "Jobs Portal: saved /Receipts/bill.pdf to your uploaded documents";
    let logged = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["detail"] == saved_entry);
    assert!(logged, "{log}");
}

/// A refused upload: what it is, its headers, body and expected answer.
struct Case<'a> {
    what: &'a str,
    headers: Vec<(&'a str, String)>,
    body: &'a [u8],
    expected: (u16, &'a str),
}

fn case<'a>(
    what: &'a str,
    path: Option<&str>,
    hmac: Option<String>,
    body: &'a [u8],
    expected: (u16, &'a str),
) -> Case<'a> {
    let mut headers = Vec::new();
    if let Some(path) = path {
        headers.push(("path", path.to_owned()));
    }
    if let Some(hmac) = hmac {
        headers.push(("hmac", hmac));
    }
    Case {
        what,
        headers,
        body,
        expected,
    }
}

/// Every way an upload is refused, each before anything is stored.
fn refused_cases<'a>(secret: &str, gif: &'a [u8], over: &'a [u8]) -> Vec<Case<'a>> {
    let mut cases = hmac_cases(secret);
    cases.extend(content_cases(secret, gif, over));
    cases
}

fn hmac_cases(secret: &str) -> Vec<Case<'static>> {
    let mismatch = (401, "hmac_mismatch");
    vec![
        case(
            "hmac of other bytes",
            Some("a.pdf"),
            Some(signature(secret, b"other")),
            PDF,
            mismatch,
        ),
        case(
            "hmac by another key",
            Some("a.pdf"),
            Some(signature("not-the-secret", PDF)),
            PDF,
            mismatch,
        ),
        case("no hmac", Some("a.pdf"), None, PDF, mismatch),
        case("hmac not base64", Some("a.pdf"), Some("!!!".into()), PDF, mismatch),
    ]
}

fn content_cases<'a>(secret: &str, gif: &'a [u8], over: &'a [u8]) -> Vec<Case<'a>> {
    let good = || Some(signature(secret, PDF));
    let (mime, size) = ((400, "mimetype_mismatch"), (400, "invalid_filesize"));
    let mut pdf_as_png = case("a PDF sent as PNG", Some("a.png"), good(), PDF, mime);
    pdf_as_png.headers.push(("Content-Type", "image/png".into()));
    vec![
        case("no path", None, good(), PDF, (400, "path_missing")),
        case(
            "a folder with no name",
            Some("Receipts/"),
            good(),
            PDF,
            (400, "path_missing"),
        ),
        case("a deep path", Some("a/b/c.pdf"), good(), PDF, (400, "invalid_request")),
        case("a GIF", Some("a.gif"), Some(signature(secret, gif)), gif, mime),
        pdf_as_png,
        case("an empty file", Some("a.pdf"), Some(signature(secret, b"")), b"", size),
        case("over 10 MB", Some("a.pdf"), Some(signature(secret, over)), over, size),
    ]
}

/// The locker holds no file, no folder and no spooled body.
fn assert_nothing_stored(setup: &Setup) {
    let resident = setup.server.login_resident(MOBILE);
    assert_eq!(
        resident.get(&setup.server.url("/api/uploaded")).json(),
        serde_json::json!([])
    );
    assert_eq!(
        resident.get(&setup.server.url("/api/folders")).json(),
        serde_json::json!([])
    );
    let incoming = setup.server.data.join("incoming");
    let left: Vec<_> = std::fs::read_dir(&incoming)
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_wrong_hmac_a_missing_path_a_wrong_type_or_size_and_a_wrong_scope_store_nothing() {
    let setup = Setup::new(REDIRECT);
    let token = setup.access_token(&["files.upload"]);
    let gif = b"GIF89a\x01\0\x01\0\0\0\0;";
    let over = [b"%PDF-1.4\n".as_slice(), &vec![b' '; 10 * 1024 * 1024]].concat();
    for Case {
        what,
        headers,
        body,
        expected,
    } in refused_cases(&setup.secret, gif, &over)
    {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = upload(&setup, &token, &headers, body);
        assert_eq!(
            error_of(&refused),
            (expected.0, expected.1.to_owned()),
            "{what}: {}",
            refused.text()
        );
    }
    let good = signature(&setup.secret, PDF);
    let made_up = upload(&setup, "made-up", &[("path", "a.pdf"), ("hmac", &good)], PDF);
    assert_eq!(error_of(&made_up), (401, "invalid_token".into()));
    let reader = setup.access_token(&["files.uploadeddocs"]);
    let no_scope = upload(&setup, &reader, &[("path", "a.pdf"), ("hmac", &good)], PDF);
    assert_eq!(error_of(&no_scope), (403, "insufficient_scope".into()));
    assert_nothing_stored(&setup);
}
