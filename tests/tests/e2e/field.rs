//! Field compatibility: the locker against a strict Issuer API v1.13
//! repository written from the specification (`tests/peers/strict_issuer.py`,
//! Python standard library only, not our repository). Search, open and
//! share from the kept copy; the issuer going down; another person's record;
//! a pushed URI resolved by UID; every bad answer; the throttle.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use base64::Engine;
use md5::Digest;

use crate::shares::{partner_at, unix_now, widget};
use crate::support::*;

pub const PDF: &[u8] = b"%PDF-1.7\n% strict board marks\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
pub const CERT: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Certificate name="Class XII marks" type="HSCER" number="HS-2024-1001" issueDate="15-05-2024"><IssuedBy><Organization name="Strict Board" code="strict.gov.in"/></IssuedBy><IssuedTo><Person name="Asha Devi" dob="01-04-1990" gender="Female"/></IssuedTo><CertificateData><Marks total="455"/></CertificateData></Certificate>"#;
pub const ORG_ID: &str = "DLSTRICT01";
pub const KEY: &str = "strict-issuer-api-key-0123456789";
pub const ISSUER: &str = "strict.gov.in";

/// The strict issuer, as a child process on a free loopback port.
pub struct StrictIssuer {
    child: Child,
    pub base: String,
    _dir: tempfile::TempDir,
}

