//! Test support: the real `openlocker` binary as a child process on a
//! loopback port, its CLI, HTTP helpers and Push CSV request builders.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use sha2::{Digest, Sha256};

/// The workspace's static web folder, where `cargo xtask` builds the app.
pub const WWW_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../www");

/// A schedule that never fires during a test (midnight on 1 January).
pub const NEVER: &str = "0 0 0 1 1 *";

/// The `openlocker` binary: `OL_TEST_BIN` (set by `cargo xtask test`)
/// or the debug build beside this test binary.
pub fn bin() -> PathBuf {
    if let Some(path) = std::env::var_os("OL_TEST_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join("openlocker");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p openlocker` or `cargo xtask test`",
        path.display()
    );
    path
}

/// What an admin subcommand did.
#[derive(Debug)]
pub struct CliOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl CliOutput {
    /// The one JSON object printed with `--json`; panics unless it succeeded.
    pub fn json(&self) -> serde_json::Value {
        assert_eq!(self.code, 0, "command failed: {}", self.stderr);
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {}", self.stdout))
    }
}

/// Runs `openlocker --data-dir DATA ARGS...`.
pub fn cli(data: &Path, args: &[&str]) -> CliOutput {
    let out = Command::new(bin())
        .arg("--data-dir")
        .arg(data)
        .args(crate::backend::database_args(data))
        .args(args)
        .output()
        .unwrap();
    CliOutput {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A running server with its own data folder.
pub struct Server {
    child: Child,
    pub base: String,
    pub data: PathBuf,
    _dir: Option<tempfile::TempDir>,
    logs: Arc<Mutex<String>>,
}

impl Server {
    /// A server on a fresh data folder; `extra` flags go before `serve`.
    pub fn start(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut server = Server::start_in(&dir.path().join("data"), extra);
        server._dir = Some(dir);
        server
    }

    /// A server on a fresh data folder, with `env` set for it (settings as
    /// `OPENLOCKER_*` variables, or `OPENLOCKER_FAULT`).
    pub fn start_with_env(env: &[(&str, &str)], extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut server = Server::start_in_with_env(&dir.path().join("data"), env, extra);
        server._dir = Some(dir);
        server
    }

    /// A server on the given data folder.
    pub fn start_in(data: &Path, extra: &[&str]) -> Server {
        Server::start_in_with_env(data, &[], extra)
    }

    fn start_in_with_env(data: &Path, env: &[(&str, &str)], extra: &[&str]) -> Server {
        let mut args: Vec<&str> = vec!["--bind", "127.0.0.1:0"];
        if !extra.contains(&"--www-dir") {
            args.extend(["--www-dir", WWW_DIR]);
        }
        if !extra.contains(&"--import-schedule") {
            args.extend(["--import-schedule", NEVER]);
        }
        args.extend(extra);
        let mut child = Command::new(bin())
            .arg("--data-dir")
            .arg(data)
            .args(crate::backend::database_args(data))
            .args(&args)
            .arg("serve")
            .env("OPENLOCKER_LOG", "debug")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let logs = Arc::new(Mutex::new(String::new()));
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let base = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("server did not print its address: {first:?}"))
            .to_owned();
        logs.lock().unwrap().push_str(&first);
        for stream in [
            Box::new(stdout) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let logs = logs.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    logs.lock().unwrap().push_str(&line);
                    line.clear();
                }
            });
        }
        Server {
            child,
            base,
            data: data.to_owned(),
            _dir: None,
            logs,
        }
    }

    /// Kills the server (`kill -9`) and starts a new one on the same data
    /// folder, with the same flags.
    pub fn crash_and_restart(&mut self, extra: &[&str]) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let dir = self._dir.take();
        *self = Server::start_in(&self.data, extra);
        self._dir = dir;
    }

    /// Whether the server process is still running (it did not exit or panic).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Everything the server wrote to stdout and stderr so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs an admin subcommand with `--json` on this server's data folder.
    pub fn cli(&self, args: &[&str]) -> CliOutput {
        let mut all = vec!["--json"];
        all.extend(args);
        cli(&self.data, &all)
    }

    /// Registers an issuer with a doc type and a portal user.
    pub fn issuer(&self, id: &str, doc_types: &[&str]) -> Issuer {
        let creds = self
            .cli(&["issuer", "add", "--id", id, "--name", &format!("Board {id}")])
            .json();
        for code in doc_types {
            self.cli(&[
                "issuer",
                "doctype",
                "add",
                "--issuer",
                id,
                "--code",
                code,
                "--name",
                &format!("{code} docs"),
            ])
            .json();
        }
        let username = format!("clerk@{id}");
        self.cli(&[
            "issuer",
            "user",
            "add",
            "--issuer",
            id,
            "--username",
            &username,
            "--password",
            PASSWORD,
        ])
        .json();
        Issuer {
            id: id.to_owned(),
            org_id: creds["org_id"].as_str().unwrap().to_owned(),
            api_key: creds["api_key"].as_str().unwrap().to_owned(),
            username,
        }
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
        let mut http = Http::new();
        let body = serde_json::json!({ "username": username, "password": PASSWORD });
        let resp = http.post_json(&self.url("/api/login"), &body);
        assert_eq!(resp.status, 200, "{}", resp.text());
        http.adopt_session(&resp);
        http
    }

    /// A signed-in issuer portal session.
    /// A signed-in requester portal session.
    pub fn login_requester(&self, username: &str) -> Http {
        let mut http = Http::new();
        let body = serde_json::json!({ "username": username, "password": PASSWORD });
        let resp = http.post_json(&self.url("/requester/portal/api/login"), &body);
        assert_eq!(resp.status, 200, "{}", resp.text());
        http.adopt_session(&resp);
        http
    }

    pub fn login_issuer(&self, issuer: &Issuer) -> Http {
        let mut http = Http::new();
        let body = serde_json::json!({ "username": issuer.username, "password": PASSWORD });
        let resp = http.post_json(&self.url("/issuer/api/login"), &body);
        assert_eq!(resp.status, 200, "{}", resp.text());
        http.adopt_session(&resp);
        http
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `openlocker kyc-sim` on a loopback port, fed the given fixture text.
pub struct KycSim {
    child: Child,
    pub base: String,
    _dir: tempfile::TempDir,
}

impl KycSim {
    pub fn start(fixture: &str) -> KycSim {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.csv");
        std::fs::write(&path, fixture).unwrap();
        let mut child = Command::new(bin())
            .args(["--bind", "127.0.0.1:0", "kyc-sim", "--fixture"])
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let base = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("kyc-sim did not print its address: {first:?}"))
            .to_owned();
        KycSim { child, base, _dir: dir }
    }
}

