//! `cargo xtask bench signin` and `cargo xtask bench load`: a release
//! server under 50 parallel connections, driven by wrk on loopback.
//! `signin` runs sign-ins of 50 residents (right passwords, every one an
//! argon2 check) for 30 s and prints the peak RSS; `load` then also runs the
//! issued list of a signed-in resident and Pull Doc, each for 30 s, and
//! prints each phase's error rate, p50 and p99 latency, and the server's
//! peak RSS so far.
//!
//! Every request comes from 127.0.0.1, so the per-address sign-in limit
//! (which reserves a failure for each attempt in flight) is raised for the
//! bench: otherwise it, not the password hashing, is what is measured.

use std::path::Path;

use crate::bench_pulldoc::{Killed, json_of, prepare_pull_doc, requests_per_second, start_server, wrk_run};
use crate::tools::{ensure_debian_packages, target_dir};
use crate::{Result, cargo, status};

const CONNECTIONS: u32 = 50;
const SECONDS: u32 = 30;
/// The first bench resident's mobile number; the others follow it.
const FIRST_MOBILE: u64 = 9_876_500_000;
const RESIDENTS: u64 = 50;
const PASSWORD: &str = "bench-password-1";

/// Runs the sign-in phase, and with `all` the other two.
pub fn run(all: bool) -> Result {
    ensure_debian_packages(&["wrk"], &["wrk"])?;
    status(cargo().args(["build", "--release", "--package", "openlocker"]))?;
    let bin = target_dir()?.join("release/openlocker");
    let work = std::env::temp_dir().join(format!("openlocker-bench-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let result = measure(&bin, &work, all);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn measure(bin: &Path, work: &Path, all: bool) -> Result {
    let data = work.join("data");
    let pull_doc = prepare_pull_doc(bin, work, &data)?;
    add_residents(bin, &data)?;
    let sign_in = work.join("signin.lua");
    std::fs::write(&sign_in, sign_in_lua()).map_err(|e| e.to_string())?;
    let (server, base) = start_server(bin, &data, &[("OPENLOCKER_LOGIN_FAILURES_PER_ADDRESS", "100000")])?;
    println!("bench load: {CONNECTIONS} connections, {SECONDS} s a phase, wrk on loopback, 2 cores shared");
    let out = wrk_run(
        CONNECTIONS,
        SECONDS,
        &[&format!("-s{}", sign_in.display()), &format!("{base}/api/login")],
    )?;
    report("sign-in (argon2id each)", &out, &server)?;
    println!(
        "  peak RSS with {CONNECTIONS} parallel sign-ins: {} MB",
        peak_rss_mb(&server)?
    );
    if !all {
        return Ok(());
    }
    let cookie = session_cookie(&base)?;
    let out = wrk_run(
        CONNECTIONS,
        SECONDS,
        &["-H", &format!("Cookie: {cookie}"), &format!("{base}/api/issued")],
    )?;
    report("issued list", &out, &server)?;
    let out = wrk_run(
        CONNECTIONS,
        SECONDS,
        &[
            &format!("-s{}", pull_doc.display()),
            &format!("{base}/repository/api/pulldoc/1/xml"),
        ],
    )?;
    report("Pull Doc (100 KB PDF)", &out, &server)?;
    let peak = peak_rss_mb(&server)?;
    println!("  peak RSS over all phases: {peak} MB (target < 400)");
    Ok(())
}

/// One phase's line: rate, error rate, p50, p99, and the peak RSS so far.
fn report(phase: &str, wrk_out: &str, server: &Killed) -> Result {
    let total = wrk_out
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok())
        .ok_or_else(|| format!("no request count in wrk output:\n{wrk_out}"))?;
    let non_2xx: f64 = after(wrk_out, "Non-2xx or 3xx responses:").unwrap_or(0.0);
    let socket_errors: f64 = wrk_out
        .lines()
        .find_map(|l| l.trim().strip_prefix("Socket errors:"))
        .map(|rest| {
            rest.split(',')
                .filter_map(|p| p.split_whitespace().last()?.parse::<f64>().ok())
                .sum()
        })
        .unwrap_or(0.0);
    let percentile = |p: &str| {
        wrk_out
            .lines()
            .find_map(|l| l.trim().strip_prefix(p).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| "?".into())
    };
    println!(
        "  {phase}: {:.0} requests/s, errors {:.2}% ({non_2xx} non-2xx, {socket_errors} socket), p50 {}, p99 {}, peak RSS so far {} MB",
        requests_per_second(wrk_out)?,
        100.0 * (non_2xx + socket_errors) / total.max(1.0),
        percentile("50%"),
        percentile("99%"),
        peak_rss_mb(server)?
    );
    Ok(())
}

fn after(text: &str, label: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(label)?.trim().parse().ok())
}

fn peak_rss_mb(server: &Killed) -> Result<u64> {
    Ok(crate::bench::peak_rss_kb(server.0.id())? / 1024)
}

/// Signs the bench resident in once and answers its session cookie.
fn session_cookie(base: &str) -> Result<String> {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let login = agent
        .post(format!("{base}/api/login"))
        .header("Content-Type", "application/json")
        .send(format!(r#"{{"username":"{FIRST_MOBILE}","password":"{PASSWORD}"}}"#))
        .map_err(|e| e.to_string())?;
    crate::bench_pulldoc::set_cookie(&login)
}

/// Adds the bench residents, each with a valid (Verhoeff) Aadhaar number.
fn add_residents(bin: &Path, data: &Path) -> Result {
    for i in 0..RESIDENTS {
        let first_eleven = format!("{}", 23_412_341_230 + i);
        let check = openlocker::platform::aadhaar::verhoeff_check_digit(first_eleven.as_bytes());
        let aadhaar = format!("{first_eleven}{check}");
        let mobile = (FIRST_MOBILE + i).to_string();
        json_of(
            bin,
            data,
            &[
                "resident",
                "add",
                "--aadhaar",
                &aadhaar,
                "--name",
                "Bench",
                "--dob",
                "1990-01-01",
                "--mobile",
                &mobile,
                "--password",
                PASSWORD,
            ],
        )?;
    }
    Ok(())
}

/// wrk's script: each request signs in the next of the bench residents.
fn sign_in_lua() -> String {
    format!(
        r#"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local mobile = {FIRST_MOBILE} + (n % {RESIDENTS})
  return wrk.format(nil, nil, nil, '{{"username":"' .. mobile .. '","password":"{PASSWORD}"}}')
end
"#
    )
}
