//! Two nodes on one PostgreSQL database and one S3 bucket (moto), sharing a
//! master key file, as INTERFACE section 9 deploys them: what one node does
//! holds at the other (a session, a used txn, an uploaded file, a disabled
//! repository client), and a node killed mid-import leaves its file to the
//! other, which imports every row exactly once.

use std::path::PathBuf;
use std::time::Duration;

use crate::repository::{PDF, pull_doc_xml, status};
use crate::support::s3::{self, CREDENTIALS};
use crate::support::*;

/// How long a node's import lease lasts here (the default is 30 s).
const LEASE_SECONDS: &str = "3";

struct Cluster {
    a: Server,
    b: Server,
    bucket: String,
    _dir: tempfile::TempDir,
}

impl Drop for Cluster {
    /// A failed test shows what the nodes logged.
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- node A:\n{}\n--- node B:\n{}", self.a.logs(), self.b.logs());
        }
    }
}

/// The settings both nodes (and their admin commands) share.
struct Shared {
    store: String,
    key: PathBuf,
}

/// Node `name` in `dir`, on the cluster's database, store and key.
fn node(dir: &tempfile::TempDir, name: &str, shared: &Shared, database: &str, extra: &[&str]) -> Server {
    let data = dir.path().join(name);
    crate::backend::use_database(&data, database);
    let key = shared.key.to_str().unwrap();
    let flags = ["--object-store-url", &shared.store, "--master-key-file", key];
    let mut env = CREDENTIALS.to_vec();
    env.extend([
        ("OPENLOCKER_IMPORT_LEASE_SECONDS", LEASE_SECONDS),
        ("OPENLOCKER_IMPORT_BATCH_ROWS", "2000"),
    ]);
    let mut all = flags.to_vec();
    all.extend(extra);
    Server::start_in_with_env(&data, &env, &all).with_cli_settings(&flags, &CREDENTIALS)
}

/// Node A imports on a schedule of every second when `a_imports`; node B
/// never does on schedule (it still takes over files a stopped node left).
fn cluster(a_imports: bool) -> Cluster {
    let dir = tempfile::tempdir().unwrap();
    let database = openlocker_testpg::shared().create_database();
    let bucket = s3::shared().create_bucket();
    let shared = Shared {
        store: s3::shared().url(&bucket),
        key: dir.path().join("keys/master.key"),
    };
    let a_schedule: &[&str] = if a_imports {
        &["--import-schedule", "* * * * * *"]
    } else {
        &[]
    };
    let a = node(&dir, "a", &shared, &database, a_schedule);
    let b = node(&dir, "b", &shared, &database, &[]);
    Cluster {
        a,
        b,
        bucket,
        _dir: dir,
    }
}

#[test]
fn a_session_and_an_uploaded_file_of_one_node_hold_at_the_other() {
    let c = cluster(false);
    c.a.resident(&aadhaar(7), "9810000007");
    let http = c.a.login_resident("9810000007");
    let mut bytes = b"%PDF-1.4\n% cluster-marker\n".to_vec();
    bytes.resize(3 * 1024 * 1024, 7);
    let up = http.post(
        &c.a.url("/api/uploaded?name=big.pdf"),
        "application/octet-stream",
        &bytes,
    );
    assert_eq!(up.status, 201, "{}", up.text());
    let id = up.json()["id"].as_i64().unwrap();
    // The same session cookie, at the other node.
    let got = http.get(&c.b.url(&format!("/api/uploaded/{id}/file")));
    assert_eq!(got.status, 200, "{}", got.text());
    assert!(got.body == bytes, "the other node's download differs");
    // In the bucket, sealed; in neither data folder.
    let keys = s3::shared().keys(&c.bucket, "uploads/");
    assert_eq!(keys.len(), 1, "{keys:?}");
    let stored = s3::shared().get(&c.bucket, &keys[0]);
    assert!(!stored.windows(14).any(|w| w == b"cluster-marker"), "stored sealed");
    for node in [&c.a, &c.b] {
        assert!(!node.data.join("uploads").exists());
    }
    let signed_out = http.post_json(&c.b.url("/api/logout"), &serde_json::json!({}));
    assert!(signed_out.status < 300, "{}", signed_out.text());
    assert_eq!(
        http.get(&c.a.url("/api/uploaded")).status,
        401,
        "signed out at every node"
    );
}

