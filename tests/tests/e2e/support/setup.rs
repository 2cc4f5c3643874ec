//! Fixtures on a running server: issuers, residents, sessions, pushes.

use std::path::Path;

use super::push::{PushResult, new_txn, now_ts, push_xml};
use super::{CliOutput, Http, PASSWORD, Resp, Server};

/// A registered issuer and its credentials.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub id: String,
    pub org_id: String,
    pub api_key: String,
    pub username: String,
}

impl Server {
    /// Registers an issuer with a doc type and a portal user.
    pub fn issuer(&self, id: &str, doc_types: &[&str]) -> Issuer {
        let creds = self
            .cli(&["issuer", "add", "--id", id, "--name", &format!("Board {id}")])
            .json();
        for code in doc_types {
            self.add_doc_type(id, code, &format!("{code} docs"), &[]);
        }
        let username = format!("clerk@{id}");
        self.add_issuer_user(id, &username, &[]);
        Issuer {
            id: id.to_owned(),
            org_id: creds["org_id"].as_str().unwrap().to_owned(),
            api_key: creds["api_key"].as_str().unwrap().to_owned(),
            username,
        }
    }

    /// Adds doc type `code`, named `name`, to `issuer_id`, with `flags`
    /// (`--udf RollNo`, `--verify-by-hand`, ...).
    pub fn add_doc_type(&self, issuer_id: &str, code: &str, name: &str, flags: &[&str]) {
        let mut args = vec![
            "issuer", "doctype", "add", "--issuer", issuer_id, "--code", code, "--name", name,
        ];
        args.extend(flags);
        self.cli(&args).json();
    }

    /// Adds an issuer portal user with the test password and `flags`.
    pub fn add_issuer_user(&self, issuer_id: &str, username: &str, flags: &[&str]) {
        let mut args = vec![
            "issuer",
            "user",
            "add",
            "--issuer",
            issuer_id,
            "--username",
            username,
            "--password",
            PASSWORD,
        ];
        args.extend(flags);
        self.cli(&args).json();
    }

    /// Adds a requester portal user to `app_id` with the test password.
    pub fn add_requester_user(&self, app_id: &str, username: &str) -> CliOutput {
        let args = ["requester", "user", "add", "--app-id", app_id, "--username", username];
        let mut args = args.to_vec();
        args.extend(["--password", PASSWORD]);
        self.cli(&args)
    }

