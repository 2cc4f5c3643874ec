//! Build tasks for OpenLocker.
//!
//! - `cargo xtask run [--demo] [ARGS...]`: build the widget and the server,
//!   then serve on the embedded SQLite default (extra ARGS go to
//!   `openlocker serve`). On an empty `./data` it offers the demo data
//!   (`openlocker demo seed`): asked on a terminal, done with `--demo`.
//! - `cargo xtask test`: the whole suite, browser tests included.
//! - `cargo xtask bench import [--rows N]`: the import benchmark.
//! - `cargo xtask bench pulldoc`: Pull Doc against nginx serving the same file.
//! - `cargo xtask bench signin` / `load`: 50 connections for 30 s: sign-in
//!   (peak RSS), then the issued list and Pull Doc (error rate, p50/p99).
//! - `cargo xtask bench web`: the loader's gzip and brotli bytes, the popup's
//!   bytes before its sign-in form, and the time to that form on a
//!   throttled headless Chromium.
//! - `cargo xtask fuzz [--seconds N]`: each fuzz target for N seconds.
//! - `cargo xtask bench signing`: signing and verifying one certificate XML, in
//!   ms; then Pull URI and Pull Doc rates signed against a build from before
//!   signing.
//! - `cargo xtask bench oauth`: partner API token issuance and `files/issued`
//!   requests per second, with the calls' activity written behind.
//!
//! Each installs what a fresh machine lacks: the wasm32 target, the
//! wasm-bindgen CLI at the Cargo.lock version, and Debian's chromium and
//! chromium-driver (and sqlite3 for the benchmark).

