//! `cargo xtask bench pulldoc`: Pull Doc requests per second for a 100 KB
//! PDF, every keyhash checked and every txn fresh, against Debian's nginx
//! serving the same file statically; both driven by wrk on loopback with
//! the same script shape (a Lua `request()` that makes every request
//! unique). Answers are not inspected in Lua: wrk copying each 137 KB body
//! into a Lua string costs more than the servers' work and would measure
//! wrk. Instead the bytes read per answer must be those of a Status 1
//! answer carrying the document (a refusal is a few hundred bytes).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::tools::{ensure_debian_packages, target_dir, which};
use crate::{Result, cargo, status};

const SECONDS: u32 = 10;
const CONNECTIONS: u32 = 16;

/// Runs the benchmark and prints both rates and their ratio.
pub fn run() -> Result {
    ensure_debian_packages(&["nginx", "wrk"], &["nginx", "wrk"])?;
    status(cargo().args(["build", "--release", "--package", "openlocker"]))?;
    let bin = target_dir()?.join("release/openlocker");
    let work = std::env::temp_dir().join(format!("openlocker-bench-pulldoc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let result = measure(&bin, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

pub(crate) fn pdf_of_100_kb() -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut state = 12345u32;
    while pdf.len() < 100 * 1024 - 6 {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        pdf.push(b'!' + (state >> 16) as u8 % 90);
    }
    pdf.extend_from_slice(b"\n%%EOF");
    pdf
}

/// The database the benches' servers and admin commands use when it is not
/// the data folder's SQLite (`bench import --database-url`).
pub(crate) static DATABASE_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// `--database-url URL` when a bench runs on another database; else nothing.
pub(crate) fn database_args() -> Vec<String> {
    DATABASE_URL
        .get()
        .map(|url| vec!["--database-url".to_owned(), url.clone()])
        .unwrap_or_default()
}

pub(crate) fn json_of(bin: &Path, data: &Path, args: &[&str]) -> Result<serde_json::Value> {
    let out = Command::new(bin)
        .arg("--data-dir")
        .arg(data)
        .args(database_args())
        .arg("--json")
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("openlocker {args:?}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
}

/// A child process killed when dropped.
pub(crate) struct Killed(pub(crate) Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// nginx stops its workers on SIGTERM; a SIGKILL to the master would
/// leave them running.
struct Terminated(Child);

impl Drop for Terminated {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

fn measure(bin: &Path, work: &Path) -> Result {
    let data = work.join("data");
    let script = prepare_pull_doc(bin, work, &data)?;
    let (server, base) = start_server(bin, &data, &[])?;
    let wrk_out = wrk(&[
        &format!("-s{}", script.display()),
        &format!("{base}/repository/api/pulldoc/1/xml"),
    ])?;
    drop(server);
    let openlocker_rps = requests_per_second(&wrk_out)?;
    // Every answer must carry the document: 4/3 of the PDF in base64.
    let per_answer = bytes_per_answer(&wrk_out)?;
    let least = (pdf_of_100_kb().len() * 4 / 3) as f64;
    if per_answer < least {
        return Err(format!(
            "answers average {per_answer:.0} bytes, less than a document's {least:.0}: some were refused\n{wrk_out}"
        ));
    }

    let nginx_rps = nginx_rate(work, &work.join("doc.pdf"))?;
    println!("bench pulldoc: one 100 KB PDF, {CONNECTIONS} connections, {SECONDS} s, wrk on loopback, 2 cores shared");
    println!(
        "  openlocker Pull Doc (keyhash, ts window, fresh txn recorded, base64 XML): {openlocker_rps:.0} requests/s ({per_answer:.0} bytes per answer)"
    );
    println!("  nginx static file: {nginx_rps:.0} requests/s");
    println!(
        "  ratio openlocker / nginx: {:.2} (target >= 0.5)",
        openlocker_rps / nginx_rps
    );
    Ok(())
}

/// A repository in `data` with a client and one 100 KB PDF (`work/doc.pdf`),
/// and the wrk script that pulls it with a fresh txn per request.
pub(crate) fn prepare_pull_doc(bin: &Path, work: &Path, data: &Path) -> Result<std::path::PathBuf> {
    let data = data.to_owned();
    let pdf_path = work.join("doc.pdf");
    std::fs::write(&pdf_path, pdf_of_100_kb()).map_err(|e| e.to_string())?;
    add_bench_issuer(bin, &data, "Bench")?;
    let client = json_of(bin, &data, &["repo", "client", "add", "--name", "bench"])?;
    let owner = "234123412346";
    let uri = json_of(
        bin,
        &data,
        &[
            "repo",
            "doc",
            "add",
            "--issuer",
            "bench.gov.in",
            "--doctype",
            "MARKS",
            "--file",
            &pdf_path.to_string_lossy(),
            "--owner",
            owner,
        ],
    )?;
    let uri = uri["uri"].as_str().ok_or("no uri")?.to_owned();
    let script = work.join("pulldoc.lua");
    std::fs::write(&script, pull_doc_script(&client, &uri)?).map_err(|e| e.to_string())?;
    Ok(script)
}

/// The wrk script: a fresh txn per request, the keyhash computed for the
/// one shared ts.
fn pull_doc_script(client: &serde_json::Value, uri: &str) -> Result<String> {
    let ts = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| e.to_string())?;
    let org = client["org_id"].as_str().unwrap_or_default();
    let keyhash = hex::encode(Sha256::digest(format!(
        "{}{ts}",
        client["api_key"].as_str().unwrap_or_default()
    )));
    let head = format!(r#"<PullDocRequest ver="1.0" ts="{ts}" txn="b"#);
    let tail =
        format!(r#"" orgId="{org}" keyhash="{keyhash}"><DocDetails><URI>{uri}</URI></DocDetails></PullDocRequest>"#);
    Ok(PULL_DOC_LUA.replace("HEAD", &head).replace("TAIL", &tail))
}

/// Registers the bench issuer `bench.gov.in` (display name `name`) with
/// its doc type MARKS; its Push API credentials.
pub(crate) fn add_bench_issuer(bin: &Path, data: &Path, name: &str) -> Result<serde_json::Value> {
    let creds = json_of(bin, data, &["issuer", "add", "--id", "bench.gov.in", "--name", name])?;
    json_of(
        bin,
        data,
        &[
            "issuer",
            "doctype",
            "add",
            "--issuer",
            "bench.gov.in",
            "--code",
            "MARKS",
            "--name",
            "Marks",
        ],
    )?;
    Ok(creds)
}

/// Starts `openlocker serve` on `data` and a free loopback port; the
/// process and its base URL.
pub(crate) fn start_server(bin: &Path, data: &Path, env: &[(&str, &str)]) -> Result<(Killed, String)> {
    let mut server = Command::new(bin)
        .arg("--data-dir")
        .arg(data)
        .args(database_args())
        .args(["--bind", "127.0.0.1:0", "serve"])
        .env("OPENLOCKER_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(server.stdout.take().ok_or("no stdout")?)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let server = Killed(server);
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .ok_or("no server URL")?
        .to_owned();
    Ok((server, base))
}

fn wrk(args: &[&str]) -> Result<String> {
    wrk_run(CONNECTIONS, SECONDS, args)
}

/// wrk with `connections` over 2 threads for `seconds`, with latencies.
/// Its timeout is past the server's 10 s password queue, so a request that
/// waits its turn there is measured, not counted as a socket error.
pub(crate) fn wrk_run(connections: u32, seconds: u32, args: &[&str]) -> Result<String> {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "15s",
            "--latency",
        ])
        .args(args)
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    if !out.status.success() {
        return Err(format!("wrk failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The `name=value` of an answer's `Set-Cookie`, for the next requests.
pub(crate) fn set_cookie<B>(response: &ureq::http::Response<B>) -> Result<String> {
    response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| "no session cookie".into())
}

pub(crate) fn requests_per_second(wrk_out: &str) -> Result<f64> {
    wrk_out
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk output:\n{wrk_out}"))
}

fn nginx_rate(work: &Path, pdf: &Path) -> Result<f64> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let root = pdf.parent().ok_or("no folder")?;
    let conf = work.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "user root;\nworker_processes 2;\npid {pid};\nerror_log {err} warn;\nevents {{ worker_connections 1024; }}\n\
             http {{ access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;\n\
             client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp}; uwsgi_temp_path {tmp}; scgi_temp_path {tmp};\n\
             types {{ application/pdf pdf; }}\n server {{ listen 127.0.0.1:{port}; root {root}; }} }}\n",
            pid = work.join("nginx.pid").display(),
            err = work.join("nginx.err").display(),
            tmp = work.display(),
            root = root.display(),
        ),
    )
    .map_err(|e| e.to_string())?;
    let nginx = which("nginx").ok_or("nginx is not on PATH")?;
    let child = Command::new(nginx)
        .arg("-c")
        .arg(&conf)
        .args(["-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let _nginx = Terminated(child);
    std::thread::sleep(Duration::from_millis(500));
    let name = pdf.file_name().ok_or("no file name")?.to_string_lossy().into_owned();
    let script = work.join("static.lua");
    std::fs::write(&script, STATIC_LUA.replace("PATH", &format!("/{name}"))).map_err(|e| e.to_string())?;
    let out = wrk(&[&format!("-s{}", script.display()), &format!("http://127.0.0.1:{port}/")])?;
    requests_per_second(&out)
}

/// `N requests in Ts, X.YMB read` as bytes per answer.
pub(crate) fn bytes_per_answer(wrk_out: &str) -> Result<f64> {
    let line = wrk_out
        .lines()
        .find(|l| l.contains(" requests in ") && l.trim_end().ends_with(" read"))
        .ok_or_else(|| format!("no request count in wrk output:\n{wrk_out}"))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let requests: f64 = words.first().and_then(|w| w.parse().ok()).ok_or("bad request count")?;
    let read = words.get(words.len().saturating_sub(2)).ok_or("bad byte count")?;
    let (number, unit) = read.split_at(read.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(read.len()));
    let scale = match unit {
        "B" => 1.0,
        "KB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        "GB" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("unknown unit in {line:?}")),
    };
    let bytes: f64 = number.parse::<f64>().map_err(|e| e.to_string())? * scale;
    Ok(bytes / requests.max(1.0))
}

/// Pull requests: the same `ts` and keyhash, a txn unique to the run, the
/// thread and the request (a server remembers the txns of earlier runs on
/// its data, so each run's txns start with the second it started).
pub(crate) const PULL_DOC_LUA: &str = r#"
local counter = 0
local run = os.time()
function setup(thread)
  thread:set("id", run .. "-" .. counter)
  counter = counter + 1
end
function init(args)
  n = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/xml"
end
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, [[HEAD]] .. id .. "-" .. n .. [[TAIL]])
end
"#;

/// The static file, with a query unique to the request: the same work in
/// wrk as the Pull Doc script.
const STATIC_LUA: &str = r#"
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  n = 0
end
function request()
  n = n + 1
  return wrk.format("GET", "PATH?n=" .. id .. "-" .. n)
end
"#;