    /// A raw TCP connection to the server (reads time out after 30 s), and
    /// the `host:port` it went to.
    pub fn raw_connection(&self) -> (std::net::TcpStream, String) {
        let addr = self.base.trim_start_matches("http://").to_owned();
        let stream = std::net::TcpStream::connect(&addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        (stream, addr)
    }

    /// Opens a locker; returns the resident id.
    pub fn resident(&self, aadhaar: &str, mobile: &str) -> i64 {
        let out = self.cli(&[
            "resident",
            "add",
            "--aadhaar",
            aadhaar,
            "--name",
            "Asha Devi",
            "--dob",
            "1990-04-01",
            "--mobile",
            mobile,
            "--password",
            PASSWORD,
        ]);
        out.json()["resident_id"].as_i64().unwrap()
    }

    /// Signs up on the web (an unverified claim of `aadhaar`); returns the
    /// signed-in session.
    pub fn signup(&self, aadhaar: &str, mobile: &str, name: &str) -> Http {
        let mut http = Http::new();
        let body = serde_json::json!({
            "aadhaar": aadhaar, "name": name, "dob": "1990-04-01", "mobile": mobile, "password": PASSWORD,
        });
        let resp = http.post_json(&self.url("/api/signup"), &body);
        assert_eq!(resp.status, 201, "{}", resp.text());
        http.adopt_session(&resp);
        http
    }

    /// `openlocker resident verify`, in person, of the one account that
    /// claims `aadhaar`.
    pub fn verify_in_person(&self, aadhaar: &str) {
        self.cli(&["resident", "verify", "--aadhaar", aadhaar, "--by", "test operator"])
            .json();
    }

    /// `openlocker import run`, returning its JSON summary.
    pub fn import_run(&self) -> serde_json::Value {
        self.cli(&["import", "run"]).json()
    }

    /// POSTs a Push CSV request body; returns (HTTP status, body).
    pub fn push_raw(&self, body: &str) -> Resp {
        Http::new().post(
            &self.url("/public/issuer/api/csvupload/1/xml"),
            "application/xml",
            body.as_bytes(),
        )
    }

    /// Pushes a CSV as `issuer` and returns the parsed response.
    pub fn push(&self, issuer: &Issuer, csv: &str) -> PushResult {
        let resp = self.push_raw(&push_xml(
            &issuer.org_id,
            &issuer.api_key,
            &now_ts(),
            &new_txn(),
            csv.as_bytes(),
        ));
        assert_eq!(resp.status, 200, "{}", resp.text());
        PushResult::parse(&resp.text())
    }

    /// A signed-in resident session.
    pub fn login_resident(&self, username: &str) -> Http {
        self.login("/api/login", username)
    }

    /// A signed-in resident session with `password`.
    pub fn login_resident_with(&self, username: &str, password: &str) -> Http {
        self.login_with("/api/login", username, password)
    }

    /// A signed-in requester portal session.
    pub fn login_requester(&self, username: &str) -> Http {
        self.login("/requester/portal/api/login", username)
    }

    /// A signed-in issuer portal session.
    pub fn login_issuer(&self, issuer: &Issuer) -> Http {
        self.login("/issuer/api/login", &issuer.username)
    }

    /// Signs in at `path` with the test password.
    fn login(&self, path: &str, username: &str) -> Http {
        self.login_with(path, username, PASSWORD)
    }

    fn login_with(&self, path: &str, username: &str, password: &str) -> Http {
        let mut http = Http::new();
        let body = serde_json::json!({ "username": username, "password": password });
        let resp = http.post_json(&self.url(path), &body);
        assert_eq!(resp.status, 200, "{}", resp.text());
        http.adopt_session(&resp);
        http
    }
}

/// The issuer the repository tests register, on both sides.
pub const CBSE: &str = "cbse.nic.in";

/// Fixtures of the dedicated repository (and of a locker that knows
/// cbse.nic.in).
impl Server {
    /// Registers issuer cbse.nic.in, named CBSE, with `flags` (pull URLs
    /// and keys); its Push API credentials.
    pub fn add_cbse(&self, flags: &[&str]) -> serde_json::Value {
        let mut args = vec!["issuer", "add", "--id", CBSE, "--name", "CBSE"];
        args.extend(flags);
        self.cli(&args).json()
    }

    /// Adds doc type `code`, named `name`, to cbse.nic.in, with `flags`
    /// (`--udf RollNo`, `--verify-by-hand`, ...).
    pub fn add_cbse_doc_type(&self, code: &str, name: &str, flags: &[&str]) {
        self.add_doc_type(CBSE, code, name, flags);
    }

    /// Adds a repository client; its orgId and API key.
    pub fn add_repo_client(&self, name: &str) -> (String, String) {
        let client = self.cli(&["repo", "client", "add", "--name", name]).json();
        let field = |key: &str| client[key].as_str().unwrap().to_owned();
        (field("org_id"), field("api_key"))
    }

    /// Stores `file` as a cbse.nic.in document of `doc_type` owned by
    /// `owner`, with `flags` (`--udf`, `--doc-name`, ...); its URI.
    pub fn add_repo_doc(&self, doc_type: &str, file: &Path, owner: &str, flags: &[&str]) -> String {
        let file = file.to_str().unwrap();
        let mut args = vec![
            "repo",
            "doc",
            "add",
            "--issuer",
            CBSE,
            "--doctype",
            doc_type,
            "--file",
            file,
            "--owner",
            owner,
        ];
        args.extend(flags);
        self.cli(&args).json()["uri"].as_str().unwrap().to_owned()
    }
}
