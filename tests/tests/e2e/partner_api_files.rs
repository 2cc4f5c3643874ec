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

fn error_of(resp: &Resp) -> (u16, String) {
    (
        resp.status,
        resp.json()["error"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn uploaded_documents_are_listed_folder_by_folder() {
    let setup = Setup::new(REDIRECT);
    let token = setup.access_token(&["files.uploadeddocs"]);
    let resident = setup.server.login_resident(MOBILE);
    let folder = resident.post_json(
        &setup.server.url("/api/folders"),
        &serde_json::json!({"name": "Receipts"}),
    );
    assert_eq!(folder.status, 201, "{}", folder.text());
    let folder_id = folder.json()["id"].as_i64().unwrap();
    let inside = resident.post(
        &setup
            .server
            .url(&format!("/api/uploaded?name=bill.pdf&folder={folder_id}")),
        "application/pdf",
        PDF,
    );
    assert_eq!(inside.status, 201, "{}", inside.text());
    let top = resident.post(&setup.server.url("/api/uploaded?name=photo.png"), "image/png", PNG);
    assert_eq!(top.status, 201, "{}", top.text());

    let root = setup.call("/public/oauth2/1/files/", &token);
    assert_eq!(root.status, 200, "{}", root.text());
    let root = root.json();
    assert_eq!(root["directory"], "/");
    let items = root["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{root}");
    assert_eq!(
        (
            items[0]["type"].as_str(),
            items[0]["name"].as_str(),
            items[0]["id"].as_str()
        ),
        (Some("dir"), Some("Receipts"), Some(folder_id.to_string().as_str()))
    );
    let photo = &items[1];
    assert_eq!(
        (photo["type"].as_str(), photo["mime"].as_str()),
        (Some("file"), Some("image/png"))
    );
    assert_eq!(photo["size"], PNG.len().to_string());
    assert_eq!(photo["parent"], "");
    // The item's uri opens the file.
    let opened = setup.call(
        &format!("/public/oauth2/1/file/{}", photo["uri"].as_str().unwrap()),
        &token,
    );
    assert_eq!((opened.status, opened.body.as_slice()), (200, PNG));

    let listed = setup
        .call(&format!("/public/oauth2/1/files/{folder_id}"), &token)
        .json();
    assert_eq!(listed["directory"], "/Receipts");
    assert_eq!(listed["items"][0]["name"], "bill.pdf");
    assert_eq!(listed["items"][0]["parent"], folder_id.to_string());
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    // Without the trailing slash too.
    assert_eq!(setup.call("/public/oauth2/1/files", &token).json(), root);

    for missing in ["999999", "Receipts", "-1"] {
        let refused = setup.call(&format!("/public/oauth2/1/files/{missing}"), &token);
        assert_eq!(error_of(&refused), (404, "invalid_id".into()), "{missing}");
    }
    // Another resident's folder is not found either.
    let other = setup.server.resident(&aadhaar(32), "9000000032");
    assert!(other > 0);
    let issued_only = setup.access_token(&["files.issueddocs"]);
    let refused = setup.call("/public/oauth2/1/files/", &issued_only);
    assert_eq!(error_of(&refused), (403, "insufficient_scope".into()));
}

#[test]
fn a_signed_upload_lands_in_uploaded_documents_and_a_taken_name_is_numbered() {
    let setup = Setup::new(REDIRECT);
    let token = setup.access_token(&["files.upload", "files.uploadeddocs"]);
    let hmac = signature(&setup.secret, PDF);
    let saved = upload(
        &setup,
        &token,
        &[
            ("path", "/Receipts/bill.pdf"),
            ("hmac", &hmac),
            ("Content-Type", "application/pdf"),
        ],
        PDF,
    );
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(
        saved.json(),
        serde_json::json!({"path": "/Receipts/bill.pdf", "size": PDF.len().to_string()})
    );
    let again = upload(&setup, &token, &[("path", "Receipts/bill.pdf"), ("hmac", &hmac)], PDF);
    assert_eq!(again.json()["path"], "/Receipts/bill (2).pdf", "{}", again.text());
    let png = upload(
        &setup,
        &token,
        &[
            ("path", "photo.png"),
            ("hmac", &signature(&setup.secret, PNG)),
            ("Content-Type", "image/png"),
        ],
        PNG,
    );
    assert_eq!(png.json()["path"], "/photo.png", "{}", png.text());

    let resident = setup.server.login_resident(MOBILE);
    let files = resident.get(&setup.server.url("/api/uploaded")).json();
    let mut names: Vec<String> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}/{}", f["folder"].as_str().unwrap_or(""), f["name"].as_str().unwrap()))
        .collect();
    names.sort();
    assert_eq!(names, ["/photo.png", "Receipts/bill (2).pdf", "Receipts/bill.pdf"]);
    let stored = files
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "bill.pdf")
        .unwrap();
    let bytes = resident.get(&setup.server.url(&format!("/api/uploaded/{}/file", stored["id"])));
    assert_eq!(bytes.body, PDF);

    let log = resident.get(&setup.server.url("/api/activity")).json();
    let details: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .collect();
    assert!(
        details.contains(&"Jobs Portal: saved /Receipts/bill.pdf to your uploaded documents"),
        "{details:?}"
    );
}

/// What is sent, the headers, the body and the status and error expected.
type Case<'a> = (&'a str, Vec<(&'a str, String)>, &'a [u8], (u16, &'a str));

#[test]
fn a_wrong_hmac_a_missing_path_a_wrong_type_or_size_and_a_wrong_scope_store_nothing() {
    let setup = Setup::new(REDIRECT);
    let token = setup.access_token(&["files.upload"]);
    let good = signature(&setup.secret, PDF);
    let gif = b"GIF89a\x01\0\x01\0\0\0\0;";
    let over = [b"%PDF-1.4\n".as_slice(), &vec![b' '; 10 * 1024 * 1024]].concat();
    let cases: Vec<Case> = vec![
        (
            "hmac of other bytes",
            vec![("path", "a.pdf".into()), ("hmac", signature(&setup.secret, b"other"))],
            PDF,
            (401, "hmac_mismatch"),
        ),
        (
            "hmac by another key",
            vec![("path", "a.pdf".into()), ("hmac", signature("not-the-secret", PDF))],
            PDF,
            (401, "hmac_mismatch"),
        ),
        ("no hmac", vec![("path", "a.pdf".into())], PDF, (401, "hmac_mismatch")),
        (
            "hmac not base64",
            vec![("path", "a.pdf".into()), ("hmac", "!!!".into())],
            PDF,
            (401, "hmac_mismatch"),
        ),
        ("no path", vec![("hmac", good.clone())], PDF, (400, "path_missing")),
        (
            "a folder with no name",
            vec![("path", "Receipts/".into()), ("hmac", good.clone())],
            PDF,
            (400, "path_missing"),
        ),
        (
            "a deep path",
            vec![("path", "a/b/c.pdf".into()), ("hmac", good.clone())],
            PDF,
            (400, "invalid_request"),
        ),
        (
            "a GIF",
            vec![("path", "a.gif".into()), ("hmac", signature(&setup.secret, gif))],
            gif,
            (400, "mimetype_mismatch"),
        ),
        (
            "a PDF sent as PNG",
            vec![
                ("path", "a.png".into()),
                ("hmac", good.clone()),
                ("Content-Type", "image/png".into()),
            ],
            PDF,
            (400, "mimetype_mismatch"),
        ),
        (
            "an empty file",
            vec![("path", "a.pdf".into()), ("hmac", signature(&setup.secret, b""))],
            b"",
            (400, "invalid_filesize"),
        ),
        (
            "over 10 MB",
            vec![("path", "a.pdf".into()), ("hmac", signature(&setup.secret, &over))],
            &over,
            (400, "invalid_filesize"),
        ),
    ];
    for (what, headers, body, expected) in cases {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = upload(&setup, &token, &headers, body);
        assert_eq!(
            error_of(&refused),
            (expected.0, expected.1.to_owned()),
            "{what}: {}",
            refused.text()
        );
    }
    let made_up = upload(&setup, "made-up", &[("path", "a.pdf"), ("hmac", &good)], PDF);
    assert_eq!(error_of(&made_up), (401, "invalid_token".into()));
    let reader = setup.access_token(&["files.uploadeddocs"]);
    let no_scope = upload(&setup, &reader, &[("path", "a.pdf"), ("hmac", &good)], PDF);
    assert_eq!(error_of(&no_scope), (403, "insufficient_scope".into()));

    let resident = setup.server.login_resident(MOBILE);
    assert_eq!(
        resident.get(&setup.server.url("/api/uploaded")).json(),
        serde_json::json!([])
    );
    assert_eq!(
        resident.get(&setup.server.url("/api/folders")).json(),
        serde_json::json!([])
    );
    // Nothing is left spooled either.
    let incoming = setup.server.data.join("incoming");
    let left: Vec<_> = std::fs::read_dir(&incoming)
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}