impl Drop for KycSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The password every test account uses.
pub const PASSWORD: &str = "a-long-test-password";

/// A registered issuer and its credentials.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub id: String,
    pub org_id: String,
    pub api_key: String,
    pub username: String,
}

/// A valid Aadhaar number (Verhoeff check digit) made from `n`.
pub fn aadhaar(n: u64) -> String {
    openlocker_tests::verhoeff::aadhaar(&format!("{}", 30_000_000_000u64 + n))
}

/// One CSV row with sensible defaults.
pub fn row(aadhaar: &str, issuer: &str, doc_type: &str, doc_id: &str, action: &str) -> String {
    format!(
        "{aadhaar},{issuer}-{doc_type}-{doc_id},{doc_type},Statement of Marks,{doc_id},01/05/2024,01/05/2024,31/12/2099,01/05/2024 10:00:00 AM,{action}\n"
    )
}

/// The request `ts` for now, in India's offset.
pub fn now_ts() -> String {
    ts_at(time::OffsetDateTime::now_utc())
}

pub fn ts_at(at: time::OffsetDateTime) -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
    );
    at.to_offset(time::macros::offset!(+5:30)).format(&fmt).unwrap()
}

/// A fresh transaction id.
pub fn new_txn() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("txn-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// `sha256(key + ts)` in lowercase hex.
pub fn keyhash(key: &str, ts: &str) -> String {
    hex::encode(Sha256::digest(format!("{key}{ts}").as_bytes()))
}

/// A spec-shaped `PushCSVRequest`.
pub fn push_xml(org_id: &str, key: &str, ts: &str, txn: &str, csv: &[u8]) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<PushCSVRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="{ts}" txn="{txn}" orgId="{org_id}" keyhash="{}">
  <DocDetails>
    <DocContent>{}</DocContent>
    <FileName>marks.csv</FileName>
  </DocDetails>
</PushCSVRequest>"#,
        keyhash(key, ts),
        base64::engine::general_purpose::STANDARD.encode(csv)
    )
}

