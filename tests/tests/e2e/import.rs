//! The import job: row checks, the three actions, idempotency, held rows of
//! unopened lockers, the scheduler, and resuming after a kill.

use std::time::Duration;

use crate::support::*;

fn rejections(server: &Server, issuer: &Issuer, task: i64) -> Vec<(u64, String)> {
    let http = server.login_issuer(issuer);
    let rows = http
        .get(&server.url(&format!("/issuer/api/tasks/{task}/rejections?limit=1000")))
        .json();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["field"].as_str().unwrap().to_owned()))
        .collect()
}

/// A header, a good row, one row of each kind of fault, a good row.
fn bad_rows_csv() -> String {
    let good = |n: u64| row(&aadhaar(n), "cbse.nic.in", "MSTN", &format!("G{n}"), "A");
    let a = aadhaar(50);
    let bad_check = format!("{}{}", &a[..11], (a.as_bytes()[11] - b'0' + 1) % 10);
    let lines = [
        "Aadhaar,Uri,doc_type,doc_name,doc_id,issued_on,valid_from,valid_to,time_stamp,Action\n".to_owned(), // 1 header
        good(1),                                                                                             // 2
        row(&bad_check, "cbse.nic.in", "MSTN", "B1", "A"), // 3 Verhoeff
        row("12345", "cbse.nic.in", "MSTN", "B2", "A"),    // 4 length
        row(&a, "other.gov.in", "MSTN", "B3", "A"),        // 5 issuer
        format!("{a},cbse.nic.in-MSTN-B4,MSTN,Marks,XX99,01/05/2024,,,01/05/2024 10:00:00 AM,A\n"), // 6 doc_id
        format!("{a},cbse.nic.in-MSTN-B5,OTHER,Marks,B5,01/05/2024,,,01/05/2024 10:00:00 AM,A\n"), // 7 doc_type vs URI
        row(&a, "cbse.nic.in", "NOPE", "B6", "A"),         // 8 unregistered
        format!("{a},cbse.nic.in-MSTN-B7,MSTN,Marks,B7,31/02/2024,,,01/05/2024 10:00:00 AM,A\n"), // 9 date
        format!("{a},cbse.nic.in-MSTN-B8,MSTN,Marks,B8,01/05/2024,02/05/2024,01/05/2024,01/05/2024 10:00:00 AM,A\n"), // 10 to<from
        format!("{a},cbse.nic.in-MSTN-B9,MSTN,Marks,B9,01/05/2024,,,2024-05-01 10:00:00,A\n"), // 11 time_stamp
        row(&a, "cbse.nic.in", "MSTN", "B10", "X"),                                            // 12 action
        "only,three,columns\n".to_owned(),                                                     // 13 columns
        format!("{a},cbse.nic.in-MSTN-B11,MSTN,,B11,01/05/2024,,,01/05/2024 10:00:00 AM,A\n"), // 14 doc_name
        format!("{a},cbse.nic.in-MSTN-B12,MSTN,Marks,B12,01/05/2024,13/13/2024,,01/05/2024 10:00:00 AM,A\n"), // 15 valid_from
        good(2),                                                                                              // 16
    ];
    lines.concat()
}

/// The line and field of each rejection of [`bad_rows_csv`].
const EXPECTED_REJECTIONS: [(u64, &str); 13] = [
    (3, "Aadhaar"),
    (4, "Aadhaar"),
    (5, "Uri"),
    (6, "doc_id"),
    (7, "doc_type"),
    (8, "doc_type"),
    (9, "issued_on"),
    (10, "valid_to"),
    (11, "time_stamp"),
    (12, "Action"),
    (13, "row"),
    (14, "doc_name"),
    (15, "valid_from"),
];

#[test]
fn each_kind_of_bad_row_is_rejected_with_its_line_and_field_and_good_rows_still_land() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let result = server.push(&issuer, &bad_rows_csv());
    assert_eq!(result.status, "1", "{}", result.raw);
    let summary = server.import_run();
    assert_eq!(summary["rows_imported"], 2, "{summary}");
    assert_eq!(summary["rows_rejected"], 13, "{summary}");
    let expected: Vec<(u64, String)> = EXPECTED_REJECTIONS.iter().map(|(l, f)| (*l, f.to_string())).collect();
    let got = rejections(&server, &issuer, result.task_id());
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for e in &expected {
        assert!(got.contains(e), "missing rejection {e:?} in {got:?}");
    }
}

