//! Regression tests of the security review (issue 15) on what the locker
//! answers: documents never active on its origin, JSON headers, access logs
//! without bearer tokens.

use crate::live_pull::pair_with_document;
use crate::shares::{partner_at, unix_now, widget};
use crate::support::*;

/// An issuer's XML document that is XHTML with a script in it.
pub const XHTML: &[u8] = br#"<?xml version="1.0"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Certificate</p>
<script>localStorage.setItem("xss", "ran on " + document.domain)</script></body></html>
"#;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn assert_inert(resp: &Resp, disposition: &str) {
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        resp.header("content-security-policy"),
        Some("default-src 'none'; sandbox")
    );
    let got = resp.header("content-disposition").unwrap_or_default();
    assert!(got.starts_with(disposition), "content-disposition: {got}");
}

#[test]
fn an_issued_xml_document_is_an_inert_attachment() {
    let pair = pair_with_document(None, &[], "cert.xml", XHTML);
    let http = pair.deliver();
    let resp = http.get(&pair.locker.url(&format!("/api/issued/{}/file", pair.uri)));
    assert_inert(&resp, "attachment");
    assert_eq!(resp.body, XHTML);
    assert!(resp.header("cache-control").unwrap_or_default().contains("no-store"));
}

#[test]
fn uploaded_and_shared_files_are_inert_and_only_images_are_inline() {
    let server = Server::start(&[]);
    let partner = partner_at(&server, "http://127.0.0.1:9", &[]);
    server.resident(&aadhaar(1), "9876543210");
    let http = server.login_resident("9876543210");
    let mut ids = Vec::new();
    for (name, bytes) in [("scan.pdf", b"%PDF-1.4\n%%EOF\n".as_slice()), ("photo.png", PNG)] {
        let up = http.post(
            &server.url(&format!("/api/uploaded?name={name}")),
            "application/octet-stream",
            bytes,
        );
        assert_eq!(up.status, 201, "{}", up.text());
        ids.push(up.json()["id"].as_i64().unwrap());
    }
    let pdf = http.get(&server.url(&format!("/api/uploaded/{}/file", ids[0])));
    assert_inert(&pdf, "attachment");
    let png = http.get(&server.url(&format!("/api/uploaded/{}/file", ids[1])));
    assert_inert(&png, "inline");
    assert_eq!(png.header("content-type"), Some("image/png"));

    let body = serde_json::json!({
        "widget": widget(&partner, &unix_now().to_string(), "http://127.0.0.1:9", "share"),
        "doc": { "kind": "uploaded", "id": ids[0] },
    });
    let minted = http.post_json(&server.url("/api/shares"), &body);
    assert_eq!(minted.status, 201, "{}", minted.text());
    let doc_url = minted.json()["doc_url"].as_str().unwrap().to_owned();
    assert_inert(&Http::new().get(&doc_url), "attachment");

    // The share token is not in the access log, nor any part of it.
    let token = doc_url.rsplit('/').next().unwrap();
    // The access log line is written as the answer ends.
    let logs = wait_for(std::time::Duration::from_secs(10), "the access log line", || {
        let logs = server.logs();
        logs.contains("GET /share/[redacted]").then_some(logs)
    });
    assert!(!logs.contains(&token[..16]), "the share token was logged");
}

#[test]
fn json_answers_are_nosniff_and_never_stored() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(1), "9876543210");
    let http = server.login_resident("9876543210");
    for resp in [
        http.get(&server.url("/api/issued")),
        http.get(&server.url("/api/uploaded")),
        Http::new().get(&server.url("/api/issued")),
    ] {
        assert!(
            resp.header("content-type")
                .unwrap_or_default()
                .starts_with("application/json")
        );
        assert_eq!(
            resp.header("x-content-type-options"),
            Some("nosniff"),
            "{}",
            resp.status
        );
        assert_eq!(resp.header("cache-control"), Some("no-store"), "{}", resp.status);
    }
}

