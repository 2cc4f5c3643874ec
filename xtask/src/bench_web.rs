//! `cargo xtask bench web`: what the browser downloads and waits for.
//! - The partner-page loader (dl.js and `/widget/loader.wasm`) as sent with
//!   gzip and with brotli.
//! - The share popup on headless Chromium (through chromedriver, the
//!   network throttled with the DevTools protocol: 60 ms RTT, 1.5 MB/s,
//!   no cache): the milliseconds from navigation until the sign-in form
//!   (`login-username`) is in a frame, and the bytes of every file fetched
//!   before then, gzip'd and as the browser got them (brotli).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::bench_pulldoc::{Killed, json_of, start_server};
use crate::tools::{ensure_browser, target_dir, workspace_root};
use crate::{Result, cargo, status};

const RUNS: usize = 5;
const LOADER_GOAL: usize = 15 * 1024;
const POPUP_GOAL: usize = 120 * 1024;
const SIGN_IN_GOAL_MS: f64 = 300.0;
/// Records when the sign-in form is first in a frame, in ms since navigation.
const WATCH: &str = "new MutationObserver(function (_, o) {
  if (!document.querySelector('[data-testid=login-username]')) return;
  o.disconnect();
  requestAnimationFrame(function () { window.__olSignIn = performance.now(); });
}).observe(document, { childList: true, subtree: true });";

pub fn run() -> Result {
    crate::widget::build()?;
    status(cargo().args(["build", "--package", "openlocker"]))?;
    // Another build (an older commit's binary and its `www/`) is measured
    // the same way with OL_BENCH_WEB_BIN and OL_BENCH_WEB_WWW.
    let var = |name: &str| std::env::var_os(name).map(std::path::PathBuf::from);
    let bin = var("OL_BENCH_WEB_BIN").unwrap_or(target_dir()?.join("debug/openlocker"));
    let www = var("OL_BENCH_WEB_WWW").unwrap_or(workspace_root().join("www"));
    let work = target_dir()?.join("bench-web");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let www = www.to_string_lossy();
    let (_server, base) = start_server(&bin, &work.join("data"), &[("OPENLOCKER_WWW_DIR", &www)])?;
    let loader = |accept| -> Result<usize> {
        Ok(body_size(&format!("{base}/requester/api/1/dl.js"), accept)?
            + body_size(&format!("{base}/widget/loader.wasm"), accept)?)
    };
    let (gzip, brotli) = (loader("gzip")?, loader("br")?);
    println!("loader (dl.js + loader.wasm) gzip: {gzip} bytes (goal ≤ {LOADER_GOAL})");
    println!("loader (dl.js + loader.wasm) brotli: {brotli} bytes");
    let popup = popup_url(&bin, &work.join("data"), &base)?;
    let browser = ensure_browser()?;
    let driver = Driver::start(&browser, &work.join("profile"))?;
    let mut times = Vec::new();
    let mut fetched = Vec::new();
    for _ in 0..RUNS {
        let (ms, files) = driver.time_sign_in(&popup)?;
        times.push(ms);
        fetched = files;
    }
    driver.quit();
    report_popup(&fetched, &mut times)
}

/// The bytes of `url`'s body as sent with `Accept-Encoding: accept` (an
/// API answer's too, 401 before sign-in).
fn body_size(url: &str, accept: &str) -> Result<usize> {
    let mut resp = ureq::get(url)
        .config()
        .http_status_as_error(false)
        .build()
        .header("Accept-Encoding", accept)
        .call()
        .map_err(|e| format!("{url}: {e}"))?;
    let body = resp.body_mut().with_config().limit(64 << 20).read_to_vec();
    Ok(body.map_err(|e| format!("{url}: {e}"))?.len())
}

/// A share popup's URL for a requester registered now, as its page's
/// loader would open it.
fn popup_url(bin: &Path, data: &Path, base: &str) -> Result<String> {
    let origin = "http://127.0.0.1:9";
    let args = ["requester", "add", "--name", "Bench portal", "--domain", origin];
    let creds = json_of(bin, data, &args)?;
    let field = |name: &str| creds[name].as_str().map(str::to_owned).ok_or("no credentials");
    let (app_id, app_key) = (field("app_id")?, field("app_key")?);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let ts = now.map_err(|e| e.to_string())?.as_secs().to_string();
    let hash = hex::encode(Sha256::digest(format!("{app_id}{app_key}{ts}")));
    Ok(format!(
        "{base}/widget/share?app_id={app_id}&app_hash={hash}&time_stamp={ts}&origin=http%3A%2F%2F127.0.0.1%3A9"
    ))
}

