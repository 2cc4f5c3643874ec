//! Field compatibility: the locker against a strict Issuer API v1.13
//! repository written from the specification (`tests/peers/strict_issuer.py`,
//! Python standard library only, not our repository). Search, open and
//! share from the kept copy; the issuer going down; another person's record;
//! a pushed URI resolved by UID; every bad answer; the throttle.

mod pushed;
mod search; // search, open and share from the kept copy; another's record; bad answers; throttle; match settings // a pushed URI resolved by UID at first open, or refused when another URI answers

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
