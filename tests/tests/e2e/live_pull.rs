//! Two servers on loopback: a department's repository and a locker. The
//! repository pushes its URIs to the locker; a resident opens a document,
//! which the locker pulls live from the repository. Plus each failure:
//! a refused or failed push, an issuer that is down, slow, or refuses.

use std::time::Duration;

use crate::support::*;

pub const PDF: &[u8] = b"%PDF-1.7\n% a mark sheet\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

/// A repository with one document for `owner`, and a locker that knows the
/// repository as issuer cbse.nic.in (Pull Doc URL and credentials).
pub struct Pair {
    pub repository: Server,
    pub locker: Server,
    /// The locker's Push credentials for the issuer.
    pub push: Issuer,
    /// The repository's client credentials for the locker.
    client_org_id: String,
    pub uri: String,
    _dir: tempfile::TempDir,
}

pub fn pair(pull_doc_url: Option<&str>, locker_flags: &[&str]) -> Pair {
    pair_with_document(pull_doc_url, locker_flags, "m.pdf", PDF)
}

/// [`pair`], with the repository's document given (`name` and `bytes`).
pub fn pair_with_document(pull_doc_url: Option<&str>, locker_flags: &[&str], name: &str, bytes: &[u8]) -> Pair {
    let repository = Server::start(&[]);
    repository.add_cbse(&[]);
    repository.add_cbse_doc_type("MSTN", "Marks", &[]);
    let (client_org_id, client_key) = repository.add_repo_client("locker");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let flags = ["--owner", &aadhaar(2), "--issued-on", "2024-05-01"];
    let uri = repository.add_repo_doc("MSTN", &file, &aadhaar(1), &flags);

    let locker = Server::start(locker_flags);
    let default_url = repository.url("/repository/api/pulldoc/1/xml");
    let pull_doc_url = pull_doc_url.unwrap_or(&default_url);
    let pull = [
        "--pull-doc-url",
        pull_doc_url,
        "--pull-org-id",
        &client_org_id,
        "--pull-api-key",
        &client_key,
    ];
    let creds = locker.add_cbse(&pull);
    locker.add_cbse_doc_type("MSTN", "Marks", &[]);
    let push = Issuer {
        id: CBSE.into(),
        org_id: creds["org_id"].as_str().unwrap().into(),
        api_key: creds["api_key"].as_str().unwrap().into(),
        username: String::new(),
    };
    Pair {
        repository,
        locker,
        push,
        client_org_id,
        uri,
        _dir: dir,
    }
}

impl Pair {
    pub fn push_with(&self, key: &str) -> CliOutput {
        self.repository.cli(&[
            "repo",
            "push",
            "--issuer",
            "cbse.nic.in",
            "--locker",
            &self.locker.base,
            "--org-id",
            &self.push.org_id,
            "--api-key",
            key,
        ])
    }

    /// Pushes, imports, and signs the first owner in.
    pub fn deliver(&self) -> Http {
        let pushed = self.push_with(&self.push.api_key).json();
        assert_eq!(pushed["status"], 1, "{pushed}");
        self.locker.import_run();
        self.locker.resident(&aadhaar(1), "9000000001");
        self.locker.login_resident("9000000001")
    }

    fn file_url(&self) -> String {
        self.locker.url(&format!("/api/issued/{}/file", self.uri))
    }
}

#[test]
fn a_document_goes_from_repository_to_locker_and_opens_with_identical_bytes() {
    let pair = pair(None, &[]);
    let pushed = pair.push_with(&pair.push.api_key).json();
    assert_eq!(pushed["rows"], 2, "one row per owner: {pushed}");
    assert_eq!(pushed["status"], 1);
    // Nothing is pushed twice.
    assert_eq!(pair.push_with(&pair.push.api_key).json()["rows"], 0);
    assert_eq!(pair.locker.import_run()["rows_imported"], 2);
    pair.locker.resident(&aadhaar(2), "9000000002");
    let http = pair.locker.login_resident("9000000002");
    let issued = http.get(&pair.locker.url("/api/issued")).json();
    assert_eq!(issued[0]["uri"], pair.uri.as_str());
    assert_eq!(issued[0]["issued_on"], "2024-05-01");
    let file = http.get(&pair.file_url());
    assert_eq!(file.status, 200, "{}", file.text());
    assert_eq!(file.body, PDF);
    assert_eq!(file.header("content-type"), Some("application/pdf"));
    assert!(
        file.header("content-disposition")
            .unwrap()
            .contains(&format!("{}.pdf", pair.uri))
    );
}