mod bench;
mod bench_load;
mod bench_oauth;
mod bench_pulldoc;
mod bench_signed_pull;
mod bench_signing;
mod bench_web;
mod fuzz;
mod tools;
mod widget;

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") if args.get(1).is_some_and(|a| a == "web") => bench_web::run(),
        Some("bench") => bench::run(&args[1..]),
        Some("build-widget") => widget::build(),
        Some("fuzz") => fuzz::run(&args[1..]),
        _ => Err("usage: cargo xtask run [--demo] [SERVE ARGS...] | test [CARGO TEST ARGS...] | bench import [--rows N] [--database-url URL] | bench pulldoc [--database-url URL] | bench signin | bench load | bench signing | bench oauth | bench web | fuzz [--seconds N]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T = ()> = std::result::Result<T, String>;

/// Announces a step of a long task, so a newcomer sees where it is.
pub fn step(n: usize, of: usize, what: &str) {
    eprintln!("xtask: [{n}/{of}] {what}");
}

/// Runs a command, failing with its name when it does not succeed.
pub fn status(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed: {status}"))
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn run(args: &[String]) -> Result {
    let demo = args.iter().any(|a| a == "--demo");
    let serve_args: Vec<&String> = args.iter().filter(|a| *a != "--demo").collect();
    step(1, 2, "building the web app (wasm) and the loader");
    widget::build()?;
    step(2, 2, "building the server");
    status(cargo().args(["build", "--package", "openlocker"]))?;
    let bin = tools::target_dir()?.join("debug/openlocker");
    offer_demo(&bin, demo)?;
    let bind = "127.0.0.1:8080";
    println!("xtask: OpenLocker at http://{bind}/ (issuer portal http://{bind}/issuer/); data in ./data");
    println!(
        "xtask: register an issuer with: {} issuer add --id cbse.nic.in --name CBSE",
        bin.display()
    );
    println!("xtask: the resident portal is at http://{bind}/locker/");
    let mut cmd = Command::new(&bin);
    // The built app is served from the workspace's www/, wherever we run.
    cmd.arg("--www-dir")
        .arg(tools::workspace_root().join("www"))
        .args(["serve", "--bind", bind])
        .args(serve_args);
    status(&mut cmd)
}

/// On an empty data folder, offers the demo data (`openlocker demo seed`):
/// asked on a terminal, done with `--demo`, and never asked without a
/// terminal (CI), where it only says how.
fn offer_demo(bin: &std::path::Path, demo: bool) -> Result {
    use std::io::{BufRead, IsTerminal, Write};
    let data = std::path::Path::new("data");
    let empty = std::fs::read_dir(data).map_or(true, |mut entries| entries.next().is_none());
    if !empty {
        return Ok(());
    }
    let wanted = if demo {
        true
    } else if std::io::stdin().is_terminal() {
        print!("xtask: ./data is empty. Fill it with synthetic demo residents, documents and a partner app? [Y/n] ");
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| e.to_string())?;
        !answer.trim().to_ascii_lowercase().starts_with('n')
    } else {
        println!("xtask: ./data is empty; `cargo xtask run --demo` fills it with synthetic demo data");
        false
    };
    if wanted {
        status(Command::new(bin).args(["demo", "seed"]))?;
    }
    Ok(())
}

fn test(extra: &[String]) -> Result {
    step(
        1,
        6,
        "checking the tools (chromium, chromedriver, postgresql, an S3 server; installed when missing)",
    );
    let browser = tools::ensure_browser()?;
    tools::ensure_postgresql()?;
    let s3 = tools::ensure_s3_server()?;
    step(2, 6, "building the web app (wasm) and the loader");
    // The independent peers of the signed e-document tests.
    tools::ensure_debian_packages(&["xmlsec1", "openssl"], &["xmlsec1", "openssl"])?;
    widget::build()?;
    step(3, 6, "building the server");
    status(cargo().args(["build", "--package", "openlocker"]))?;
    let bin = tools::target_dir()?.join("debug/openlocker");
    // The widget's pure logic (Verhoeff, translations, JSON shapes) natively.
    step(4, 6, "the web app's unit tests");
    status(cargo().args(["test", "--package", "openlocker-widget", "--lib"]))?;
    step(
        5,
        6,
        "the server, storage and end-to-end tests on SQLite (browser tests included)",
    );
    status(
        cargo()
            .args(["test", "--workspace", "--exclude", "openlocker-widget"])
            .args(extra)
            .env("OL_TEST_BIN", &bin)
            .env("OL_TEST_MOTO", &s3)
            .env("OL_TEST_CHROMIUM", &browser.chromium)
            .env("OL_TEST_CHROMEDRIVER", &browser.chromedriver),
    )?;
    step(
        6,
        6,
        "the storage and end-to-end tests again on PostgreSQL (browser tests ran above)",
    );
    postgres_pass(&bin, &s3, extra)
}

/// The db suite and the e2e suite with `OL_TEST_DATABASE=postgres`: each
/// test process starts a PostgreSQL server in a temporary folder, and each
/// test gets a database of its own. The browser tests (`*_ui`, `browser`)
/// exercise the web app, not storage: they run once, on SQLite. So do the
/// two-node tests (`cluster`), which are on PostgreSQL in either pass, and
/// `db_copy`, whose source is SQLite by definition. The same
/// package selection as the SQLite pass, so nothing is built again (the
/// other crates' unit tests run twice; they are quick and take no backend).
fn postgres_pass(bin: &std::path::Path, s3: &std::path::Path, extra: &[String]) -> Result {
    let mut args: Vec<String> = extra.to_vec();
    if !args.iter().any(|a| a == "--") {
        args.push("--".into());
    }
    args.extend(
        [
            "--skip",
            "_ui::",
            "--skip",
            "browser::",
            "--skip",
            "cluster::",
            "--skip",
            "db_copy::",
        ]
        .map(String::from),
    );
    status(
        cargo()
            .args([
                "test",
                "--workspace",
                "--exclude",
                "openlocker-widget",
                "--lib",
                "--test",
                "e2e",
            ])
            .args(&args)
            .env("OL_TEST_DATABASE", "postgres")
            .env("OL_TEST_MOTO", s3)
            .env("OL_TEST_BIN", bin),
    )
}
