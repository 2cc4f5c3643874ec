//! The issuer conformance kit (`openlocker conformance`): it passes our own
//! repository, and names exactly what a sloppy issuer skips (the strict
//! Python issuer of `field.rs` with one check turned off).

use std::process::Command;

use crate::field::{KEY, ORG_ID, StrictIssuer};
use crate::support::*;

/// Runs the kit with `--json` in an empty folder; (exit code, JSON, the
/// folder's entries afterwards).
fn kit(args: &[&str]) -> (i32, serde_json::Value, usize) {
    let cwd = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .current_dir(cwd.path())
        .env_remove("OPENLOCKER_DATA_DIR")
        .arg("--json")
        .arg("conformance")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout} {}", String::from_utf8_lossy(&out.stderr)));
    let left = std::fs::read_dir(cwd.path()).unwrap().count();
    (out.status.code().unwrap_or(-1), json, left)
}

fn failed(json: &serde_json::Value) -> Vec<String> {
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Our repository with one HSCER document (RollNo 1001) and the kit's
/// client, registered with the orgId DLKIT01 and the key in `key_file`.
fn repository_for_the_kit(dir: &std::path::Path) -> (Server, std::path::PathBuf) {
    let repository = Server::start(&[]);
    repository.add_cbse(&[]);
    repository.add_cbse_doc_type("HSCER", "Marks", &["--udf", "RollNo"]);
    let pdf = dir.join("m.pdf");
    std::fs::write(&pdf, crate::field::PDF).unwrap();
    let key_file = dir.join("key");
    std::fs::write(&key_file, "brought-along-key-0123456789\n").unwrap();
    let key = key_file.to_str().unwrap();
    let client = repository
        .cli(&[
            "repo",
            "client",
            "add",
            "--name",
            "kit",
            "--org-id",
            "DLKIT01",
            "--api-key-file",
            key,
        ])
        .json();
    assert_eq!(client["org_id"], "DLKIT01");
    let owner = [
        "--udf",
        "RollNo=1001",
        "--owner-name",
        "Asha <b>Devi</b>",
        "--owner-dob",
        "1990-04-01",
        "--owner-gender",
        "F",
        "--owner-phone",
        "9876543210",
    ];
    repository.add_repo_doc("HSCER", &pdf, &aadhaar(1), &owner);
    (repository, key_file)
}

/// Every check the kit makes is in its answer.
fn assert_every_check_ran(json: &serde_json::Value) {
    let ids: Vec<_> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for id in [
        "valid-request",
        "echo-ts-txn",
        "wrong-keyhash",
        "stale-ts",
        "replayed-txn",
        "missing-hmac",
        "wrong-hmac",
        "format-xml",
        "format-pdf",
        "format-both",
        "data-content",
        "issued-to",
        "uri-shape",
        "no-match",
        "entities-refused",
        "answer-time",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
}

#[test]
fn the_kit_passes_our_repository_and_writes_an_escaped_report() {
    let dir = tempfile::tempdir().unwrap();
    let (repository, key_file) = repository_for_the_kit(dir.path());
    let report = dir.path().join("report.html");
    let url = repository.url("/repository/api/pulluri/1/xml");
    let (code, json, left) = kit(&[
        "--pull-uri-url",
        &url,
        "--org-id",
        "DLKIT01",
        "--api-key-file",
        key_file.to_str().unwrap(),
        "--doc-type",
        "HSCER",
        "--field",
        "RollNo=1001",
        "--report",
        report.to_str().unwrap(),
    ]);
    println!("{}", serde_json::to_string_pretty(&json).unwrap());
    assert_eq!(failed(&json), Vec::<String>::new(), "{json}");
    assert_eq!(code, 0);
    assert_eq!(json["failed"], 0);
    assert_eq!(left, 0, "the kit needs and makes no data folder");
    assert_every_check_ran(&json);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("16 of 16 checks passed"), "{html}");
    assert!(!html.contains("<b>Devi"), "what the issuer sent is escaped");
    assert!(html.contains("&lt;PullURIRequest"), "{html}");
    // The UID is never the number: the kit sends its MD5.
    let (_, by_uid, _) = kit(&[
        "--pull-uri-url",
        &url,
        "--org-id",
        "DLKIT01",
        "--api-key",
        "brought-along-key-0123456789",
        "--doc-type",
        "HSCER",
        "--uid",
        &aadhaar(1),
    ]);
    assert_eq!(failed(&by_uid), Vec::<String>::new(), "{by_uid}");
    assert!(!by_uid.to_string().contains(&aadhaar(1)), "{by_uid}");
}

#[test]
fn the_kit_names_the_checks_a_sloppy_issuer_skips() {
    let args = |issuer: &StrictIssuer| {
        vec![
            "--pull-uri-url".to_owned(),
            issuer.url(),
            "--org-id".into(),
            ORG_ID.into(),
            "--api-key".into(),
            KEY.into(),
            "--doc-type".into(),
            "HSCER".into(),
            "--field".into(),
            "RollNo=1001".into(),
            "--field".into(),
            "Year=2024".into(),
            "--name".into(),
            "Asha Devi".into(),
        ]
    };
    let strict = StrictIssuer::start(&[]);
    let strict_args = args(&strict);
    let (code, json, _) = kit(&strict_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!((code, failed(&json)), (0, vec![]), "the strict issuer passes: {json}");
    assert_eq!(strict.violations(), serde_json::json!([]));

    for (sloppy, expected) in [
        ("replay", vec!["replayed-txn"]),
        ("hmac", vec!["missing-hmac", "wrong-hmac"]),
        ("ts", vec!["stale-ts"]),
        ("keyhash", vec!["wrong-keyhash"]),
    ] {
        let issuer = StrictIssuer::start(&[sloppy]);
        let (code, json, _) = kit(&args(&issuer).iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(code, 1, "{sloppy}: {json}");
        assert_eq!(failed(&json), expected, "--sloppy {sloppy}: {json}");
    }
}
