//! Uploaded Documents through the real server: folders, upload (type by
//! content, size cut off while streaming, quota), download byte for byte,
//! rename, move, delete, storage at rest, and residents kept apart.

mod files; // upload, list, download, rename, move, delete; sealed at rest; names; restarts
mod limits; // size, streaming cut-off, type by content, quota, residents kept apart

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

/// Uploads `chunks` with `Transfer-Encoding: chunked` (no Content-Length,
/// so the server learns the size only as it reads); returns the raw answer.
fn upload_chunked(server: &Server, http: &Http, name: &str, chunks: &[&[u8]]) -> String {
    use std::io::{Read, Write};
    let (mut stream, addr) = server.raw_connection();
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
