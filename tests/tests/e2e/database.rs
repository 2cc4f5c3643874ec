//! The database behind the binary, on PostgreSQL: the URL from a flag, the
//! environment or a file; its password never in a log line or a message;
//! and a database that goes away mid-run (`pg_ctl stop`) and comes back.
//! These need PostgreSQL: they run in the `OL_TEST_DATABASE=postgres` pass
//! and say so when skipped.

use std::process::Command;
use std::time::Duration;

use openlocker_testpg::{Cluster, PASSWORD};

use crate::backend::{database_url, use_database, use_postgres};
use crate::support::*;

fn skipped() -> bool {
    if !use_postgres() {
        eprintln!("skipped: a PostgreSQL test (run with OL_TEST_DATABASE=postgres)");
    }
    !use_postgres()
}

/// Runs the binary with exactly these arguments and environment.
fn run_bare(args: &[&str], env: &[(&str, &str)]) -> CliOutput {
    let out = Command::new(bin())
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    CliOutput {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_url_comes_from_the_environment_or_a_file_and_its_password_is_never_shown() {
    if skipped() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = database_url(&data).unwrap();
    let data_arg = data.to_str().unwrap();
    let file = dir.path().join("db-url");
    std::fs::write(&file, format!("{url}\n")).unwrap();
    let added = run_bare(
        &[
            "--data-dir",
            data_arg,
            "--json",
            "issuer",
            "add",
            "--id",
            "cbse.nic.in",
            "--name",
            "CBSE",
        ],
        &[("OPENLOCKER_DATABASE_URL_FILE", file.to_str().unwrap())],
    );
    assert_eq!(added.code, 0, "{}", added.stderr);
    let listed = run_bare(
        &["--data-dir", data_arg, "--json", "issuer", "list"],
        &[("OPENLOCKER_DATABASE_URL", &url)],
    );
    assert!(listed.json().to_string().contains("cbse.nic.in"), "{}", listed.stdout);
    assert_bad_urls_refused_without_echo(data_arg, &url);
    // The server's log names the database without its password.
    let server = Server::start_in(&data, &[]);
    wait_for(Duration::from_secs(10), "the log line naming the database", || {
        server
            .logs()
            .contains("postgres://postgres:[redacted]@127.0.0.1")
            .then_some(())
    });
    assert!(!server.logs().contains(PASSWORD), "{}", server.logs());
}

/// A wrong password is refused with the URL redacted, and a URL of another
/// kind without echoing it.
fn assert_bad_urls_refused_without_echo(data_arg: &str, url: &str) {
    // A wrong password: refused with the URL redacted.
    let wrong = url.replace(PASSWORD, "wrong-pw-5150");
    let refused = run_bare(
        &["--data-dir", data_arg, "--database-url", &wrong, "issuer", "list"],
        &[],
    );
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(!refused.stderr.contains("wrong-pw-5150"), "{}", refused.stderr);
    assert!(refused.stderr.contains(":[redacted]@127.0.0.1"), "{}", refused.stderr);
    // Not a URL we know: refused without echoing it.
    let odd = run_bare(
        &[
            "--data-dir",
            data_arg,
            "--database-url",
            "mysql://u:odd-pw-77@h/db",
            "issuer",
            "list",
        ],
        &[],
    );
    assert_ne!(odd.code, 0);
    assert!(
        odd.stderr.contains("sqlite:// or postgres://") && !odd.stderr.contains("odd-pw-77"),
        "{}",
        odd.stderr
    );
}

#[test]
fn a_database_that_goes_away_gives_503_and_request_ids_then_recovers() {
    if skipped() {
        return;
    }
    // A server of its own: stopping it must not disturb the other tests.
    let cluster = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    use_database(&data, &cluster.create_database());
    let mut server = Server::start_in(&data, &[]);
    server.resident(&aadhaar(77), "9000000077");
    let http = server.login_resident("9000000077");
    let health = |s: &Server| Http::new().get(&s.url("/healthz")).status;
    assert_eq!(health(&server), 200);
    assert_eq!(http.get(&server.url("/api/issued")).status, 200);

    cluster.stop_server();
    wait_for(Duration::from_secs(15), "/healthz to answer 503", || {
        (health(&server) == 503).then_some(())
    });
    let failed = http.get(&server.url("/api/issued"));
    assert!(failed.status >= 500, "{} {}", failed.status, failed.text());
    assert!(failed.text().contains("request id"), "{}", failed.text());
    assert!(server.is_running(), "the server outlives its database");

    cluster.start_server();
    wait_for(Duration::from_secs(15), "/healthz to answer 200 again", || {
        (health(&server) == 200).then_some(())
    });
    assert_eq!(
        http.get(&server.url("/api/issued")).status,
        200,
        "the session is still there"
    );
    assert!(!server.logs().contains("panicked"), "{}", server.logs());
}
