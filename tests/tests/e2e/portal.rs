//! The issuer portal's API: sign-in, uploads by hand, tasks with progress
//! and rejections (JSON and CSV), key rotation, doc types, CSRF.

use crate::support::*;

/// The task's one rejection, as JSON and as a CSV download.
fn assert_rejections_listed_and_downloadable(server: &Server, http: &Http, id: i64) {
    let rejected = http
        .get(&server.url(&format!("/issuer/api/tasks/{id}/rejections")))
        .json();
    assert_eq!(rejected[0]["line"], 2);
    assert_eq!(rejected[0]["field"], "Aadhaar");
    let download = http.get(&server.url(&format!("/issuer/api/tasks/{id}/rejections.csv")));
    assert_eq!(download.status, 200);
    assert!(download.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .contains(&format!("task-{id}-rejections.csv"))
    );
    assert_eq!(
        download.text(),
        "line,field,reason\r\n2,Aadhaar,an Aadhaar number has 12 digits\r\n"
    );
}

#[test]
fn an_upload_by_hand_becomes_a_task_with_its_rejections_downloadable() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let http = server.login_issuer(&issuer);
    let me = http.get(&server.url("/issuer/api/me")).json();
    assert_eq!(me["issuer_id"], "cbse.nic.in");
    assert_eq!(me["org_id"], issuer.org_id.as_str());

    let csv = row(&aadhaar(1), "cbse.nic.in", "MSTN", "P1", "A") + &row("1234", "cbse.nic.in", "MSTN", "P2", "A");
    let resp = http.post(
        &server.url("/issuer/api/uploads?name=..%2Fmarks%20june.csv"),
        "text/csv",
        csv.as_bytes(),
    );
    assert_eq!(resp.status, 201, "{}", resp.text());
    let task = resp.json();
    assert_eq!(task["source"], "portal");
    assert_eq!(task["file_name"], "marks june.csv");
    assert_eq!(task["status"], "pending");
    let id = task["id"].as_i64().unwrap();

    server.import_run();
    let tasks = http.get(&server.url("/issuer/api/tasks")).json();
    let t = &tasks[0];
    assert_eq!((t["id"].as_i64(), t["status"].as_str()), (Some(id), Some("done")));
    assert_eq!(
        (t["rows_imported"].as_u64(), t["rows_rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(t["progress"]["rows_done"], 2);
    assert!(t["progress"]["rows_per_second"].as_f64().unwrap() > 0.0);
    assert_eq!(t["progress"]["fraction"], 1.0);

    assert_rejections_listed_and_downloadable(&server, &http, id);

    // A file that is not CSV is refused at upload.
    let resp = http.post(
        &server.url("/issuer/api/uploads?name=x.pdf"),
        "text/csv",
        b"%PDF-1.4\x00\xff",
    );
    assert_eq!(resp.status, 400);
    assert!(resp.json()["message"].as_str().unwrap().contains("not a CSV file"));
}

#[test]
fn state_changes_need_the_csrf_token_and_a_session() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let http = server.login_issuer(&issuer);
    let csv = row(&aadhaar(1), "cbse.nic.in", "MSTN", "C1", "A");
    let forged = http.post_without_csrf(
        &server.url("/issuer/api/uploads?name=a.csv"),
        "text/csv",
        csv.as_bytes(),
    );
    assert_eq!(forged.status, 403, "{}", forged.text());
    let mut wrong = Http::new();
    wrong.cookie = http.cookie.clone();
    wrong.csrf = Some("0".repeat(32));
    assert_eq!(
        wrong
            .post(&server.url("/issuer/api/key/rotate"), "application/json", b"{}")
            .status,
        403
    );
    assert_eq!(Http::new().get(&server.url("/issuer/api/tasks")).status, 401);
    let bad_login = Http::new().post_json(
        &server.url("/issuer/api/login"),
        &serde_json::json!({ "username": issuer.username, "password": "wrong-password!" }),
    );
    assert_eq!(bad_login.status, 401);
    // Signing out ends the session.
    assert_eq!(
        http.post(&server.url("/issuer/api/logout"), "application/json", b"{}")
            .status,
        204
    );
    assert_eq!(http.get(&server.url("/issuer/api/me")).status, 401);
    assert_eq!(server.import_run()["files"], 0);
}

#[test]
fn a_rotated_key_takes_over_while_the_old_one_lasts_its_grace_period() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let http = server.login_issuer(&issuer);
    let rotated = http
        .post(&server.url("/issuer/api/key/rotate"), "application/json", b"{}")
        .json();
    let new_key = rotated["api_key"].as_str().unwrap().to_owned();
    assert_ne!(new_key, issuer.api_key);
    let grace = rotated["old_key_valid_until"].as_i64().unwrap() - time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((24 * 3600 - 60..=24 * 3600).contains(&grace), "grace of {grace} s");
    let csv = row(&aadhaar(1), "cbse.nic.in", "MSTN", "R1", "A");
    assert_eq!(
        server.push(&issuer, &csv).status,
        "1",
        "old key within its grace period"
    );
    let renewed = Issuer {
        api_key: new_key,
        ..issuer.clone()
    };
    assert_eq!(server.push(&renewed, &csv).status, "1", "new key");
}