impl StrictIssuer {
    /// Starts it with the records of [`records`]; `sloppy` names checks it skips.
    pub fn start(sloppy: &[&str]) -> StrictIssuer {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.json");
        std::fs::write(&config, config_json().to_string()).unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/peers/strict_issuer.py");
        let mut command = Command::new("python3");
        command.arg(script).arg(&config);
        for check in sloppy {
            command.args(["--sloppy", check]);
        }
        let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().strip_prefix("PORT ").unwrap_or_else(|| panic!("{line:?}"));
        StrictIssuer {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        format!("{}/pulluri", self.base)
    }

    pub fn set_mode(&self, mode: &str) {
        let resp = Http::new().post(&format!("{}/mode", self.base), "text/plain", mode.as_bytes());
        assert_eq!(resp.status, 200);
    }

    /// What it recorded against the caller; must stay empty.
    pub fn violations(&self) -> serde_json::Value {
        Http::new().get(&format!("{}/violations", self.base)).json()
    }

    /// Every request body it got.
    pub fn requests(&self) -> Vec<String> {
        serde_json::from_value(Http::new().get(&format!("{}/requests", self.base)).json()).unwrap()
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for StrictIssuer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn config_json() -> serde_json::Value {
    let pdf = base64::engine::general_purpose::STANDARD.encode(PDF);
    let asha =
        serde_json::json!({ "name": "Asha Devi", "dob": "01-04-1990", "gender": "Female", "phone": "9876543210" });
    let ravi = serde_json::json!({ "name": "Ravi Shankar Prasad", "dob": "17-08-1988", "gender": "Male", "phone": "9811122233" });
    serde_json::json!({
        "org_id": ORG_ID,
        "api_key": KEY,
        "doc_types": { "HSCER": { "check_name": true } },
        "records": [
            { "uri": "strict.gov.in-HSCER-AB12CD34", "doc_type": "HSCER",
              "fields": { "RollNo": "1001", "Year": "2024" }, "aadhaar": aadhaar(1),
              "persons": [asha.clone()], "pdf_b64": pdf.clone(), "data_xml": CERT },
            { "uri": "strict.gov.in-MARKS-RV55PQ", "doc_type": "MARKS",
              "fields": { "RollNo": "2002" }, "aadhaar": aadhaar(7),
              "persons": [ravi], "pdf_b64": pdf.clone(), "data_xml": CERT.replace("Asha Devi", "Ravi Shankar Prasad") },
            { "uri": "strict.gov.in-PUSHD-XY98ZW", "doc_type": "PUSHD",
              "fields": {}, "aadhaar": aadhaar(1),
              "persons": [asha], "pdf_b64": pdf, "data_xml": CERT },
        ],
    })
}

/// A locker that knows the strict issuer as a v1.13 issuer (no Pull Doc URL)
/// with doc types HSCER (RollNo, Year; sends name and DOB), MARKS (RollNo)
/// and PUSHD (by UID); resident `aadhaar(1)`, Asha Devi.
pub fn locker(issuer_url: &str, flags: &[&str]) -> (Server, Issuer) {
    let locker = Server::start(flags);
    let creds = locker
        .cli(&[
            "issuer",
            "add",
            "--id",
            ISSUER,
            "--name",
            "Strict Board",
            "--pull-uri-url",
            issuer_url,
            "--pull-org-id",
            ORG_ID,
            "--pull-api-key",
            KEY,
        ])
        .json();
    let add = |code: &str, extra: &[&str]| {
        let mut args = vec!["issuer", "doctype", "add", "--issuer", ISSUER, "--code", code, "--name"];
        args.push(if code == "HSCER" { "Class XII marks" } else { "Marks" });
        args.extend(extra);
        locker.cli(&args).json();
    };
    add(
        "HSCER",
        &["--udf", "RollNo", "--udf", "Year", "--sends-name", "--sends-dob"],
    );
    add("MARKS", &["--udf", "RollNo"]);
    add("PUSHD", &["--sends-uid"]);
    locker.resident(&aadhaar(1), "9876543210");
    let push = Issuer {
        id: ISSUER.into(),
        org_id: creds["org_id"].as_str().unwrap().into(),
        api_key: creds["api_key"].as_str().unwrap().into(),
        username: String::new(),
    };
    (locker, push)
}

pub fn search(http: &Http, locker: &Server, doc_type: &str, fields: serde_json::Value) -> Resp {
    http.post_json(
        &locker.url("/api/pull"),
        &serde_json::json!({ "issuer_id": ISSUER, "doc_type": doc_type, "fields": fields }),
    )
}

/// How many kept files the locker has.
fn kept_files(locker: &Server) -> usize {
    let Ok(dirs) = std::fs::read_dir(locker.data.join("issued")) else {
        return 0;
    };
    dirs.flatten()
        .filter(|d| d.path().is_dir())
        .map(|d| std::fs::read_dir(d.path()).unwrap().count())
        .sum()
}

#[test]
fn a_v1_13_issuer_is_searched_and_the_document_opens_and_shares_from_the_kept_copy() {
    let mut issuer = StrictIssuer::start(&[]);
    let (locker, _) = locker(&issuer.url(), &[]);
    let http = locker.login_resident("9876543210");
    let found = search(
        &http,
        &locker,
        "HSCER",
        serde_json::json!({ "RollNo": "1001", "Year": "2024" }),
    );
    assert_eq!(found.status, 201, "{}", found.text());
    assert_eq!(found.json()["uri"], "strict.gov.in-HSCER-AB12CD34");

    let me = http.get(&locker.url("/api/me")).json();
    let digilocker_id = me["digilocker_id"].as_str().unwrap().to_owned();
    assert_eq!(digilocker_id.len(), 36, "{me}");
    let sent = issuer.requests().pop().unwrap();
    for part in [
        r#"ver="3.0""#,
        r#"format="both""#,
        "<DocType>HSCER</DocType>",
        &format!("<DigiLockerId>{digilocker_id}</DigiLockerId>"),
        "<FullName>Asha Devi</FullName>",
        "<DOB>01-04-1990</DOB>",
        "<RollNo>1001</RollNo>",
    ] {
        assert!(sent.contains(part), "{part} not in {sent}");
    }

    let uri = "strict.gov.in-HSCER-AB12CD34";
    let file = http.get(&locker.url(&format!("/api/issued/{uri}/file")));
    assert_eq!(file.status, 200, "{}", file.text());
    assert_eq!(file.body, PDF);
    let xml = http.get(&locker.url(&format!("/api/issued/{uri}/xml")));
    assert_eq!(xml.status, 200, "{}", xml.text());
    assert_eq!(xml.text(), CERT);
    assert_eq!(xml.header("content-type"), Some("application/xml"));
    assert_eq!(kept_files(&locker), 2, "the PDF and the certificate XML are kept");
    let asked = issuer.requests().len();

    // The issuer goes down: the document still opens, and shares, from the copy.
    issuer.stop();
    let again = http.get(&locker.url(&format!("/api/issued/{uri}/file")));
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.body, PDF);
    let partner = partner_at(&locker, "http://127.0.0.1:9", &[]);
    let shared = http.post_json(
        &locker.url("/api/shares"),
        &serde_json::json!({
            "widget": widget(&partner, &unix_now().to_string(), "http://127.0.0.1:9", "share"),
            "doc": { "kind": "issued", "uri": uri },
        }),
    );
    assert_eq!(shared.status, 201, "{}", shared.text());
    let fetched = Http::new().get(shared.json()["doc_url"].as_str().unwrap());
    assert_eq!(fetched.status, 200, "{}", fetched.text());
    assert_eq!(fetched.body, PDF);
    assert_eq!(asked, 1, "the issuer was asked once, for the search");
    // The kept files are sealed: neither part is readable on disk.
    for dir in std::fs::read_dir(locker.data.join("issued")).unwrap().flatten() {
        for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let bytes = std::fs::read(file.path()).unwrap();
            assert!(!bytes.windows(5).any(|w| w == b"%PDF-"), "a kept PDF is in plaintext");
            assert!(
                !bytes.windows(9).any(|w| w == b"Asha Devi"),
                "a kept XML is in plaintext"
            );
        }
    }
}

#[test]
fn pull_uri_never_saves_another_persons_document() {
    let issuer = StrictIssuer::start(&[]);
    let (locker, _) = locker(&issuer.url(), &[]);
    let http = locker.login_resident("9876543210");
    // A guessed roll number: the issuer answers with Ravi's marks.
    let guessed = search(&http, &locker, "MARKS", serde_json::json!({ "RollNo": "2002" }));
    assert_eq!(guessed.status, 200, "{}", guessed.text());
    let answer = guessed.json();
    assert_eq!(answer["status"], "mismatch", "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains("does not match your details"), "{message}");
    for detail in [
        "Ravi",
        "Shankar",
        "Prasad",
        "1988",
        "17-08",
        "Male",
        "9811122233",
        "RV55PQ",
    ] {
        assert!(!message.contains(detail), "the message repeats {detail}: {message}");
    }
    assert_eq!(http.get(&locker.url("/api/issued")).json(), serde_json::json!([]));
    assert_eq!(kept_files(&locker), 0, "nothing of it is kept");
    let opened = http.get(&locker.url("/api/issued/strict.gov.in-MARKS-RV55PQ/file"));
    assert_eq!(opened.status, 404);
    assert_eq!(issuer.violations(), serde_json::json!([]));
}

#[test]
fn a_pushed_uri_is_resolved_by_uid_at_first_open_and_a_pushed_d_removes_the_copy() {
    let mut issuer = StrictIssuer::start(&[]);
    let (locker, push) = locker(&issuer.url(), &[]);
    let uri = "strict.gov.in-PUSHD-XY98ZW";
    let csv = row(&aadhaar(1), ISSUER, "PUSHD", "XY98ZW", "A");
    assert_eq!(locker.push(&push, &csv).status, "1");
    locker.import_run();
    assert_eq!(issuer.requests().len(), 0, "nothing is fetched at import");

    let http = locker.login_resident("9876543210");
    let file = http.get(&locker.url(&format!("/api/issued/{uri}/file")));
    assert_eq!(file.status, 200, "{}", file.text());
    assert_eq!(file.body, PDF);
    let sent = issuer.requests().pop().unwrap();
    let md5 = hex::encode(md5::Md5::digest(aadhaar(1).as_bytes()));
    assert!(sent.contains(&format!("<UID>{md5}</UID>")), "{sent}");
    assert!(sent.contains("<DocType>PUSHD</DocType>"), "{sent}");
    assert_eq!(
        issuer.violations(),
        serde_json::json!([]),
        "no raw Aadhaar number reached the issuer"
    );
    assert_eq!(kept_files(&locker), 2);

    issuer.stop();
    assert_eq!(http.get(&locker.url(&format!("/api/issued/{uri}/file"))).body, PDF);
    let delete = row(&aadhaar(1), ISSUER, "PUSHD", "XY98ZW", "D");
    assert_eq!(locker.push(&push, &delete).status, "1");
    locker.import_run();
    assert_eq!(kept_files(&locker), 0, "a pushed D removes the kept copy");
    assert_eq!(http.get(&locker.url(&format!("/api/issued/{uri}/file"))).status, 404);
}

#[test]
fn a_pushed_uri_answered_with_another_uri_is_not_kept() {
    let issuer = StrictIssuer::start(&[]);
    let (locker, push) = locker(&issuer.url(), &[]);
    let csv = row(&aadhaar(1), ISSUER, "PUSHD", "XY98ZW", "A");
    assert_eq!(locker.push(&push, &csv).status, "1");
    locker.import_run();
    issuer.set_mode("wrong_uri");
    let http = locker.login_resident("9876543210");
    let file = http.get(&locker.url("/api/issued/strict.gov.in-PUSHD-XY98ZW/file"));
    assert_eq!(file.status, 502, "{}", file.text());
    assert!(file.text().contains("another document"), "{}", file.text());
    assert_eq!(kept_files(&locker), 0);
}

#[test]
fn every_bad_answer_gets_a_clear_message_and_nothing_is_saved() {
    let issuer = StrictIssuer::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("openlocker.toml");
    std::fs::write(&config, "upstream_timeout_seconds = 3\n").unwrap();
    let (locker, _) = locker(&issuer.url(), &["--config", config.to_str().unwrap()]);
    let http = locker.login_resident("9876543210");
    let fields = serde_json::json!({ "RollNo": "1001", "Year": "2024" });
    for (mode, status, says) in [
        ("garbage", 502, "not acceptable XML"),
        ("foreign_uri", 502, "not one of its HSCER documents"),
        ("unechoed_txn", 502, "without echoing our request"),
        ("not_pdf", 502, "DocContent that is not a PDF"),
        ("unauthorized", 502, "refused our credentials (HTTP 401)"),
        ("oversized", 502, "larger than 64 MB"),
        ("slow", 504, "did not answer within 3 seconds"),
    ] {
        issuer.set_mode(mode);
        let resp = search(&http, &locker, "HSCER", fields.clone());
        assert_eq!(resp.status, status, "{mode}: {}", resp.text());
        assert!(resp.text().contains(says), "{mode}: {}", resp.text());
        assert_eq!(
            http.get(&locker.url("/api/issued")).json(),
            serde_json::json!([]),
            "{mode}"
        );
        assert_eq!(kept_files(&locker), 0, "{mode}");
    }
    issuer.set_mode("normal");
    assert_eq!(search(&http, &locker, "HSCER", fields).status, 201);
}

#[test]
fn no_match_and_mismatch_answers_are_throttled_per_resident() {
    let issuer = StrictIssuer::start(&[]);
    let (locker, _) = locker(&issuer.url(), &[]);
    let http = locker.login_resident("9876543210");
    for roll in 0..9 {
        let resp = search(
            &http,
            &locker,
            "MARKS",
            serde_json::json!({ "RollNo": format!("9{roll}") }),
        );
        assert_eq!(resp.json()["status"], "no_match", "{}", resp.text());
    }
    let tenth = search(&http, &locker, "MARKS", serde_json::json!({ "RollNo": "2002" }));
    assert_eq!(tenth.json()["status"], "mismatch", "{}", tenth.text());
    let asked = issuer.requests().len();
    let refused = search(
        &http,
        &locker,
        "HSCER",
        serde_json::json!({ "RollNo": "1001", "Year": "2024" }),
    );
    assert_eq!(refused.status, 429, "{}", refused.text());
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 3000 && wait <= 3600, "{wait}");
    assert_eq!(
        issuer.requests().len(),
        asked,
        "a throttled search does not reach the issuer"
    );
}

#[test]
fn match_none_needs_sends_uid_and_a_bad_hmac_setting_is_refused() {
    let locker = Server::start(&[]);
    locker
        .cli(&["issuer", "add", "--id", ISSUER, "--name", "Strict Board"])
        .json();
    let add = |extra: &[&str]| {
        let mut args = vec!["issuer", "doctype", "add", "--issuer", ISSUER, "--code"];
        args.extend(extra);
        locker.cli(&args)
    };
    let none = add(&["NOUID", "--name", "x", "--udf", "RollNo", "--match", "none"]);
    assert_eq!(none.code, 2, "{}", none.stderr);
    assert!(none.stderr.contains("--sends-uid"), "{}", none.stderr);
    assert_eq!(add(&["BYUID", "--name", "x", "--sends-uid", "--match", "none"]).code, 0);
    let bad = add(&["BADM", "--name", "x", "--match", "name,photo"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    let hmac = locker.cli(&[
        "issuer",
        "add",
        "--id",
        "other.gov.in",
        "--name",
        "O",
        "--pull-hmac",
        "sha1",
    ]);
    assert_eq!(hmac.code, 2, "{}", hmac.stderr);
    let listed = locker.cli(&["issuer", "doctype", "list", "--issuer", ISSUER]).json();
    assert_eq!(listed["doc_types"][0]["match"], "none", "{listed}");
}
