//! `cargo xtask bench import`: pushes a large CSV through the real API to a
//! release server, times the import, and times SQLite's own `.import` of the
//! same file into a comparable table, tuned as a user would.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::bench_pulldoc::{add_bench_issuer, json_of};
use crate::tools::{ensure_debian_packages, target_dir};
use crate::{Result, cargo, status};

pub fn run(args: &[String]) -> Result {
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1));
    // Any bench that starts a server may run it on another database.
    if let Some(url) = value("--database-url") {
        let _ = crate::bench_pulldoc::DATABASE_URL.set(url.clone());
    }
    match args.first().map(String::as_str) {
        Some("import") => {
            let rows = match value("--rows") {
                Some(n) => n.parse().map_err(|_| "--rows takes a number")?,
                None => 1_000_000,
            };
            import(rows)
        }
        Some("pulldoc") => crate::bench_pulldoc::run(),
        Some("signin") => crate::bench_load::run(false),
        Some("load") => crate::bench_load::run(true),
        Some("signing") => crate::bench_signing::run(),
        Some("oauth") => crate::bench_oauth::run(),
        _ => Err("usage: cargo xtask bench import [--rows N] [--database-url postgres://...] | pulldoc [--database-url postgres://...] | signin | load | signing | oauth".into()),
    }
}

/// A valid Aadhaar-like number for row `i`: 11 digits and a Verhoeff check digit.
fn aadhaar(i: u64) -> String {
    let body = format!("{}", 20_000_000_000u64 + i);
    let check = openlocker::platform::aadhaar::verhoeff_check_digit(body.as_bytes());
    format!("{body}{check}")
}