#[test]
fn a_txn_used_at_one_node_is_refused_at_the_other() {
    let c = cluster(false);
    let creds = c.a.add_cbse(&[]);
    c.a.add_cbse_doc_type("HSCER", "Class XII", &[]);
    let csv = row(&aadhaar(1), CBSE, "HSCER", "K1", "A");
    let push = |node: &Server, txn: &str| {
        let (org_id, key) = (creds["org_id"].as_str().unwrap(), creds["api_key"].as_str().unwrap());
        PushResult::parse(
            &node
                .push_raw(&push_xml(org_id, key, &now_ts(), txn, csv.as_bytes()))
                .text(),
        )
    };
    assert_eq!(push(&c.a, "cluster-push-1").status, "1");
    push(&c.b, "cluster-push-1").assert_refused("replay");

    // Pull Doc: the txns that are written behind on one machine.
    let (org_id, api_key) = c.a.add_repo_client("Test locker");
    let file = c._dir.path().join("marks.pdf");
    std::fs::write(&file, PDF).unwrap();
    let uri = c.a.add_repo_doc("hscer", &file, &aadhaar(1), &[]);
    let pull = |node: &Server, txn: &str| {
        let body = pull_doc_xml(&org_id, &api_key, &now_ts(), txn, &uri);
        Http::new()
            .post(
                &node.url("/repository/api/pulldoc/1/xml"),
                "application/xml",
                body.as_bytes(),
            )
            .text()
    };
    assert_eq!(
        status(&pull(&c.a, "cluster-pull-1")),
        "1",
        "the document is in the shared store"
    );
    let replayed = pull(&c.b, "cluster-pull-1");
    assert_eq!(status(&replayed), "0", "{replayed}");
    assert!(replayed.contains("txn"), "{replayed}");
    assert_eq!(status(&pull(&c.b, "cluster-pull-2")), "1");

    // A client disabled by an admin command is refused at both nodes within 2 s.
    c.a.cli(&["repo", "client", "disable", "--org-id", &org_id]).json();
    std::thread::sleep(Duration::from_secs(2));
    for (node, txn) in [(&c.a, "cluster-pull-3"), (&c.b, "cluster-pull-4")] {
        let answer = pull(node, txn);
        assert!(status(&answer) == "0" && answer.contains("disabled"), "{answer}");
    }
}

#[test]
fn a_node_killed_mid_import_leaves_its_file_to_the_other_which_imports_every_row_once() {
    let mut c = cluster(true);
    let issuer = c.a.issuer("cbse.nic.in", &["MSTN"]);
    const ROWS: u64 = 200_000;
    let mut csv = String::with_capacity(ROWS as usize * 110);
    for n in 0..ROWS {
        // Every 1000th row is bad, so rejections must not double either.
        let action = if n % 1000 == 999 { "Z" } else { "A" };
        csv.push_str(&row(&aadhaar(n), "cbse.nic.in", "MSTN", &format!("K{n}"), action));
    }
    // Pushed at B, imported by A on its schedule.
    let task = c.b.push(&issuer, &csv).task_id();
    let http = c.b.login_issuer(&issuer);
    let task_url = c.b.url(&format!("/issuer/api/tasks/{task}"));
    wait_for(Duration::from_secs(180), "node A to be importing", || {
        let t = http.get(&task_url).json();
        (t["progress"]["rows_done"].as_u64().unwrap_or(0) >= 10_000).then_some(())
    });
    c.a.kill();
    let at_kill = http.get(&task_url).json();
    assert_eq!(at_kill["status"], "running", "A finished before the kill: {at_kill}");
    let done = wait_for(Duration::from_secs(240), "node B to finish the file", || {
        let t = http.get(&task_url).json();
        (t["status"] == "done").then_some(t)
    });
    assert_eq!(done["rows_imported"], ROWS - ROWS / 1000, "{done}");
    assert_eq!(done["rows_rejected"], ROWS / 1000, "{done}");
    // B says so once the file is done (just after): B took the file over.
    wait_for(Duration::from_secs(10), "node B to say it took the file over", || {
        c.b.logs()
            .contains("finished import files a stopped node left")
            .then_some(())
    });
    let stored: i64 = crate::backend::at_rest(&c.b.data)
        .query_one("SELECT count(*) FROM issued_docs", &[])
        .unwrap();
    assert_eq!(stored as u64, ROWS - ROWS / 1000, "each good row exactly once");
    assert!(
        s3::shared().keys(&c.bucket, "imports/").is_empty(),
        "the imported file is gone"
    );
}
