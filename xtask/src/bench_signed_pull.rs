//! The Pull URI and Pull Doc rates with signed e-documents against the
//! rate before signing existed: the same bench run on a release build of
//! this tree and of `BEFORE_SIGNING` (the last commit of `main` without
//! signing), each with a fresh repository holding the same 100 KB PDF,
//! driven by wrk with the same scripts, A and B alternated three times.
//! Signing happens once when a document is stored; this shows what serving
//! the signed certificate XML costs each request.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::bench_pulldoc::{json_of, requests_per_second, start_server, wrk_run};
use crate::tools::{target_dir, workspace_root};
use crate::{Result, cargo, status};

/// `main` just before the signing work was merged into it (e4df46a: the
/// layout, identity, field compatibility and hardening, no signing).
pub const BEFORE_SIGNING: &str = "e4df46a";
const SECONDS: u32 = 10;
const CONNECTIONS: u32 = 16;
const ROUNDS: usize = 3;

/// A release binary of `rev`, built once from `git archive` in the shared
/// target folder (its dependencies are mostly those of this tree).
pub fn binary_at(rev: &str) -> Result<PathBuf> {
    let home = target_dir()?.join("bench-rev").join(rev);
    let bin = home.join("openlocker");
    if bin.exists() {
        return Ok(bin);
    }
    let src = home.join("src");
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).map_err(|e| e.to_string())?;
    eprintln!(
        "xtask: building {rev} (release) for the comparison; done once, kept in {}",
        home.display()
    );
    let archive = Command::new("git")
        .arg("-C")
        .arg(workspace_root())
        .args(["archive", "--format=tar", rev])
        .output()
        .map_err(|e| format!("git archive: {e}"))?;
    if !archive.status.success() {
        return Err(format!(
            "git archive {rev}: {}",
            String::from_utf8_lossy(&archive.stderr)
        ));
    }
    let mut untar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&src)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    std::io::Write::write_all(untar.stdin.as_mut().ok_or("tar stdin")?, &archive.stdout).map_err(|e| e.to_string())?;
    drop(untar.stdin.take());
    if !untar.wait().map_err(|e| e.to_string())?.success() {
        return Err("tar failed".into());
    }
    status(
        cargo()
            .args(["build", "--release", "--package", "openlocker", "--manifest-path"])
            .arg(src.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target_dir()?),
    )?;
    std::fs::copy(target_dir()?.join("release/openlocker"), &bin).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&src);
    Ok(bin)
}

/// A repository with one 100 KB PDF found by `RollNo`, and the two wrk
/// scripts (Pull URI in its original form, Pull Doc), each request with a
/// fresh txn and the keyhash of one shared ts.
fn prepare(bin: &Path, work: &Path) -> Result<(PathBuf, PathBuf)> {
    let data = work.join("data");
    let pdf = work.join("doc.pdf");
    std::fs::write(&pdf, crate::bench_pulldoc::pdf_of_100_kb()).map_err(|e| e.to_string())?;
    let run = |words: &str, extra: &[&str]| {
        let mut args: Vec<&str> = words.split_whitespace().collect();
        args.extend_from_slice(extra);
        json_of(bin, &data, &args)
    };
    run("issuer add --id bench.gov.in --name Bench", &[])?;
    run(
        "issuer doctype add --issuer bench.gov.in --code MARKS --name Marks --udf RollNo",
        &[],
    )?;
    let client = run("repo client add --name bench", &[])?;
    let owner = "--owner 234123412346 --udf RollNo=1001";
    let doc = run(
        &format!("repo doc add --issuer bench.gov.in --doctype MARKS {owner} --file"),
        &[&pdf.to_string_lossy()],
    )?;
    let uri = doc["uri"].as_str().ok_or("no uri")?;
    let (org, key) = (
        client["org_id"].as_str().unwrap_or_default(),
        client["api_key"].as_str().unwrap_or_default(),
    );
    Ok((
        write_script(work, org, key, "pulluri.lua", "PullURIRequest", "<RollNo>1001</RollNo>")?,
        write_script(
            work,
            org,
            key,
            "pulldoc.lua",
            "PullDocRequest",
            &format!("<URI>{uri}</URI>"),
        )?,
    ))
}

/// A wrk script for requests of `root` (original form), a fresh txn each,
/// all with the keyhash of one shared ts.
fn write_script(work: &Path, org: &str, key: &str, name: &str, root: &str, details: &str) -> Result<PathBuf> {
    let ts = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| e.to_string())?;
    let keyhash = hex::encode(Sha256::digest(format!("{key}{ts}")));
    let head = format!(r#"<{root} ver="1.0" ts="{ts}" txn="b"#);
    let tail = format!(r#"" orgId="{org}" keyhash="{keyhash}"><DocDetails>{details}</DocDetails></{root}>"#);
    let path = work.join(name);
    let lua = crate::bench_pulldoc::PULL_DOC_LUA
        .replace("HEAD", &head)
        .replace("TAIL", &tail);
    std::fs::write(&path, lua).map_err(|e| e.to_string())?;
    Ok(path)
}

/// One round of both calls against a server on `bin`'s data: the two rates.
fn round(bin: &Path, work: &Path, scripts: &(PathBuf, PathBuf)) -> Result<(f64, f64)> {
    let (server, base) = start_server(bin, &work.join("data"), &[])?;
    let rate = |script: &Path, path: &str| -> Result<f64> {
        let out = wrk_run(
            CONNECTIONS,
            SECONDS,
            &[&format!("-s{}", script.display()), &format!("{base}{path}")],
        )?;
        let per_answer = crate::bench_pulldoc::bytes_per_answer(&out)?;
        if per_answer < 100_000.0 {
            return Err(format!(
                "answers average {per_answer:.0} bytes: the document was not served\n{out}"
            ));
        }
        requests_per_second(&out)
    };
    let uri = rate(&scripts.0, "/repository/api/pulluri/1/xml")?;
    let doc = rate(&scripts.1, "/repository/api/pulldoc/1/xml")?;
    drop(server);
    Ok((uri, doc))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs the comparison and prints both medians and their ratios.
pub fn compare(work: &Path) -> Result {
    // The old tree is built first: it shares the target folder, and this
    // tree's build then puts its own binary back in place.
    let before = binary_at(BEFORE_SIGNING)?;
    status(cargo().args(["build", "--release", "--package", "openlocker"]))?;
    let current = &target_dir()?.join("release/openlocker");
    let (work_before, work_now) = (work.join("before"), work.join("now"));
    for dir in [&work_before, &work_now] {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let scripts_before = prepare(&before, &work_before)?;
    let scripts_now = prepare(current, &work_now)?;
    let (mut before_rates, mut now_rates) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        before_rates.push(round(&before, &work_before, &scripts_before)?);
        now_rates.push(round(current, &work_now, &scripts_now)?);
    }
    let pick = |rates: &[(f64, f64)], uri: bool| median(rates.iter().map(|r| if uri { r.0 } else { r.1 }).collect());
    println!(
        "serving (100 KB PDF, {CONNECTIONS} connections, {SECONDS} s, median of {ROUNDS} alternated rounds, wrk on loopback, 2 cores shared):"
    );
    for (name, uri) in [
        ("Pull URI (original form, DocContent + DataContent)", true),
        ("Pull Doc", false),
    ] {
        let (b, n) = (pick(&before_rates, uri), pick(&now_rates, uri));
        println!(
            "  {name}: {n:.0} requests/s signed, {b:.0} before signing ({BEFORE_SIGNING}): {:.3}x (target >= 0.95)",
            n / b
        );
    }
    Ok(())
}