fn write_csv(path: &Path, rows: u64) -> Result {
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut out = std::io::BufWriter::new(file);
    for i in 0..rows {
        let doc_id = format!("D{i:08}");
        writeln!(
            out,
            "{},bench.gov.in-MARKS-{doc_id},MARKS,Statement of Marks 2024,{doc_id},01/05/2024,01/05/2024,,01/05/2024 10:00:00 AM,A",
            aadhaar(i)
        )
        .map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn import(rows: u64) -> Result {
    ensure_debian_packages(&["sqlite3"], &["sqlite3"])?;
    status(cargo().args(["build", "--release", "--package", "openlocker"]))?;
    let bin = target_dir()?.join("release/openlocker");
    let work = std::env::temp_dir().join(format!("openlocker-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let data = work.join("data");
    let csv_path = work.join("rows.csv");
    eprintln!("bench: writing {rows} rows");
    write_csv(&csv_path, rows)?;
    let csv_bytes = std::fs::metadata(&csv_path).map_err(|e| e.to_string())?.len();

    let creds = add_bench_issuer(&bin, &data, "Bench Board")?;
    json_of(
        &bin,
        &data,
        &[
            "issuer",
            "user",
            "add",
            "--issuer",
            "bench.gov.in",
            "--username",
            "bench",
            "--password",
            "bench-password",
        ],
    )?;

    let mut server = Command::new(&bin)
        .arg("--data-dir")
        .arg(&data)
        .args(crate::bench_pulldoc::database_args())
        .args(["--bind", "127.0.0.1:0", "--import-schedule", "* * * * * *", "serve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let result = measure(&mut server, &creds, &csv_path, csv_bytes, rows, &work);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn measure(
    server: &mut std::process::Child,
    creds: &serde_json::Value,
    csv_path: &Path,
    csv_bytes: u64,
    rows: u64,
    work: &Path,
) -> Result {
    let stdout = server.stdout.take().ok_or("no server stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .ok_or("server did not print its URL")?
        .to_owned();
    let pid = server.id();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let push_time = push(&agent, &base, creds, csv_path)?;
    let (task, import_time) = follow_task(&agent, &base)?;
    let peak_rss_mb = peak_rss_kb(pid)? as f64 / 1024.0;
    if task["rows_imported"].as_u64() != Some(rows) {
        return Err(format!("expected {rows} rows imported, got task {task}"));
    }
    println!("bench import: {rows} rows, {:.1} MB CSV", csv_bytes as f64 / 1e6);
    println!(
        "  push (HTTP, base64 XML, spooled and checked): {:.2} s",
        push_time.as_secs_f64()
    );
    println!(
        "  openlocker import (validate, HMAC, AES-GCM seal, insert): {:.2} s ({:.0} rows/s)",
        import_time.as_secs_f64(),
        rows as f64 / import_time.as_secs_f64()
    );
    print_reference(csv_path, work, import_time)?;
    println!("  server peak RSS through push and import: {peak_rss_mb:.0} MB (target < 300)");
    Ok(())
}

/// The database's own loader on the same file, and our ratio to it.
fn print_reference(csv_path: &Path, work: &Path, import_time: Duration) -> Result {
    if let Some(url) = crate::bench_pulldoc::DATABASE_URL.get() {
        let copy_time = postgres_copy(csv_path, url)?;
        println!(
            "  PostgreSQL COPY (psql \\copy, CSV, UNIQUE(uri), index on aadhaar): {:.2} s",
            copy_time.as_secs_f64()
        );
        let ratio = import_time.as_secs_f64() / copy_time.as_secs_f64();
        println!("  ratio openlocker / COPY: {ratio:.2} (target <= 2)");
    } else {
        let sqlite_time = sqlite_import(csv_path, work)?;
        println!(
            "  sqlite3 .import (WAL, cache_size=-400000, synchronous=NORMAL, UNIQUE(uri), index on aadhaar): {:.2} s",
            sqlite_time.as_secs_f64()
        );
        let ratio = import_time.as_secs_f64() / sqlite_time.as_secs_f64();
        println!("  ratio openlocker / sqlite3: {ratio:.2} (target <= 1.5)");
    }
    Ok(())
}

/// PostgreSQL's own loader on the same file, into a comparable table in
/// the same database (dropped afterwards), with `psql`'s `\copy`.
fn postgres_copy(csv_path: &Path, url: &str) -> Result<Duration> {
    ensure_debian_packages(&["psql"], &["postgresql-client"])?;
    let psql = |sql: &str| status(Command::new("psql").args([url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]));
    psql("DROP TABLE IF EXISTS bench_copy_docs")?;
    psql(
        "CREATE TABLE bench_copy_docs (aadhaar TEXT, uri TEXT UNIQUE, doc_type TEXT, doc_name TEXT, doc_id TEXT, \
         issued_on TEXT, valid_from TEXT, valid_to TEXT, time_stamp TEXT, action TEXT); \
         CREATE INDEX bench_copy_docs_aadhaar ON bench_copy_docs(aadhaar)",
    )?;
    let start = Instant::now();
    psql(&format!(
        "\\copy bench_copy_docs FROM '{}' WITH (FORMAT csv)",
        csv_path.display()
    ))?;
    let elapsed = start.elapsed();
    psql("DROP TABLE bench_copy_docs")?;
    Ok(elapsed)
}

/// Pushes the CSV through the Push CSV API; how long the push took.
fn push(agent: &ureq::Agent, base: &str, creds: &serde_json::Value, csv_path: &Path) -> Result<Duration> {
    let csv = std::fs::read(csv_path).map_err(|e| e.to_string())?;
    let ts = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| e.to_string())?;
    let key = creds["api_key"].as_str().unwrap_or_default();
    let keyhash = hex::encode(Sha256::digest(format!("{key}{ts}").as_bytes()));
    let body = format!(
        r#"<PushCSVRequest ver="1.0" ts="{ts}" txn="bench-1" orgId="{}" keyhash="{keyhash}"><DocDetails><DocContent>{}</DocContent><FileName>bench.csv</FileName></DocDetails></PushCSVRequest>"#,
        creds["org_id"].as_str().unwrap_or_default(),
        base64::engine::general_purpose::STANDARD.encode(&csv)
    );
    drop(csv);
    eprintln!("bench: pushing {} MB of XML", body.len() / 1_000_000);
    let push_start = Instant::now();
    let response = agent
        .post(format!("{base}/public/issuer/api/csvupload/1/xml"))
        .header("Content-Type", "application/xml")
        .send(body.as_str())
        .map_err(|e| e.to_string())?
        .into_body()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    let push_time = push_start.elapsed();
    if !response.contains("<ResponseStatus>1</ResponseStatus>") {
        return Err(format!("push refused: {response}"));
    }
    Ok(push_time)
}

/// Follows the task through the portal API until it is done: the task,
/// and the import time, from when the scheduler starts the task (seen as
/// "running") to "done", polled every 20 ms.
fn follow_task(agent: &ureq::Agent, base: &str) -> Result<(serde_json::Value, Duration)> {
    let login = agent
        .post(format!("{base}/issuer/api/login"))
        .header("Content-Type", "application/json")
        .send(r#"{"username":"bench","password":"bench-password"}"#)
        .map_err(|e| e.to_string())?;
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or("no session cookie")?
        .to_owned();
    let poll_start = Instant::now();
    let mut running_since: Option<Instant> = None;
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let tasks: serde_json::Value = agent
            .get(format!("{base}/issuer/api/tasks"))
            .header("Cookie", &cookie)
            .call()
            .map_err(|e| e.to_string())?
            .into_body()
            .read_to_string()
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))?;
        let task = tasks[0].clone();
        if task["status"] == "running" && running_since.is_none() {
            running_since = Some(Instant::now());
        }
        if task["status"] == "done" || task["status"] == "failed" {
            return Ok((task, running_since.unwrap_or(poll_start).elapsed()));
        }
        if poll_start.elapsed() > Duration::from_secs(3600) {
            return Err("the import did not finish within an hour".into());
        }
    }
}

fn sqlite_import(csv_path: &Path, work: &Path) -> Result<Duration> {
    let db = work.join("sqlite3-bench.db");
    let script = format!(
        "PRAGMA journal_mode=WAL;\nPRAGMA cache_size=-400000;\nPRAGMA synchronous=NORMAL;\n\
         CREATE TABLE docs (aadhaar TEXT, uri TEXT UNIQUE, doc_type TEXT, doc_name TEXT, doc_id TEXT, issued_on TEXT, valid_from TEXT, valid_to TEXT, time_stamp TEXT, action TEXT);\n\
         CREATE INDEX docs_aadhaar ON docs(aadhaar);\n.mode csv\n.import {} docs\n",
        csv_path.display()
    );
    let start = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(script.as_bytes())
        .map_err(|e| e.to_string())?;
    let status = child.wait().map_err(|e| e.to_string())?;
    let elapsed = start.elapsed();
    if !status.success() {
        return Err(format!("sqlite3 failed: {status}"));
    }
    Ok(elapsed)
}

/// The process's peak resident set (VmHWM), in kB.
pub(crate) fn peak_rss_kb(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| e.to_string())?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| "no VmHWM in /proc status".into())
}
