//! What an upload may not do: exceed the size or the quota, pass for another
//! type, or reach another resident's files.

use super::*;

#[test]
fn a_file_over_10_mb_is_413_and_10_mb_is_accepted() {
    let server = Server::start(&[]);
    let http = signed_in(&server, 4);
    let resp = upload(&server, &http, "big.pdf", None, &pdf(10_000_001, "big"));
    assert_eq!(resp.status, 413, "{}", resp.text());
    assert!(resp.text().contains("10000000 bytes"), "{}", resp.text());
    let resp = upload(&server, &http, "edge.pdf", None, &pdf(10_000_000, "edge"));
    assert_eq!(resp.status, 201, "{}", resp.text());
    assert_eq!(
        http.get(&server.url("/api/uploaded")).json().as_array().unwrap().len(),
        1
    );
}

#[test]
fn a_chunked_upload_is_cut_off_at_the_limit_while_streaming() {
    let server = Server::start(&[]);
    let http = signed_in(&server, 5);
    let chunk = pdf(1_000_000, "chunk");
    // 15 MB if the server never stopped us.
    let answer = upload_chunked(&server, &http, "big.pdf", &[chunk.as_slice(); 15]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(
        http.get(&server.url("/api/uploaded")).json().as_array().unwrap().len(),
        0
    );
    let answer = upload_chunked(&server, &http, "small.pdf", &[chunk.as_slice(); 2]);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
}

#[test]
fn the_type_is_judged_by_content_not_by_name() {
    let server = Server::start(&[]);
    let http = signed_in(&server, 6);
    let resp = http.post(
        &server.url("/api/uploaded?name=report.pdf"),
        "application/pdf",
        b"just some text, not a PDF at all",
    );
    assert_eq!(resp.status, 415, "{}", resp.text());
    assert!(resp.text().contains("not a PDF, JPEG or PNG"), "{}", resp.text());
    let exe = upload(&server, &http, "photo.jpg", None, b"MZ\x90\x00 a program");
    assert_eq!(exe.status, 415);
    assert_eq!(upload(&server, &http, "empty.pdf", None, b"").status, 415);
    // A PNG under a .pdf name is stored as what it is.
    let resp = upload(&server, &http, "looks-like.pdf", None, &png());
    assert_eq!(resp.status, 201);
    assert_eq!(resp.json()["content_type"], "image/png");
    assert_eq!(
        http.get(&server.url("/api/uploaded")).json().as_array().unwrap().len(),
        1
    );
    assert!(
        stored_files(&server.data).len() == 1,
        "refused uploads leave nothing stored"
    );
}

#[test]
fn a_full_quota_is_507_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("openlocker.toml");
    std::fs::write(&config, "resident_quota_bytes = 5000\n").unwrap();
    let server = Server::start(&["--config", config.to_str().unwrap()]);
    let (http, other) = (signed_in(&server, 7), signed_in(&server, 8));
    let first = upload(&server, &http, "a.pdf", None, &pdf(3000, "a"));
    assert_eq!(first.status, 201, "{}", first.text());
    let resp = upload(&server, &http, "b.pdf", None, &pdf(3000, "b"));
    assert_eq!(resp.status, 507, "{}", resp.text());
    assert_eq!(resp.json()["error"], "quota_full");
    assert!(resp.text().contains("your locker is full"), "{}", resp.text());
    // Without a Content-Length the quota is checked once the body is in.
    let chunked = pdf(3000, "c");
    let answer = upload_chunked(&server, &http, "c.pdf", &[&chunked[..1000], &chunked[1000..]]);
    assert!(answer.starts_with("HTTP/1.1 507"), "{answer}");
    assert_eq!(
        http.get(&server.url("/api/uploaded")).json().as_array().unwrap().len(),
        1
    );
    // Another resident has a quota of their own.
    assert_eq!(upload(&server, &other, "b.pdf", None, &pdf(3000, "b")).status, 201);
    // Room comes back when a file goes.
    let id = first.json()["id"].as_i64().unwrap();
    assert_eq!(http.delete(&server.url(&format!("/api/uploaded/{id}"))).status, 204);
    assert_eq!(upload(&server, &http, "b.pdf", None, &pdf(3000, "b")).status, 201);
}

#[test]
fn another_residents_files_and_folders_are_404() {
    let server = Server::start(&[]);
    let (owner, intruder) = (signed_in(&server, 9), signed_in(&server, 10));
    let folder = create_folder(&server, &owner, "Private");
    let bytes = pdf(5000, "private");
    let file = upload(&server, &owner, "private.pdf", Some(folder), &bytes).json()["id"]
        .as_i64()
        .unwrap();
    let own_file = upload(&server, &intruder, "mine.pdf", None, &pdf(100, "mine")).json()["id"]
        .as_i64()
        .unwrap();
    let file_url = server.url(&format!("/api/uploaded/{file}"));
    let folder_url = server.url(&format!("/api/folders/{folder}"));
    for resp in [
        intruder.get(&format!("{file_url}/file")),
        intruder.put_json(&file_url, &serde_json::json!({ "name": "stolen.pdf" })),
        intruder.delete(&file_url),
        intruder.put_json(&folder_url, &serde_json::json!({ "name": "Mine now" })),
        intruder.delete(&folder_url),
        upload(&server, &intruder, "into-theirs.pdf", Some(folder), &pdf(100, "x")),
        intruder.put_json(
            &server.url(&format!("/api/uploaded/{own_file}")),
            &serde_json::json!({ "folder": folder }),
        ),
    ] {
        assert_eq!(resp.status, 404, "{}", resp.text());
    }
    assert_eq!(
        intruder
            .get(&server.url("/api/folders"))
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let theirs = intruder.get(&server.url("/api/uploaded")).json();
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    assert_eq!(theirs[0]["name"], "mine.pdf");
    // The owner's file and folder are untouched.
    let list = owner.get(&server.url("/api/uploaded")).json();
    assert_eq!(list[0]["name"], "private.pdf");
    assert_eq!(list[0]["folder"], "Private");
    assert!(owner.get(&format!("{file_url}/file")).body == bytes);
}