#[test]
fn with_no_grace_period_the_old_key_stops_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("openlocker.toml");
    std::fs::write(&config, "key_grace_hours = 0\n").unwrap();
    let server = Server::start(&["--config", config.to_str().unwrap()]);
    assert!(server.logs().contains("openlocker listening"));
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let config = config.to_str().unwrap();
    let rotated = cli(
        &server.data,
        &[
            "--json",
            "--config",
            config,
            "issuer",
            "key",
            "rotate",
            "--issuer",
            "CBSE.NIC.IN",
        ],
    )
    .json();
    let csv = row(&aadhaar(1), "cbse.nic.in", "MSTN", "R1", "A");
    server.push(&issuer, &csv).assert_refused("keyhash does not match");
    let renewed = Issuer {
        api_key: rotated["api_key"].as_str().unwrap().to_owned(),
        ..issuer
    };
    assert_eq!(server.push(&renewed, &csv).status, "1");
}

#[test]
fn doc_types_are_added_renamed_and_removed() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &[]);
    let http = server.login_issuer(&issuer);
    let url = server.url("/issuer/api/doctypes");
    let made = http.post_json(
        &url,
        &serde_json::json!({ "code": "mstn", "name": "Marks", "udfs": ["RollNo", "Year"] }),
    );
    assert_eq!(made.status, 201, "{}", made.text());
    assert_eq!(made.json()["code"], "MSTN");
    let again = http.post_json(&url, &serde_json::json!({ "code": "MSTN", "name": "Again" }));
    assert_eq!(again.status, 409);
    for bad in [
        serde_json::json!({ "code": "TOOLONG", "name": "x" }),
        serde_json::json!({ "code": "AB1", "name": "x" }),
    ] {
        assert_eq!(http.post_json(&url, &bad).status, 400);
    }
    let renamed = http.put_json(
        &format!("{url}/MSTN"),
        &serde_json::json!({ "name": "Mark sheets", "udfs": ["RollNo"] }),
    );
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    let list = http.get(&url).json();
    assert_eq!(
        list,
        serde_json::json!([{
            "code": "MSTN", "name": "Mark sheets", "pull_sends_uid": false, "pull_sends_name": false,
            "pull_sends_dob": false, "pull_match": "name", "udfs": ["RollNo"], "verify_by_hand": false,
        }])
    );
    // Rows of a removed type are refused.
    assert_eq!(http.delete(&format!("{url}/MSTN")).status, 204);
    assert_eq!(http.delete(&format!("{url}/MSTN")).status, 404);
    server.push(&issuer, &row(&aadhaar(1), "cbse.nic.in", "MSTN", "T1", "A"));
    assert_eq!(server.import_run()["rows_rejected"], 1);
}

#[test]
fn an_issuer_sees_only_its_own_tasks() {
    let server = Server::start(&[]);
    let cbse = server.issuer("cbse.nic.in", &["MSTN"]);
    let other = server.issuer("UDEL", &["DEGR"]);
    let task = server
        .push(&cbse, &row(&aadhaar(1), "cbse.nic.in", "MSTN", "O1", "A"))
        .task_id();
    let http = server.login_issuer(&other);
    assert_eq!(http.get(&server.url(&format!("/issuer/api/tasks/{task}"))).status, 404);
    assert_eq!(
        http.get(&server.url(&format!("/issuer/api/tasks/{task}/rejections.csv")))
            .status,
        404
    );
    assert_eq!(http.get(&server.url("/issuer/api/tasks")).json(), serde_json::json!([]));
    // And it cannot push rows whose URIs name another issuer.
    server.push(&other, &row(&aadhaar(2), "cbse.nic.in", "MSTN", "O2", "A"));
    let summary = server.import_run();
    assert_eq!(
        (summary["rows_imported"].as_u64(), summary["rows_rejected"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn the_portal_pages_are_served() {
    let server = Server::start(&[]);
    let http = Http::new();
    let page = http.get(&server.url("/issuer/"));
    assert_eq!(page.status, 200);
    assert!(page.text().contains("data-testid=\"login-submit\""));
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("default-src 'self'")
    );
    assert_eq!(http.get(&server.url("/issuer/portal.js")).status, 200);
    assert_eq!(http.get(&server.url("/healthz")).json()["status"], "ok");
}

#[test]
fn the_rejections_download_pages_through_every_rejected_row() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    const BAD: u64 = 12_345;
    let csv: String = (0..BAD)
        .map(|n| row("1", "cbse.nic.in", "MSTN", &format!("X{n}"), "A"))
        .collect();
    let task = server.push(&issuer, &csv).task_id();
    assert_eq!(server.import_run()["rows_rejected"], BAD);
    let http = server.login_issuer(&issuer);
    let text = http
        .get(&server.url(&format!("/issuer/api/tasks/{task}/rejections.csv")))
        .text();
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(lines.len() as u64, BAD + 1);
    assert_eq!(lines[0], "line,field,reason");
    let numbers: Vec<u64> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(numbers, (1..=BAD).collect::<Vec<_>>());
}