#[test]
fn header_is_optional_and_bom_crlf_and_quoted_fields_work() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let csv = format!(
        "\u{feff}Aadhaar,Uri,doc_type,doc_name,doc_id,issued_on,valid_from,valid_to,time_stamp,Action\r\n\
         {},cbse.nic.in-MSTN-Q1,MSTN,\"Marks, Class X \"\"2024\"\"\",Q1,01/05/2024,,,01/05/2024 10:00:00 AM,A\r\n",
        aadhaar(1)
    );
    assert_eq!(server.push(&issuer, &csv).status, "1");
    // No header, BOM before the first Aadhaar, padded fields.
    let csv = format!(
        "\u{feff}{} , cbse.nic.in-MSTN-Q2 ,MSTN,Marks,Q2,1/5/2024,,,01/05/2024 01:00:00 PM, A \n",
        aadhaar(1)
    );
    assert_eq!(server.push(&issuer, &csv).status, "1");
    let summary = server.import_run();
    assert_eq!(summary["rows_imported"], 2, "{summary}");
    assert_eq!(summary["rows_rejected"], 0, "{summary}");
    server.resident(&aadhaar(1), "9000000001");
    let issued = server
        .login_resident(&aadhaar(1))
        .get(&server.url("/api/issued"))
        .json();
    let names: Vec<&str> = issued
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["doc_name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Marks, Class X \"2024\""), "{names:?}");
}

#[test]
fn importing_the_same_rows_again_adds_nothing() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let csv: String = (0..20)
        .map(|n| row(&aadhaar(n), "cbse.nic.in", "MSTN", &format!("I{n}"), "A"))
        .collect();
    server.push(&issuer, &csv);
    server.push(&issuer, &csv);
    let summary = server.import_run();
    assert_eq!(summary["files"], 2);
    server.resident(&aadhaar(3), "9000000003");
    let issued = server
        .login_resident("9000000003")
        .get(&server.url("/api/issued"))
        .json();
    assert_eq!(issued.as_array().unwrap().len(), 1, "{issued}");
}

#[test]
fn a_file_partly_in_the_locker_already_adds_just_the_new_rows_and_a_pair_given_twice_once() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let rows = |range: std::ops::Range<u64>| -> String {
        range
            .map(|n| row(&aadhaar(n), "cbse.nic.in", "MSTN", &format!("P{n}"), "A"))
            .collect()
    };
    server.push(&issuer, &rows(0..10));
    assert_eq!(server.import_run()["rows_imported"], 10);
    // Rows 5 to 9 are there; 10 to 14 are new, and 12 comes twice.
    let mixed = rows(5..15) + &rows(12..13);
    server.push(&issuer, &mixed);
    let summary = server.import_run();
    assert_eq!(summary["rows_imported"], 5, "{summary}");
    let stored: i64 = crate::backend::at_rest(&server.data)
        .query_one("SELECT count(*) FROM issued_docs", &[])
        .unwrap();
    assert_eq!(stored, 15);
}

#[test]
fn update_changes_metadata_and_delete_removes_the_uri() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let a = aadhaar(7);
    server.resident(&a, "9000000007");
    let add = row(&a, "cbse.nic.in", "MSTN", "U1", "A") + &row(&a, "cbse.nic.in", "MSTN", "U2", "A");
    server.push(&issuer, &add);
    server.import_run();
    let update =
        format!("{a},cbse.nic.in-MSTN-U1,MSTN,Corrected Marks,U1,02/05/2024,02/05/2024,,02/05/2024 11:00:00 AM,U\n");
    let delete = format!("{a},cbse.nic.in-MSTN-U2,MSTN,,U2,,,,,D\n");
    let missing = format!("{a},cbse.nic.in-MSTN-U9,MSTN,Marks,U9,02/05/2024,,,02/05/2024 11:00:00 AM,U\n");
    let result = server.push(&issuer, &(update + &delete + &missing));
    let summary = server.import_run();
    assert_eq!(
        (summary["rows_imported"].as_u64(), summary["rows_rejected"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        rejections(&server, &issuer, result.task_id()),
        vec![(3, "Uri".to_string())]
    );
    let issued = server.login_resident(&a).get(&server.url("/api/issued")).json();
    let docs = issued.as_array().unwrap();
    assert_eq!(docs.len(), 1, "{issued}");
    assert_eq!(docs[0]["uri"], "cbse.nic.in-MSTN-U1");
    assert_eq!(docs[0]["doc_name"], "Corrected Marks");
    assert_eq!(docs[0]["issued_on"], "2024-05-02");
}

#[test]
fn rows_for_an_unopened_locker_are_held_until_the_locker_opens() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let a = aadhaar(11);
    server.push(&issuer, &row(&a, "cbse.nic.in", "MSTN", "H1", "A"));
    assert_eq!(server.import_run()["rows_imported"], 1);
    // The locker opens after the import: the document is there at first sign-in.
    server.resident(&a, "9000000011");
    let issued = server
        .login_resident("9000000011")
        .get(&server.url("/api/issued"))
        .json();
    assert_eq!(issued[0]["uri"], "cbse.nic.in-MSTN-H1", "{issued}");
    assert_eq!(issued[0]["issuer_name"], "Board cbse.nic.in");
    assert_eq!(issued[0]["doc_type_name"], "MSTN docs");
    assert_eq!(issued[0]["validity"], "valid");
}

