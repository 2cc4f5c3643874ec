//! Uploaded Documents and folders: what a resident does with them, and what
//! the data folder holds.

use super::*;

/// The upload is listed with its folder, and downloads byte for byte as
/// an attachment.
fn assert_listed_and_downloaded(server: &Server, http: &Http, id: i64, folder: i64, bytes: &[u8]) {
    let list = http.get(&server.url("/api/uploaded")).json();
    let marks = list.as_array().unwrap().iter().find(|f| f["id"] == id).unwrap();
    assert_eq!(marks["name"], "marks.pdf");
    assert_eq!(marks["folder"], "Certificates");
    assert_eq!(marks["folder_id"], folder);
    assert_eq!(marks["size"], 300_000);
    assert!(marks["uploaded_at"].as_i64().unwrap() > 0);
    assert_eq!(list.as_array().unwrap().len(), 3);

    let got = http.get(&server.url(&format!("/api/uploaded/{id}/file")));
    assert_eq!(got.status, 200);
    assert!(got.body == bytes, "downloaded bytes differ from the upload");
    assert_eq!(got.header("content-type"), Some("application/pdf"));
    assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(got.header("content-length"), Some("300000"));
    let disposition = got.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with("attachment") && disposition.contains("marks.pdf"),
        "{disposition}"
    );
}

/// A rename keeps the folder; a `null` folder moves it to the top.
fn assert_renamed_and_moved_to_the_top(http: &Http, url: &str) {
    let renamed = http.put_json(url, &serde_json::json!({ "name": "class-x.pdf" }));
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    assert_eq!(renamed.json()["name"], "class-x.pdf");
    assert_eq!(renamed.json()["folder"], "Certificates", "a rename stays in its folder");
    let top = http.put_json(url, &serde_json::json!({ "folder": null })).json();
    assert!(top["folder"].is_null() && top["name"] == "class-x.pdf", "{top}");
}

#[test]
fn upload_list_download_rename_move_and_delete() {
    let server = Server::start(&[]);
    let http = signed_in(&server, 1);
    let folder = create_folder(&server, &http, "Certificates");
    let bytes = pdf(300_000, "marks");
    let resp = upload(&server, &http, "marks.pdf", Some(folder), &bytes);
    assert_eq!(resp.status, 201, "{}", resp.text());
    let file = resp.json();
    let id = file["id"].as_i64().unwrap();
    assert_eq!(file["content_type"], "application/pdf");
    for (name, bytes, content_type) in [("photo.png", png(), "image/png"), ("scan.jpg", jpeg(), "image/jpeg")] {
        assert_eq!(
            upload(&server, &http, name, None, &bytes).json()["content_type"],
            content_type
        );
    }

    assert_listed_and_downloaded(&server, &http, id, folder, &bytes);
    let url = server.url(&format!("/api/uploaded/{id}"));
    assert_renamed_and_moved_to_the_top(&http, &url);
    let other = create_folder(&server, &http, "Archive");
    let moved = http
        .put_json(&url, &serde_json::json!({ "folder": other, "name": "old.pdf" }))
        .json();
    assert_eq!(moved["folder"], "Archive");
    assert_eq!(moved["name"], "old.pdf");
    assert_eq!(http.put_json(&url, &serde_json::json!({ "name": "a/b" })).status, 400);
    // Names are unique within a folder.
    assert_eq!(
        upload(&server, &http, "old.pdf", Some(other), &pdf(100, "x")).status,
        409
    );
    assert_eq!(
        stored_files(&server.data).len(),
        3,
        "a refused upload leaves no bytes behind"
    );

    assert_eq!(http.delete(&url).status, 204);
    assert_eq!(http.get(&server.url(&format!("/api/uploaded/{id}/file"))).status, 404);
    assert_eq!(http.delete(&url).status, 404);
    let activity = http.get(&server.url("/api/activity")).json();
    let entry = |e: &serde_json::Value| format!("{} {}", e["kind"].as_str().unwrap(), e["detail"].as_str().unwrap());
    let kinds: Vec<String> = activity["entries"].as_array().unwrap().iter().map(entry).collect();
    assert_eq!(kinds[0], "deleted old.pdf");
    assert!(kinds.contains(&"downloaded marks.pdf".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"uploaded marks.pdf".to_owned()), "{kinds:?}");
}