/// The figures for the popup: the median time and the bytes fetched
/// before the form showed (`[url, bytes as the browser got them]`).
fn report_popup(fetched: &[(String, usize)], times: &mut [f64]) -> Result {
    let mut gzip = 0;
    let mut received = 0;
    for (url, encoded) in fetched {
        // The API answers (the widget check is a POST) count as received.
        gzip += if url.contains("/api/") {
            *encoded
        } else {
            body_size(url, "gzip")?
        };
        received += encoded;
    }
    let paths: Vec<&str> = fetched
        .iter()
        .map(|(url, _)| {
            url.splitn(4, '/')
                .nth(3)
                .map_or(url.as_str(), |p| p.split('?').next().unwrap_or(p))
        })
        .collect();
    println!("popup files before its sign-in form: /{}", paths.join(", /"));
    println!("popup files before its sign-in form gzip: {gzip} bytes (goal ≤ {POPUP_GOAL})");
    println!("popup files before its sign-in form, as Chromium got them (brotli): {received} bytes");
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let all: Vec<String> = times.iter().map(|t| format!("{t:.0}")).collect();
    println!(
        "popup sign-in form visible, throttled (60 ms RTT, 1.5 MB/s): {median:.0} ms median of {RUNS} [{}] (goal ≤ {SIGN_IN_GOAL_MS:.0} ms)",
        all.join(", ")
    );
    Ok(())
}

/// chromedriver with one headless Chromium session.
struct Driver {
    _process: Killed,
    session: String,
}

impl Driver {
    fn start(browser: &crate::tools::Browser, profile: &Path) -> Result<Driver> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let process = Command::new(&browser.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("chromedriver: {e}"))?;
        let mut driver = Driver {
            _process: Killed(process),
            session: format!("http://127.0.0.1:{port}"),
        };
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.display()),
        ];
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "goog:chromeOptions": { "binary": browser.chromium, "args": args } } } });
        let started = Instant::now();
        let answer = loop {
            match driver.post("/session", &caps) {
                Ok(answer) => break answer,
                Err(_) if started.elapsed() < Duration::from_secs(20) => std::thread::sleep(Duration::from_millis(100)),
                Err(e) => return Err(e),
            }
        };
        let id = answer["sessionId"].as_str().ok_or("no WebDriver session")?;
        driver.session = format!("{}/session/{id}", driver.session);
        Ok(driver)
    }

    /// A WebDriver command; answers its `value`.
    fn post(&self, path: &str, body: &Value) -> Result<Value> {
        let url = format!("{}{path}", self.session);
        let mut resp = ureq::post(&url)
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .map_err(|e| format!("{url}: {e}"))?;
        let text = resp.body_mut().read_to_string().map_err(|e| format!("{url}: {e}"))?;
        let answer: Value = serde_json::from_str(&text).map_err(|e| format!("{url}: {e}"))?;
        Ok(answer["value"].clone())
    }

    fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        self.post("/goog/cdp/execute", &json!({ "cmd": cmd, "params": params }))
    }

    /// One cold, throttled load of `url`: the ms from navigation until the
    /// sign-in form is in a frame, and the files fetched before then.
    fn time_sign_in(&self, url: &str) -> Result<(f64, Vec<(String, usize)>)> {
        self.cdp("Network.enable", json!({}))?;
        self.cdp("Network.clearBrowserCache", json!({}))?;
        self.cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))?;
        let conditions = json!({ "offline": false, "latency": 60,
            "downloadThroughput": 1_500_000, "uploadThroughput": 1_500_000 });
        self.cdp("Network.emulateNetworkConditions", conditions)?;
        let watch = self.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": WATCH }))?;
        self.post("/url", &json!({ "url": url }))?;
        let script = "const at = window.__olSignIn; if (at === undefined) return null;
            const nav = performance.getEntriesByType('navigation')[0];
            const files = [[location.href, nav.encodedBodySize]].concat(performance.getEntriesByType('resource')
              .filter(r => r.responseEnd <= at).map(r => [r.name, r.encodedBodySize]));
            return { at, files };";
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            let seen = self.post("/execute/sync", &json!({ "script": script, "args": [] }))?;
            if let (Some(at), Some(files)) = (seen["at"].as_f64(), seen["files"].as_array()) {
                self.cdp("Page.removeScriptToEvaluateOnNewDocument", watch)?;
                let files = files.iter().map(|f| {
                    let url = f[0].as_str().unwrap_or_default().to_owned();
                    (url, f[1].as_u64().unwrap_or(0) as usize)
                });
                return Ok((at, files.collect()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("the sign-in form of {url} did not show within 60 s"))
    }

    fn quit(&self) {
        let _ = ureq::delete(&self.session).call();
    }
}
