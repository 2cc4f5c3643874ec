//! The admin subcommands: one JSON object with --json, exit codes 0/1/2
//! with a one-line reason, --help, and what a fresh data folder holds.

use std::os::unix::fs::PermissionsExt;

use crate::support::*;

#[test]
fn a_fresh_data_folder_gets_a_wal_database_and_an_owner_only_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("new/data");
    let out = cli(
        &data,
        &["--json", "issuer", "add", "--id", "cbse.nic.in", "--name", "CBSE"],
    );
    let json = out.json();
    assert_eq!(out.stdout.lines().count(), 1);
    assert_eq!(
        json.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["api_key", "issuer_id", "org_id"]
    );
    assert_eq!(json["issuer_id"], "cbse.nic.in");
    let key = std::fs::metadata(data.join("secrets/master.key")).unwrap();
    assert_eq!(key.permissions().mode() & 0o777, 0o600);
    assert_eq!(key.len(), 32);
    // SQLite's header: bytes 18 and 19 are 2 in WAL mode. (On PostgreSQL
    // the data folder holds no database file.)
    if !crate::backend::use_postgres() {
        let header = std::fs::read(data.join("openlocker.db")).unwrap();
        assert_eq!(&header[..16], b"SQLite format 3\0");
        assert_eq!((header[18], header[19]), (2, 2));
    }
}

/// `line` split at its spaces, as arguments.
fn words(line: &str) -> Vec<String> {
    line.split(' ').map(str::to_owned).collect()
}

/// `resident add` of `aadhaar`, named A, with the given date of birth,
/// mobile number and password.
fn resident_add(aadhaar: &str, dob: &str, mobile: &str, password: &str) -> Vec<String> {
    let mut args = words("resident add --name A --aadhaar");
    args.push(aadhaar.to_owned());
    for (flag, value) in [("--dob", dob), ("--mobile", mobile), ("--password", password)] {
        args.extend([flag.to_owned(), value.to_owned()]);
    }
    args
}

/// `cli` with owned arguments.
fn cli_args(data: &std::path::Path, args: &[String]) -> CliOutput {
    cli(data, &args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn admin_commands_print_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    cli(
        data,
        &["--json", "issuer", "add", "--id", "cbse.nic.in", "--name", "CBSE"],
    )
    .json();
    let doc_type = "--json issuer doctype add --issuer cbse.nic.in --code mstn --name Marks --udf RollNo --udf Year";
    let dt = cli_args(data, &words(doc_type)).json();
    assert_eq!(dt, serde_json::json!({ "issuer_id": "cbse.nic.in", "code": "MSTN" }));
    let mut add = vec!["--json".to_owned()];
    add.extend(resident_add(&aadhaar(1), "1990-01-01", "9000000001", PASSWORD));
    let resident = cli_args(data, &add).json();
    assert!(resident["resident_id"].as_i64().unwrap() > 0);
    let import = cli(data, &["--json", "import", "run"]).json();
    assert_eq!(
        import,
        serde_json::json!({ "files": 0, "rows_imported": 0, "rows_rejected": 0 })
    );
    let list = cli(
        data,
        &["--json", "issuer", "doctype", "list", "--issuer", "cbse.nic.in"],
    )
    .json();
    assert_eq!(list["doc_types"][0]["udfs"], serde_json::json!(["RollNo", "Year"]));
}

/// Arguments that are refused, each with what its reason must say.
fn refused_inputs() -> Vec<(Vec<String>, &'static str)> {
    let other = aadhaar(2);
    let mut bad_id = words("issuer add --id ID --name X");
    bad_id[3] = "bad id!".into();
    let mut missing_id = words("issuer add --name NAME");
    missing_id[3] = "missing id".into();
    vec![
        (words("issuer add --id CBSE.NIC.IN --name Again"), "already exists"),
        (bad_id, "issuer id"),
        (
            words("issuer doctype add --issuer cbse.nic.in --code TOOLONG --name X"),
            "1 to 5 letters",
        ),
        (
            words("issuer doctype add --issuer nosuch.in --code AB --name X"),
            "no issuer nosuch.in",
        ),
        (
            resident_add("234123412345", "1990-01-01", "9000000001", PASSWORD),
            "check digit",
        ),
        (
            resident_add(&other, "1990-02-30", "9000000001", PASSWORD),
            "date of birth",
        ),
        (resident_add(&other, "1990-01-01", "12", PASSWORD), "mobile"),
        (resident_add(&other, "1990-01-01", "9000000001", "short"), "at least 10"),
        (missing_id, "--id"),
    ]
}

#[test]
fn invalid_input_exits_2_with_a_one_line_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    cli(data, &["issuer", "add", "--id", "cbse.nic.in", "--name", "CBSE"]);
    for (args, reason) in refused_inputs() {
        let mut all = vec!["--json".to_owned()];
        all.extend(args.iter().cloned());
        let out = cli_args(data, &all);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?} printed {}", out.stdout);
        assert!(out.stderr.contains(reason), "{args:?}: {}", out.stderr);
    }
    // The same Aadhaar number cannot open two lockers.
    let add = |mobile: &str| cli_args(data, &resident_add(&aadhaar(3), "1990-01-01", mobile, PASSWORD));
    assert_eq!(add("9000000003").code, 0);
    let again = add("9000000004");
    assert_eq!(again.code, 2);
    assert_eq!(again.stderr.trim().lines().count(), 1);
    assert!(again.stderr.contains("Aadhaar number already exists"));
}

