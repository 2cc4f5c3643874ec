//! Aadhaar numbers and API keys never appear in plaintext in the data
//! folder (database, WAL, stored files) or in the server's logs.

use crate::support::*;

fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out)
        } else {
            out.push(path)
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// No file of the data folder and no log line holds a number or a key.
fn assert_nowhere_in_plaintext(server: &Server, numbers: &[String], keys: &[String]) {
    let mut files = Vec::new();
    files_under(&server.data, &mut files);
    assert!(crate::backend::use_postgres() || files.iter().any(|f| f.ends_with("openlocker.db")));
    // The database itself, whichever backend: its files, or a pg_dump.
    let stored = crate::backend::everything_stored(&server.data);
    assert!(!stored.is_empty());
    for secret in numbers.iter().chain(keys) {
        assert!(!contains(&stored, secret), "the database holds a secret in plaintext");
    }
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for secret in numbers.iter().chain(keys) {
            assert!(
                !contains(&bytes, secret),
                "{} holds a secret in plaintext",
                file.display()
            );
        }
    }
    let logs = server.logs();
    assert!(logs.contains("queued CSV for import"), "the logs were captured");
    for secret in numbers.iter().chain(keys) {
        assert!(!logs.contains(secret.as_str()), "the logs hold a secret: {secret}");
    }
}

#[test]
fn the_data_folder_and_the_logs_hold_no_aadhaar_number_or_api_key() {
    let server = Server::start(&["--import-schedule", "* * * * * *"]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let numbers: Vec<String> = (100..110).map(aadhaar).collect();
    let csv: String = numbers
        .iter()
        .enumerate()
        .map(|(i, a)| row(a, "cbse.nic.in", "MSTN", &format!("S{i}"), "A"))
        .collect();
    // Both paths in: the API and the portal upload. Bad rows too, one with
    // its columns in the wrong order (Aadhaar last), whose refusal quotes
    // the cell that holds the number.
    let reordered = format!("A,x,MSTN,Marks,S0,01/05/2024,,,01/05/2024 10:00:00 AM,{}\n", numbers[1]);
    let bad = format!("999999999999,bad-row\n{reordered}");
    let task = server.push(&issuer, &(csv.clone() + &bad)).task_id();
    let http = server.login_issuer(&issuer);
    http.post(
        &server.url("/issuer/api/uploads?name=b.csv"),
        "text/csv",
        csv.as_bytes(),
    );
    server.resident(&numbers[0], "9000000100");
    let resident = server.login_resident(&numbers[0]);
    wait_for(std::time::Duration::from_secs(30), "the imports", || {
        let tasks = http.get(&server.url("/issuer/api/tasks")).json();
        tasks
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "done")
            .then_some(())
    });
    let issued = resident.get(&server.url("/api/issued")).json();
    assert_eq!(issued.as_array().unwrap().len(), 1);
    let rotated = http
        .post(&server.url("/issuer/api/key/rotate"), "application/json", b"{}")
        .json();
    let keys = [issuer.api_key.clone(), rotated["api_key"].as_str().unwrap().to_owned()];
    let _ = task;

    assert_nowhere_in_plaintext(&server, &numbers, &keys);
}