#[test]
fn the_scheduler_imports_pushed_files_on_its_own() {
    let server = Server::start(&["--import-schedule", "* * * * * *"]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let task = server
        .push(&issuer, &row(&aadhaar(1), "cbse.nic.in", "MSTN", "S1", "A"))
        .task_id();
    let http = server.login_issuer(&issuer);
    let done = wait_for(Duration::from_secs(30), "the scheduled import", || {
        let t = http.get(&server.url(&format!("/issuer/api/tasks/{task}"))).json();
        (t["status"] == "done").then_some(t)
    });
    assert_eq!(done["rows_imported"], 1);
    // The task is marked done a moment before the job logs its summary.
    wait_for(Duration::from_secs(10), "the scheduled import's log line", || {
        server.logs().contains("scheduled import finished").then_some(())
    });
}

/// The killed importer's lease: its file is taken over once this ran out.
const LEASE_SECONDS: u64 = 3;

/// `openlocker import run` in the background, in small batches, so a kill
/// lands between commits with work on both sides.
fn spawn_importer(server: &Server) -> std::process::Child {
    std::process::Command::new(bin())
        .arg("--data-dir")
        .arg(&server.data)
        .args(crate::backend::database_args(&server.data))
        .args(["--json", "import", "run"])
        .env("OPENLOCKER_IMPORT_BATCH_ROWS", "2000")
        .env("OPENLOCKER_IMPORT_LEASE_SECONDS", LEASE_SECONDS.to_string())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// The killed importer still holds the file until its lease runs out.
fn wait_out_the_lease(server: &Server) {
    let held = server.import_run();
    assert_eq!(
        held["files"], 0,
        "another importer took a file under a live lease: {held}"
    );
    std::thread::sleep(Duration::from_secs(LEASE_SECONDS + 1));
}

#[test]
fn an_importer_killed_mid_file_resumes_without_losing_or_repeating_rows() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    const ROWS: u64 = 120_000;
    let mut csv = String::with_capacity(ROWS as usize * 110);
    for n in 0..ROWS {
        // Every 1000th row is bad, so rejections must not double either.
        let action = if n % 1000 == 999 { "Z" } else { "A" };
        csv.push_str(&row(&aadhaar(n), "cbse.nic.in", "MSTN", &format!("K{n}"), action));
    }
    let task = server.push(&issuer, &csv).task_id();

    let mut importer = spawn_importer(&server);
    let http = server.login_issuer(&issuer);
    let task_url = server.url(&format!("/issuer/api/tasks/{task}"));
    let partial = wait_for(Duration::from_secs(120), "the import to be under way", || {
        let t = http.get(&task_url).json();
        (t["progress"]["rows_done"].as_u64().unwrap_or(0) >= 10_000).then_some(t)
    });
    importer.kill().unwrap(); // SIGKILL
    importer.wait().unwrap();
    let after_kill = http.get(&task_url).json();
    let done_at_kill = after_kill["progress"]["rows_done"].as_u64().unwrap();
    assert!(done_at_kill < ROWS, "the importer finished before the kill: {partial}");
    assert_eq!(after_kill["status"], "running");
    wait_out_the_lease(&server);

    // Now the CLI, or the server's look for abandoned files every 3 s,
    // takes the file over: whichever holds the lease finishes it.
    server.import_run();
    let final_task = wait_for(Duration::from_secs(120), "the file to be finished", || {
        let t = http.get(&task_url).json();
        (t["status"] == "done").then_some(t)
    });
    assert_eq!(final_task["rows_imported"], ROWS - ROWS / 1000, "{final_task}");
    assert_eq!(final_task["rows_rejected"], ROWS / 1000, "{final_task}");
    let listed = rejections(&server, &issuer, task);
    assert_eq!(listed.len() as u64, ROWS / 1000);
    // The imported file leaves the data folder (just after the task is done).
    wait_for(Duration::from_secs(10), "the imported file to go", || {
        (std::fs::read_dir(server.data.join("imports")).unwrap().count() == 0).then_some(())
    });
    // The locker holds each good row exactly once.
    let stored: i64 = crate::backend::at_rest(&server.data)
        .query_one("SELECT count(*) FROM issued_docs", &[])
        .unwrap();
    let stored = stored as u64;
    assert_eq!(stored, ROWS - ROWS / 1000);
}

#[test]
fn the_scheduler_and_the_cli_importing_at_once_count_every_row_once() {
    // Regression: the file lock was released when the reader reached the
    // end, before the last batches committed, so a second importer re-read
    // them and counted them twice.
    let server = Server::start(&["--import-schedule", "* * * * * *"]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    const FILES: u64 = 4;
    const ROWS: u64 = 20_000;
    let mut ids = Vec::new();
    for f in 0..FILES {
        let csv: String = (0..ROWS)
            .map(|n| row(&aadhaar(f * ROWS + n), "cbse.nic.in", "MSTN", &format!("F{f}R{n}"), "A"))
            .collect();
        ids.push(server.push(&issuer, &csv).task_id());
    }
    let http = server.login_issuer(&issuer);
    let all_done = || {
        let tasks = http.get(&server.url("/issuer/api/tasks")).json();
        tasks.as_array().unwrap().iter().all(|t| t["status"] == "done")
    };
    // Keep a CLI importer racing the scheduler until everything is done.
    let start = std::time::Instant::now();
    while !all_done() {
        let out = std::process::Command::new(bin())
            .arg("--data-dir")
            .arg(&server.data)
            .args(crate::backend::database_args(&server.data))
            .args(["--json", "import", "run"])
            .env("OPENLOCKER_IMPORT_BATCH_ROWS", "500")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(start.elapsed() < Duration::from_secs(300), "imports did not finish");
    }
    for id in ids {
        let t = http.get(&server.url(&format!("/issuer/api/tasks/{id}"))).json();
        assert_eq!(t["rows_imported"], ROWS, "task {id}: {t}");
        assert_eq!(t["rows_rejected"], 0, "task {id}: {t}");
    }
}

#[test]
fn a_damaged_stored_file_fails_its_task_with_the_reason_and_the_others_still_import() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let damaged = server
        .push(&issuer, &row(&aadhaar(1), "cbse.nic.in", "MSTN", "D1", "A"))
        .task_id();
    // Flip one byte of the sealed file the push queued.
    let stored: Vec<_> = std::fs::read_dir(server.data.join("imports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(stored.len(), 1);
    let mut bytes = std::fs::read(&stored[0]).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 0x55;
    std::fs::write(&stored[0], bytes).unwrap();
    let healthy = server
        .push(&issuer, &row(&aadhaar(2), "cbse.nic.in", "MSTN", "D2", "A"))
        .task_id();

    let out = cli(&server.data, &["--json", "import", "run"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains(&format!("task {damaged}")) && out.stderr.contains("damaged"),
        "{}",
        out.stderr
    );
    let http = server.login_issuer(&issuer);
    let failed = http.get(&server.url(&format!("/issuer/api/tasks/{damaged}"))).json();
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["error"].as_str().unwrap().contains("upload it again"),
        "{failed}"
    );
    assert_eq!(
        http.get(&server.url(&format!("/issuer/api/tasks/{healthy}"))).json()["status"],
        "done"
    );
    // It is not retried.
    assert_eq!(
        server.import_run(),
        serde_json::json!({ "files": 0, "rows_imported": 0, "rows_rejected": 0 })
    );
}
