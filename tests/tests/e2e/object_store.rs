//! Stored files in an S3 bucket (moto) instead of the data folder: a
//! missing bucket or a store that is down stops `serve` with a clear
//! message; a store that goes away under a running server turns uploads
//! and `/healthz` into 503s and commits no row for a file it did not keep;
//! once it is back, so is the server.

use std::process::Command;
use std::time::Duration;

use crate::support::s3::{CREDENTIALS, S3};
use crate::support::*;

/// `serve` with `store` as its object store: its exit code and what it said.
fn serve_with(store: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = Command::new(bin())
        .arg("--data-dir")
        .arg(&data)
        .args(crate::backend::database_args(&data))
        .args(["--object-store-url", store, "--bind", "127.0.0.1:0", "serve"])
        .envs(CREDENTIALS)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn serve_refuses_a_missing_bucket_and_a_store_that_is_down() {
    let s3 = crate::support::s3::shared();
    let (code, said) = serve_with(&s3.url("no-such-bucket"));
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("no bucket no-such-bucket"), "{said}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, said) = serve_with(&format!(
        "s3://docs?endpoint=http://127.0.0.1:{closed}&region=us-east-1"
    ));
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("the object store did not answer"), "{said}");
    assert!(!said.contains(CREDENTIALS[1].1), "no secret in the message");
}

#[test]
fn a_store_that_goes_away_is_a_503_that_commits_no_row_and_the_server_recovers() {
    let mut s3 = S3::start();
    let bucket = s3.create_bucket();
    let server = Server::start_with_env(&CREDENTIALS, &["--object-store-url", &s3.url(&bucket)]);
    server.resident(&aadhaar(3), "9810000003");
    let http = server.login_resident("9810000003");
    let upload = |name: &str| {
        let url = server.url(&format!("/api/uploaded?name={name}"));
        http.post(&url, "application/octet-stream", b"%PDF-1.4\n% kept\n")
    };
    assert_eq!(upload("first.pdf").status, 201);

    let port: u16 = s3.endpoint.rsplit(':').next().unwrap().parse().unwrap();
    s3.stop();
    let refused = upload("second.pdf");
    assert_eq!(refused.status, 503, "{}", refused.text());
    assert_eq!(Http::new().get(&server.url("/healthz")).status, 503);
    let listed = http.get(&server.url("/api/uploaded")).json();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["first.pdf"], "no row for a file the store did not keep");
    assert!(server.logs().contains("the object store did not answer"));

    // The store is back (empty, as moto keeps nothing): so is the server.
    s3 = S3::start_on(port);
    assert_eq!(s3.create_bucket_named(&bucket), bucket);
    wait_for(Duration::from_secs(15), "/healthz to answer 200 again", || {
        (Http::new().get(&server.url("/healthz")).status == 200).then_some(())
    });
    assert_eq!(upload("third.pdf").status, 201);
}