/// The fields of a `PushCSVResponse`.
#[derive(Debug)]
pub struct PushResult {
    pub status: String,
    pub message: String,
    pub raw: String,
}

impl PushResult {
    pub fn parse(xml: &str) -> PushResult {
        PushResult {
            status: element(xml, "ResponseStatus"),
            message: element(xml, "ResponseMessage"),
            raw: xml.into(),
        }
    }

    pub fn task_id(&self) -> i64 {
        let after = self
            .message
            .split("as task ")
            .nth(1)
            .unwrap_or_else(|| panic!("no task id in {}", self.raw));
        after
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Asserts Status 0 with a message that mentions `needle`.
    pub fn assert_refused(&self, needle: &str) {
        assert_eq!(self.status, "0", "expected a refusal: {}", self.raw);
        assert!(
            self.message.contains(needle),
            "message {:?} should mention {needle:?}",
            self.message
        );
    }
}

/// The text of the first `<name>` element (tests read only our own answers).
pub fn element(xml: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let start = xml
        .find(&open)
        .map(|i| i + open.len())
        .unwrap_or_else(|| panic!("no <{name}> in {xml}"));
    let end = xml[start..].find(&format!("</{name}>")).unwrap() + start;
    xml[start..end].to_owned()
}

/// An HTTP response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A tiny HTTP client that keeps one session cookie and its CSRF token.
pub struct Http {
    agent: ureq::Agent,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Http {
    pub fn new() -> Http {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Http {
            agent,
            cookie: None,
            csrf: None,
        }
    }

    fn adopt_session(&mut self, resp: &Resp) {
        let set = resp.header("set-cookie").expect("a session cookie");
        self.cookie = Some(set.split(';').next().unwrap().to_owned());
        self.csrf = resp.json()["csrf_token"].as_str().map(str::to_owned);
    }

    fn finish(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
        let mut response = response.unwrap();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let status = response.status().as_u16();
        let body = response.body_mut().with_config().limit(1 << 30).read_to_vec().unwrap();
        Resp { status, headers, body }
    }

    fn with_session<B>(&self, mut req: ureq::RequestBuilder<B>, csrf: bool) -> ureq::RequestBuilder<B> {
        if let Some(cookie) = &self.cookie {
            req = req.header("Cookie", cookie);
        }
        if csrf && let Some(token) = &self.csrf {
            req = req.header("X-CSRF-Token", token);
        }
        req
    }

    pub fn get(&self, url: &str) -> Resp {
        Http::finish(self.with_session(self.agent.get(url), false).call())
    }

    pub fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Resp {
        Http::finish(
            self.with_session(self.agent.post(url), true)
                .header("Content-Type", content_type)
                .send(body),
        )
    }

    /// A POST with one extra header.
    pub fn post_with_header(&self, url: &str, content_type: &str, body: &[u8], header: (&str, &str)) -> Resp {
        let req = self
            .with_session(self.agent.post(url), true)
            .header("Content-Type", content_type);
        Http::finish(req.header(header.0, header.1).send(body))
    }

    /// A POST without the CSRF header, as a forged cross-site request would be.
    pub fn post_without_csrf(&self, url: &str, content_type: &str, body: &[u8]) -> Resp {
        Http::finish(
            self.with_session(self.agent.post(url), false)
                .header("Content-Type", content_type)
                .send(body),
        )
    }

    pub fn post_json(&self, url: &str, body: &serde_json::Value) -> Resp {
        self.post(url, "application/json", body.to_string().as_bytes())
    }

    pub fn put_json(&self, url: &str, body: &serde_json::Value) -> Resp {
        let req = self
            .with_session(self.agent.put(url), true)
            .header("Content-Type", "application/json");
        Http::finish(req.send(body.to_string().as_bytes()))
    }

    pub fn delete(&self, url: &str) -> Resp {
        Http::finish(self.with_session(self.agent.delete(url), true).call())
    }
}

/// Polls `check` every 50 ms until it returns `Some`, for at most `limit`.
pub fn wait_for<T>(limit: Duration, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