#[test]
fn a_refused_or_failed_push_loses_nothing() {
    let pair = pair(None, &[]);
    let refused = pair.push_with("not-the-key").json();
    assert_eq!(refused["status"], 0);
    assert!(refused["message"].as_str().unwrap().contains("keyhash"), "{refused}");
    // The locker is down: exit 1 with the reason, and still nothing lost.
    let down = pair.repository.cli(&[
        "repo",
        "push",
        "--issuer",
        "cbse.nic.in",
        "--locker",
        "http://127.0.0.1:9",
        "--org-id",
        "x",
        "--api-key",
        "y",
    ]);
    assert_eq!(down.code, 1, "{}", down.stderr);
    assert!(down.stderr.contains("unavailable"), "{}", down.stderr);
    let pushed = pair.push_with(&pair.push.api_key).json();
    assert_eq!(
        (pushed["rows"].as_u64(), pushed["status"].as_u64()),
        (Some(2), Some(1)),
        "{pushed}"
    );
}

#[test]
fn only_the_documents_own_resident_can_open_it() {
    let pair = pair(None, &[]);
    pair.deliver();
    pair.locker.resident(&aadhaar(3), "9000000003");
    let stranger = pair.locker.login_resident("9000000003");
    let resp = stranger.get(&pair.file_url());
    assert_eq!(resp.status, 404);
    assert!(!resp.body.windows(4).any(|w| w == b"%PDF"));
    assert_eq!(Http::new().get(&pair.file_url()).status, 401);
}

#[test]
fn an_issuer_that_is_down_gives_502() {
    let pair = pair(Some("http://127.0.0.1:9/repository/api/pulldoc/1/xml"), &[]);
    let http = pair.deliver();
    let resp = http.get(&pair.file_url());
    assert_eq!(resp.status, 502, "{}", resp.text());
    let body = resp.json();
    assert_eq!(body["error"], "upstream");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("issuer cbse.nic.in is unavailable"),
        "{body}"
    );
}

#[test]
fn an_issuer_that_refuses_gives_502_with_its_reason() {
    let pair = pair(None, &[]);
    let http = pair.deliver();
    pair.repository
        .cli(&["repo", "client", "disable", "--org-id", &pair.client_org_id])
        .json();
    let resp = http.get(&pair.file_url());
    assert_eq!(resp.status, 502);
    assert!(
        resp.json()["message"].as_str().unwrap().contains("disabled"),
        "{}",
        resp.text()
    );
}

#[test]
fn a_slow_issuer_gives_504_within_the_time_limit() {
    // A repository that accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/repository/api/pulldoc/1/xml", silent.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().flatten() {
            held.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("openlocker.toml");
    std::fs::write(&config, "upstream_timeout_seconds = 2\n").unwrap();
    let pair = pair(Some(&url), &["--config", config.to_str().unwrap()]);
    let http = pair.deliver();
    let started = std::time::Instant::now();
    let resp = http.get(&pair.file_url());
    assert_eq!(resp.status, 504, "{}", resp.text());
    assert!(
        resp.json()["message"]
            .as_str()
            .unwrap()
            .contains("did not answer within 2 seconds")
    );
    assert!(started.elapsed() < Duration::from_secs(30), "the request must not hang");
}

