//! `openlocker db copy`: a SQLite deployment with residents, an uploaded
//! file, imported documents and repository documents moves up to
//! PostgreSQL and an S3 bucket (moto), where a node on the new stores
//! serves all of it as before; a second copy into the same target is
//! refused. (SQLite pass only: the source is SQLite by definition.)

use crate::repository::{PDF, pull_doc_xml, status};
use crate::support::s3::{self, CREDENTIALS};
use crate::support::*;

/// What the SQLite deployment holds before the copy.
struct Before {
    upload_id: i64,
    upload: Vec<u8>,
    repo: (String, String, String),
}

fn fill(server: &Server, dir: &std::path::Path) -> Before {
    server.resident(&aadhaar(5), "9810000005");
    let http = server.login_resident("9810000005");
    let mut upload = b"%PDF-1.4\n% copied\n".to_vec();
    upload.resize(200_000, 3);
    let up = http.post(
        &server.url("/api/uploaded?name=kept.pdf"),
        "application/octet-stream",
        &upload,
    );
    assert_eq!(up.status, 201, "{}", up.text());
    let issuer = server.issuer("board.example.in", &["MSTN"]);
    server.push(&issuer, &row(&aadhaar(5), "board.example.in", "MSTN", "C1", "A"));
    server.import_run();
    server.add_cbse(&[]);
    server.add_cbse_doc_type("HSCER", "Class XII", &[]);
    let (org_id, api_key) = server.add_repo_client("Test locker");
    let file = dir.join("marks.pdf");
    std::fs::write(&file, PDF).unwrap();
    let uri = server.add_repo_doc("hscer", &file, &aadhaar(5), &[]);
    Before {
        upload_id: up.json()["id"].as_i64().unwrap(),
        upload,
        repo: (org_id, api_key, uri),
    }
}

/// `db copy` of `data` to `database` and `store`.
fn copy(data: &std::path::Path, database: &str, store: &str) -> CliOutput {
    let flags = ["--object-store-url".to_owned(), store.to_owned()];
    let env: Vec<(String, String)> = CREDENTIALS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    cli_with(data, &flags, &env, &["--json", "db", "copy", "--to", database])
}

#[test]
fn a_sqlite_deployment_copied_to_postgresql_and_s3_is_served_from_there() {
    let dir = tempfile::tempdir().unwrap();
    let old = Server::start_in(&dir.path().join("old"), &[]);
    let before = fill(&old, dir.path());
    let data = old.data.clone();
    drop(old);
    let database = openlocker_testpg::shared().create_database();
    let bucket = s3::shared().create_bucket();
    let store = s3::shared().url(&bucket);
    let copied = copy(&data, &database, &store);
    let report = copied.json();
    assert!(report["tables"]["issued_docs"].as_i64() == Some(1), "{report}");
    assert!(
        report["files"].as_u64().unwrap() >= 3,
        "the upload, the repository PDF and its XML: {report}"
    );
    let again = copy(&data, &database, &store);
    assert_eq!(
        again.code, 2,
        "a second copy into the same database is refused: {}",
        again.stderr
    );
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);
    assert_used_bucket_refused_before_any_row(&data, &store);

    let new_data = dir.path().join("new");
    crate::backend::use_database(&new_data, &database);
    let key = data.join("secrets/master.key");
    let flags = ["--object-store-url", &store, "--master-key-file", key.to_str().unwrap()];
    let node = Server::start_in_with_env(&new_data, &CREDENTIALS, &flags);
    assert_served(&node, &before);
}

/// A copy into an empty database but a bucket that holds files is refused
/// before a row is written: the database stays empty.
fn assert_used_bucket_refused_before_any_row(data: &std::path::Path, store: &str) {
    let fresh = openlocker_testpg::shared().create_database();
    let refused = copy(data, &fresh, store);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("object store is not empty"),
        "{}",
        refused.stderr
    );
    let rows: i64 = openlocker_db::Db::connect(&fresh, 1)
        .unwrap()
        .direct()
        .unwrap()
        .query_one("SELECT count(*) FROM residents", &[])
        .unwrap();
    assert_eq!(rows, 0, "nothing was copied into the database");
}

/// The node on the new stores serves the resident's file and documents and
/// the repository's, and numbers new rows after the copied ones.
fn assert_served(node: &Server, before: &Before) {
    let http = node.login_resident("9810000005");
    let got = http.get(&node.url(&format!("/api/uploaded/{}/file", before.upload_id)));
    assert_eq!(got.status, 200, "{}", got.text());
    assert!(got.body == before.upload, "the copied upload differs");
    let issued = http.get(&node.url("/api/issued")).json();
    assert!(issued.to_string().contains("board.example.in"), "{issued}");
    let (org_id, api_key, uri) = &before.repo;
    let body = pull_doc_xml(org_id, api_key, &now_ts(), &new_txn(), uri);
    let answer = Http::new()
        .post(
            &node.url("/repository/api/pulldoc/1/xml"),
            "application/xml",
            body.as_bytes(),
        )
        .text();
    assert_eq!(status(&answer), "1", "{answer}");
    let next = http.post(
        &node.url("/api/uploaded?name=new.pdf"),
        "application/octet-stream",
        b"%PDF-1.4\n% new\n",
    );
    assert_eq!(next.status, 201, "a new row after the copied ones: {}", next.text());
    assert_ne!(next.json()["id"].as_i64().unwrap(), before.upload_id);
}