#[test]
fn help_documents_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let top = cli(dir.path(), &["--help"]);
    assert_eq!(top.code, 0);
    for word in [
        "serve",
        "issuer",
        "resident",
        "import",
        "--data-dir",
        "--bind",
        "--public-url",
        "--json",
    ] {
        assert!(top.stdout.contains(word), "--help lacks {word}");
    }
    let add = cli(dir.path(), &["issuer", "add", "--help"]);
    for word in [
        "--id",
        "--name",
        "--pull-uri-url",
        "--pull-doc-url",
        "--pull-org-id",
        "--pull-api-key",
    ] {
        assert!(add.stdout.contains(word), "issuer add --help lacks {word}");
    }
    assert!(
        cli(dir.path(), &["resident", "add", "--help"])
            .stdout
            .contains("Verhoeff")
    );
    assert!(
        cli(dir.path(), &["import", "run", "--help"])
            .stdout
            .contains("pending CSV")
    );
    let unknown = cli(dir.path(), &["no-such-command"]);
    assert_eq!(unknown.code, 2);
    assert_eq!(unknown.stderr.trim().lines().count(), 1, "{}", unknown.stderr);
    let missing = cli(dir.path(), &["issuer", "add", "--id", "x"]);
    assert_eq!(
        (missing.code, missing.stderr.trim().lines().count()),
        (2, 1),
        "{}",
        missing.stderr
    );
}

#[test]
fn settings_come_from_flags_environment_and_file_in_that_order() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("openlocker.toml");
    std::fs::write(&config, "bind = \"127.0.0.1:1\"\nunknown_key = 1\n").unwrap();
    let out = cli(
        &dir.path().join("d"),
        &["--config", config.to_str().unwrap(), "import", "run"],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("unknown_key"), "{}", out.stderr);
    // An https public URL makes session cookies Secure.
    let server = Server::start(&["--public-url", "https://locker.example.gov.in"]);
    server.resident(&aadhaar(1), "9000000001");
    let resp = Http::new().post_json(
        &server.url("/api/login"),
        &serde_json::json!({ "username": "9000000001", "password": PASSWORD }),
    );
    assert!(
        resp.header("set-cookie").unwrap().contains("Secure"),
        "{:?}",
        resp.header("set-cookie")
    );
    assert!(
        server.logs().contains("public_url=\"https://locker.example.gov.in\"")
            || server.logs().contains("public URL https://locker.example.gov.in")
    );
}