#[test]
fn the_repository_pushes_new_documents_on_its_schedule() {
    let locker = Server::start(&[]);
    let creds = locker.add_cbse(&[]);
    locker.add_cbse_doc_type("MSTN", "Marks", &[]);
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("push.key");
    std::fs::write(&key_file, format!("{}\n", creds["api_key"].as_str().unwrap())).unwrap();
    let config = dir.path().join("openlocker.toml");
    std::fs::write(
        &config,
        format!(
            "repo_push_schedule = \"* * * * * *\"\nrepo_push_issuer = \"cbse.nic.in\"\nrepo_push_locker = \"{}\"\nrepo_push_org_id = \"{}\"\nrepo_push_api_key_file = \"{}\"\n",
            locker.base,
            creds["org_id"].as_str().unwrap(),
            key_file.display()
        ),
    )
    .unwrap();
    let repository = Server::start(&["--config", config.to_str().unwrap()]);
    repository.add_cbse(&[]);
    repository.add_cbse_doc_type("MSTN", "Marks", &[]);
    let file = dir.path().join("m.pdf");
    std::fs::write(&file, PDF).unwrap();
    repository.add_repo_doc("MSTN", &file, &aadhaar(1), &[]);
    let imported = wait_for(Duration::from_secs(30), "the scheduled push to arrive", || {
        let summary = locker.import_run();
        (summary["rows_imported"] == 1).then_some(summary)
    });
    assert_eq!(imported["files"], 1);
    assert!(repository.logs().contains("scheduled push finished"));
    // An incomplete push configuration is refused at start.
    std::fs::write(&config, "repo_push_schedule = \"* * * * * *\"\n").unwrap();
    let out = cli(
        &repository.data,
        &["--config", config.to_str().unwrap(), "import", "run"],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("repo_push_issuer"), "{}", out.stderr);
}

/// The portal refuses a Pull Doc URL that is not http(s) or leads inward,
/// and changes nothing.
fn assert_inward_urls_refused(portal: &Http, url: &str, before: &serde_json::Value, repository_url: &str) {
    for internal in [
        "ftp://x",
        repository_url,
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:9/x",
        "http://10.0.0.8/repository/api/pulldoc/1/xml",
    ] {
        let refused = portal.put_json(
            url,
            &serde_json::json!({ "doc_url": internal, "org_id": before["org_id"] }),
        );
        assert_eq!(refused.status, 400, "{internal}: {}", refused.text());
    }
    assert_eq!(
        portal.get(url).json()["doc_url"],
        before["doc_url"],
        "nothing was changed"
    );
}

#[test]
fn the_issuer_portal_sets_public_pull_urls_only_checked_again_at_call_time() {
    let pair = pair(None, &[]);
    let http = pair.deliver();
    assert_eq!(
        http.get(&pair.file_url()).body,
        PDF,
        "the operator's loopback URL is trusted"
    );
    pair.locker.add_issuer_user(CBSE, "clerk", &[]);
    let portal = pair.locker.login_issuer(&Issuer {
        username: "clerk".into(),
        ..pair.push.clone()
    });
    let url = pair.locker.url("/issuer/api/pull");
    let before = portal.get(&url).json();
    assert_eq!(before["has_api_key"], true);
    assert!(before.get("api_key").is_none(), "the key is never shown");
    let repository_url = pair.repository.url("/repository/api/pulldoc/1/xml");
    assert_inward_urls_refused(&portal, &url, &before, &repository_url);
    // The org id and key stay as they are; only the URL changes.
    let public = "https://8.8.8.8/repository/api/pulldoc/1/xml";
    let saved = portal.put_json(
        &url,
        &serde_json::json!({ "doc_url": public, "org_id": before["org_id"] }),
    );
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(saved.json()["doc_url"], public);

    // A name that resolved to a public address when it was set can lead
    // inward later: the address connected to is checked at each call.
    let conn = crate::backend::at_rest(&pair.locker.data);
    conn.execute("UPDATE issuers SET pull_doc_url = ?1", &[&repository_url])
        .unwrap();
    let pulls_before = pair.repository.logs().matches("/repository/api/pulldoc/1/xml").count();
    let refused = http.get(&pair.file_url());
    assert_eq!(refused.status, 502, "{}", refused.text());
    assert!(refused.text().contains("loopback"), "{}", refused.text());
    let pulls_after = pair.repository.logs().matches("/repository/api/pulldoc/1/xml").count();
    assert_eq!(pulls_before, pulls_after, "the repository was not called");
}