#[test]
fn rows_that_change_nothing_are_not_counted_as_imported() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let add = row(&aadhaar(1), "cbse.nic.in", "MSTN", "R1", "A");
    server.push(&issuer, &add);
    assert_eq!(server.import_run()["rows_imported"], 1);
    let same_again = format!("{add}{}", row(&aadhaar(1), "cbse.nic.in", "MSTN", "R1", "U"));
    server.push(&issuer, &same_again);
    let summary = server.import_run();
    assert_eq!(
        (summary["rows_imported"].as_u64(), summary["rows_rejected"].as_u64()),
        (Some(0), Some(0)),
        "{summary}"
    );
    let changed = row(&aadhaar(1), "cbse.nic.in", "MSTN", "R1", "U").replace("Statement of Marks", "Corrected");
    server.push(&issuer, &changed);
    assert_eq!(server.import_run()["rows_imported"], 1);
}

#[test]
fn names_with_control_bidi_or_formula_characters_are_refused() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(1), "9876543210");
    let http = server.login_resident("9876543210");
    for bad in ["cod\u{202E}fdp.exe", "a\u{7}b", "=cmd|' /C calc'!A0"] {
        let folder = http.post_json(&server.url("/api/folders"), &serde_json::json!({ "name": bad }));
        assert_eq!(folder.status, 400, "{bad:?}: {}", folder.text());
    }
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let bidi = row(&aadhaar(1), "cbse.nic.in", "MSTN", "B1", "A").replace("Statement of Marks", "Marks\u{202E}fdp.exe");
    let year_zero = row(&aadhaar(1), "cbse.nic.in", "MSTN", "B2", "A").replacen("01/05/2024", "01/01/0000", 1);
    server.push(&issuer, &format!("{bidi}{year_zero}"));
    let summary = server.import_run();
    assert_eq!(summary["rows_rejected"], 2, "{summary}");
}

/// Every folder and file under `dir`, with its permission bits.
fn modes(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, u32)>) {
    use std::os::unix::fs::PermissionsExt;
    out.push((
        dir.to_owned(),
        std::fs::metadata(dir).unwrap().permissions().mode() & 0o777,
    ));
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            modes(&path, out);
        } else {
            out.push((
                path.clone(),
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            ));
        }
    }
}

#[test]
fn the_data_folder_is_private_and_repository_documents_are_sealed() {
    let certificate = format!(
        "<?xml version=\"1.0\"?><Certificate><Holder uid=\"{}\"/></Certificate>",
        aadhaar(1)
    );
    let pair = pair_with_document(None, &[], "cert.xml", certificate.as_bytes());
    let http = pair.deliver();
    let file = http.get(&pair.locker.url(&format!("/api/issued/{}/file", pair.uri)));
    assert_eq!(file.body, certificate.as_bytes(), "Pull Doc still serves the document");
    for server in [&pair.repository, &pair.locker] {
        let mut all = Vec::new();
        modes(&server.data, &mut all);
        // The SQLite files are among them (PostgreSQL keeps none here).
        assert!(
            crate::backend::use_postgres() || all.iter().any(|(p, _)| p.ends_with("openlocker.db-wal")),
            "{all:?}"
        );
        for (path, mode) in &all {
            let want = if path.is_dir() { 0o700 } else { 0o600 };
            assert_eq!(*mode, want, "{} is {mode:o}", path.display());
        }
    }
    let mut stored = Vec::new();
    modes(&pair.repository.data.join("repo"), &mut stored);
    for (path, _) in stored.iter().filter(|(p, _)| p.is_file()) {
        let bytes = std::fs::read(path).unwrap();
        assert!(
            !bytes.windows(12).any(|w| w == aadhaar(1).as_bytes()),
            "{} is plaintext",
            path.display()
        );
    }
}

#[test]
fn spools_left_by_a_crash_are_removed_at_start_up() {
    let mut server = Server::start(&[]);
    let incoming = server.data.join("incoming");
    // Past the kernel's largest pid: no running process owns it.
    for name in ["4194305-0a1b2c.part", "0a1b2c3d4e5f.csv"] {
        std::fs::write(incoming.join(name), b"left by a crash").unwrap();
    }
    server.crash_and_restart(&[]);
    let left: Vec<_> = std::fs::read_dir(&incoming)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
