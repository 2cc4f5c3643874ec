//! Uploaded Documents through the real server: folders, upload (type by
//! content, size cut off while streaming, quota), download byte for byte,
//! rename, move, delete, storage at rest, and residents kept apart.

use std::path::Path;

use crate::support::*;

/// A small PDF-looking file of exactly `len` bytes with `marker` inside.
fn pdf(len: usize, marker: &str) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.4\n% {marker}\n").into_bytes();
    let mut n = 0u32;
    while bytes.len() < len {
        bytes.push((n % 251) as u8);
        n += 1;
    }
    bytes.truncate(len);
    bytes
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend([7u8; 100]);
    bytes
}

fn jpeg() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    bytes.extend([9u8; 100]);
    bytes
}

fn upload(server: &Server, http: &Http, name: &str, folder: Option<i64>, bytes: &[u8]) -> Resp {
    let folder = folder.map(|f| format!("&folder={f}")).unwrap_or_default();
    http.post(
        &server.url(&format!("/api/uploaded?name={name}{folder}")),
        "application/octet-stream",
        bytes,
    )
}

fn create_folder(server: &Server, http: &Http, name: &str) -> i64 {
    let resp = http.post_json(&server.url("/api/folders"), &serde_json::json!({ "name": name }));
    assert_eq!(resp.status, 201, "{}", resp.text());
    resp.json()["id"].as_i64().unwrap()
}

/// Stored files under `data/uploads/`.
fn stored_files(data: &Path) -> Vec<Vec<u8>> {
    let root = data.join("uploads");
    let Ok(dirs) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    dirs.flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| std::fs::read(f.unwrap().path()).unwrap())
        .collect()
}

fn signed_in(server: &Server, n: u64) -> Http {
    let mobile = format!("98100000{n:02}");
    server.resident(&aadhaar(100 + n), &mobile);
    server.login_resident(&mobile)
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
    assert_eq!(
        upload(&server, &http, "photo.png", None, &png()).json()["content_type"],
        "image/png"
    );
    assert_eq!(
        upload(&server, &http, "scan.jpg", None, &jpeg()).json()["content_type"],
        "image/jpeg"
    );

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

    let url = server.url(&format!("/api/uploaded/{id}"));
    let renamed = http.put_json(&url, &serde_json::json!({ "name": "class-x.pdf" }));
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    assert_eq!(renamed.json()["name"], "class-x.pdf");
    assert_eq!(renamed.json()["folder"], "Certificates", "a rename stays in its folder");
    let top = http.put_json(&url, &serde_json::json!({ "folder": null })).json();
    assert!(top["folder"].is_null() && top["name"] == "class-x.pdf", "{top}");
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
    let kinds: Vec<String> = http.get(&server.url("/api/activity")).json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", e["kind"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
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

/// Uploads `chunks` with `Transfer-Encoding: chunked` (no Content-Length,
/// so the server learns the size only as it reads); returns the raw answer.
fn upload_chunked(server: &Server, http: &Http, name: &str, chunks: &[&[u8]]) -> String {
    use std::io::{Read, Write};
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /api/uploaded?name={name} HTTP/1.1\r\nHost: {addr}\r\nCookie: {}\r\nX-CSRF-Token: {}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        http.cookie.as_deref().unwrap(),
        http.csrf.as_deref().unwrap()
    )
    .unwrap();
    for chunk in chunks {
        // The server may answer and close early; stop sending then.
        if write!(stream, "{:x}\r\n", chunk.len()).is_err()
            || stream.write_all(chunk).is_err()
            || stream.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
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