#[test]
fn files_are_sealed_at_rest_and_shared_content_lives_until_its_last_row_goes() {
    let server = Server::start(&[]);
    let (a, b) = (signed_in(&server, 2), signed_in(&server, 3));
    let bytes = pdf(200_000, "PLAINTEXT-MARKER");
    let first = upload(&server, &a, "one.pdf", None, &bytes).json()["id"]
        .as_i64()
        .unwrap();
    let second = upload(&server, &a, "two.pdf", None, &bytes).json()["id"]
        .as_i64()
        .unwrap();
    let theirs = upload(&server, &b, "same.pdf", None, &bytes).json()["id"]
        .as_i64()
        .unwrap();
    let stored = stored_files(&server.data);
    assert_eq!(stored.len(), 1, "equal content is stored once");
    assert!(
        !stored[0].windows(16).any(|w| w == b"PLAINTEXT-MARKER"),
        "stored in plaintext"
    );
    assert!(stored_files(&server.data).len() == 1);
    assert_eq!(a.delete(&server.url(&format!("/api/uploaded/{first}"))).status, 204);
    assert_eq!(b.delete(&server.url(&format!("/api/uploaded/{theirs}"))).status, 204);
    assert_eq!(stored_files(&server.data).len(), 1, "still referred to");
    assert!(a.get(&server.url(&format!("/api/uploaded/{second}/file"))).body == bytes);
    assert_eq!(a.delete(&server.url(&format!("/api/uploaded/{second}"))).status, 204);
    assert_eq!(
        stored_files(&server.data).len(),
        0,
        "the last reference removes the file"
    );
    assert_eq!(std::fs::read_dir(server.data.join("incoming")).unwrap().count(), 0);
}

#[test]
fn a_folder_is_renamed_freely_and_deleted_only_when_empty() {
    let server = Server::start(&[]);
    let http = signed_in(&server, 11);
    let folder = create_folder(&server, &http, "School");
    let dup = http.post_json(&server.url("/api/folders"), &serde_json::json!({ "name": "school" }));
    assert_eq!(dup.status, 409, "{}", dup.text());
    let bad = http.post_json(&server.url("/api/folders"), &serde_json::json!({ "name": " " }));
    assert_eq!(bad.status, 400);
    let url = server.url(&format!("/api/folders/{folder}"));
    let renamed = http.put_json(&url, &serde_json::json!({ "name": "College" }));
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    assert_eq!(renamed.json()["name"], "College");
    let file = upload(&server, &http, "fees.pdf", Some(folder), &pdf(1000, "fees")).json()["id"]
        .as_i64()
        .unwrap();
    let list = http.get(&server.url("/api/folders")).json();
    assert_eq!(list[0]["files"], 1);
    let refused = http.delete(&url);
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert!(refused.text().contains("still holds 1 file"), "{}", refused.text());
    let moved = http.put_json(
        &server.url(&format!("/api/uploaded/{file}")),
        &serde_json::json!({ "folder": null }),
    );
    assert_eq!(moved.status, 200);
    assert_eq!(http.delete(&url).status, 204);
    assert_eq!(http.delete(&url).status, 404);
    assert_eq!(
        http.get(&server.url("/api/folders")).json().as_array().unwrap().len(),
        0
    );
}

#[test]
fn a_non_ascii_name_survives_upload_and_download() {
    let server = Server::start(&[]);
    let http = signed_in(&server, 12);
    let name = "अंकपत्र 2024.pdf";
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let resp = upload(&server, &http, &encoded, None, &pdf(500, "hindi"));
    assert_eq!(resp.status, 201, "{}", resp.text());
    assert_eq!(resp.json()["name"], name);
    let id = resp.json()["id"].as_i64().unwrap();
    let got = http.get(&server.url(&format!("/api/uploaded/{id}/file")));
    assert_eq!(got.status, 200, "{}", got.text());
    let disposition = got.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    assert!(disposition.contains("2024.pdf"), "{disposition}");
}

#[test]
fn a_restart_keeps_uploads_and_sweeps_away_stored_bytes_no_row_refers_to() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start_in(&data, &[]);
    let http = signed_in(&server, 13);
    let bytes = pdf(70_000, "kept");
    let id = upload(&server, &http, "kept.pdf", None, &bytes).json()["id"]
        .as_i64()
        .unwrap();
    drop(server);
    // What a crash between storing and recording an upload leaves: an old
    // stored file with no row.
    let orphan = data.join("uploads/ab").join("ab".repeat(32));
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"OLS2 leftover").unwrap();
    // Age every stored file, the referenced one too, past the sweep's hour.
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for folder in std::fs::read_dir(data.join("uploads")).unwrap() {
        for file in std::fs::read_dir(folder.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let handle = std::fs::File::options().write(true).open(&path).unwrap();
            handle.set_modified(two_hours_ago).unwrap();
        }
    }
    let server = Server::start_in(&data, &[]);
    assert!(!orphan.exists(), "the orphan was swept");
    let http = server.login_resident("9810000013");
    assert!(http.get(&server.url(&format!("/api/uploaded/{id}/file"))).body == bytes);
    assert_eq!(stored_files(&data).len(), 1);
}
