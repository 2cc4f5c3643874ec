//! Sign-in under load (issue 15): password hashing is bounded (a queue,
//! then 503 with `Retry-After`), and throttle slots are taken before the
//! password is checked, so parallel guesses cannot all be checked.

use std::sync::{Arc, Barrier};

use crate::support::*;

const MOBILE: &str = "9876543210";

/// `n` sign-ins with `password` sent at the same moment.
fn parallel_sign_ins(server: &Server, n: usize, password: &str) -> Vec<Resp> {
    let barrier = Arc::new(Barrier::new(n));
    let url = server.url("/api/login");
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let (barrier, url) = (barrier.clone(), url.clone());
            let body = serde_json::json!({ "username": MOBILE, "password": password });
            std::thread::spawn(move || {
                let http = Http::new();
                barrier.wait();
                http.post_json(&url, &body)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn count(answers: &[Resp], status: u16) -> usize {
    answers.iter().filter(|r| r.status == status).count()
}

#[test]
fn password_checks_past_the_bound_wait_briefly_then_get_503() {
    let server = Server::start_with_env(
        &[
            ("OPENLOCKER_PASSWORD_HASH_CONCURRENCY", "1"),
            ("OPENLOCKER_PASSWORD_HASH_QUEUE", "1"),
            ("OPENLOCKER_PASSWORD_HASH_WAIT_SECONDS", "1"),
            // Sign-ins in flight hold throttle slots: room for all of them.
            ("OPENLOCKER_LOGIN_FAILURES_PER_ACCOUNT", "1000"),
            ("OPENLOCKER_LOGIN_FAILURES_PER_ADDRESS", "1000"),
        ],
        &[],
    );
    server.resident(&aadhaar(1), MOBILE);
    let answers = parallel_sign_ins(&server, 30, PASSWORD);
    let (ok, busy) = (count(&answers, 200), count(&answers, 503));
    let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
    assert_eq!(
        ok + busy,
        answers.len(),
        "only signed in or busy: {statuses:?} {}",
        answers
            .iter()
            .find(|r| r.status != 200 && r.status != 503)
            .map(Resp::text)
            .unwrap_or_default()
    );
    assert!(ok >= 1 && busy >= 1, "{ok} signed in, {busy} busy");
    let refused = answers.iter().find(|r| r.status == 503).unwrap();
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(refused.json()["error"], "busy");
    // A busy server is not a failed sign-in: the account is not throttled.
    assert_eq!(server.login_resident(MOBILE).get(&server.url("/api/me")).status, 200);
}

#[test]
fn parallel_wrong_passwords_are_checked_at_most_the_limit_times() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(1), MOBILE);
    let answers = parallel_sign_ins(&server, 40, "not-the-password-at-all");
    assert_eq!(count(&answers, 401), 5, "login_failures_per_account is 5");
    assert_eq!(count(&answers, 429), 35);
    let throttled = answers.iter().find(|r| r.status == 429).unwrap();
    assert!(throttled.header("retry-after").is_some());
}

#[test]
fn cli_secrets_can_come_from_a_file_or_stdin_instead_of_argv() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let server = Server::start(&[]);
    let mut child = Command::new(bin())
        .arg("--data-dir")
        .arg(&server.data)
        .args(crate::backend::database_args(&server.data))
        .args([
            "--json",
            "resident",
            "add",
            "--aadhaar",
            &aadhaar(1),
            "--name",
            "Asha Devi",
        ])
        .args(["--dob", "1990-04-01", "--mobile", MOBILE, "--password-file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    server.login_resident(MOBILE);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("password");
    std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
    let out = server.cli(&["issuer", "add", "--id", "cbse.nic.in", "--name", "CBSE"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = file.to_str().unwrap();
    let user_add = |username: &str, password: &[&str]| {
        let mut args = words("issuer user add --issuer cbse.nic.in --username");
        args.push(username);
        args.extend(password);
        server.cli(&args)
    };
    let added = user_add("clerk@cbse", &["--password-file", file]);
    assert_eq!(added.code, 0, "{}", added.stderr);
    let both = user_add("x@cbse", &["--password", PASSWORD, "--password-file", file]);
    assert_eq!(both.code, 2, "one or the other: {}", both.stderr);
}
