//! `cargo xtask bench oauth`: the Authorized Partner API on a release
//! server seeded by `demo seed`.
//! - Token issuance: codes are made first (authorize, then the resident's
//!   consent by the JSON API), then exchanged at `/1/token` by 8 threads,
//!   each a PKCE check, a hashed code look-up and two new tokens stored.
//! - `files/issued`: wrk with one access token, 50 connections for 30 s.
//!   Each call is recorded in the resident's activity log, written behind
//!   in batches; the bench counts the rows that landed.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::bench_pulldoc::{json_of, requests_per_second, start_server, wrk_run};
use crate::tools::{ensure_debian_packages, target_dir};
use crate::{Result, cargo, status};

const CODES: usize = 1000;
const THREADS: usize = 8;
const CONNECTIONS: u32 = 50;
const SECONDS: u32 = 30;

struct Partner {
    base: String,
    client_id: String,
    secret: String,
    redirect: String,
}

pub fn run() -> Result {
    ensure_debian_packages(&["wrk"], &["wrk"])?;
    status(cargo().args(["build", "--release", "--package", "openlocker"]))?;
    let bin = target_dir()?.join("release/openlocker");
    let work = std::env::temp_dir().join(format!("openlocker-bench-oauth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let result = measure(&bin, &work.join("data"));
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

fn measure(bin: &Path, data: &Path) -> Result {
    let seeded = json_of(bin, data, &["demo", "seed"])?;
    let (server, base) = start_server(bin, data, &[])?;
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let partner = Partner {
        base: base.clone(),
        client_id: text(&seeded["partner"]["client_id"]),
        secret: text(&seeded["partner"]["client_secret"]),
        redirect: text(&seeded["partner"]["redirect_uris"][0]),
    };
    let session = sign_in(
        &base,
        &text(&seeded["residents"][0]["mobile"]),
        &text(&seeded["password"]),
    )?;
    println!("bench oauth: release server, 2 cores shared with the client");
    let started = Instant::now();
    let codes = (0..CODES)
        .map(|_| consented_code(&partner, &session))
        .collect::<Result<Vec<_>>>()?;
    println!(
        "  authorize + consent: {:.0} per second ({CODES} codes, one at a time)",
        CODES as f64 / started.elapsed().as_secs_f64()
    );
    let (rate, token) = exchange_all(&partner, codes)?;
    println!("  token issuance (/1/token, authorization_code + PKCE): {rate:.0} per second, {THREADS} threads");
    files_issued(&base, &token)?;
    println!(
        "  activity rows of partner calls in the resident's log afterwards: {}",
        activity_rows(&base, &session)?
    );
    drop(server);
    Ok(())
}

/// `files/issued` with one access token under wrk: its rate.
fn files_issued(base: &str, token: &str) -> Result {
    let out = wrk_run(
        CONNECTIONS,
        SECONDS,
        &[
            "-H",
            &format!("Authorization: Bearer {token}"),
            &format!("{base}/public/oauth2/2/files/issued"),
        ],
    )?;
    let rps = requests_per_second(&out)?;
    let non_2xx = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
        .unwrap_or("0");
    println!(
        "  files/issued: {rps:.0} requests/s over {CONNECTIONS} connections ({} non-2xx), activity written behind",
        non_2xx.trim()
    );
    Ok(())
}

struct Session {
    cookie: String,
    csrf: String,
}

fn sign_in(base: &str, mobile: &str, password: &str) -> Result<Session> {
    let response = agent()
        .post(format!("{base}/api/login"))
        .header("Content-Type", "application/json")
        .send(serde_json::json!({ "username": mobile, "password": password }).to_string())
        .map_err(|e| e.to_string())?;
    let cookie = crate::bench_pulldoc::set_cookie(&response)?;
    let body: serde_json::Value = serde_json::from_str(&body_text(response)?).map_err(|e| e.to_string())?;
    let csrf = body["csrf_token"].as_str().ok_or("no csrf token")?.to_owned();
    Ok(Session { cookie, csrf })
}

fn body_text(mut response: ureq::http::Response<ureq::Body>) -> Result<String> {
    response.body_mut().read_to_string().map_err(|e| e.to_string())
}

/// One code and its verifier: authorize, then allow as the resident.
fn consented_code(partner: &Partner, session: &Session) -> Result<(String, String)> {
    let mut random = [0u8; 32];
    openlocker::platform::crypto::fill_random(&mut random);
    let verifier = URL_SAFE_NO_PAD.encode(random);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let authorize = agent()
        .get(format!("{}/public/oauth2/1/authorize", partner.base))
        .query("response_type", "code")
        .query("client_id", &partner.client_id)
        .query("redirect_uri", &partner.redirect)
        .query("state", "bench")
        .query("code_challenge", &challenge)
        .query("code_challenge_method", "S256")
        .call()
        .map_err(|e| e.to_string())?;
    let consent = authorize
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or("authorize gave no redirect")?;
    let request = query_value(consent, "request").ok_or("no consent request id")?;
    let decided = agent()
        .post(format!("{}/api/oauth/requests/{request}", partner.base))
        .header("Cookie", &session.cookie)
        .header("X-CSRF-Token", &session.csrf)
        .header("Content-Type", "application/json")
        .send(r#"{"allow":true}"#)
        .map_err(|e| e.to_string())?;
    let decided: serde_json::Value = serde_json::from_str(&body_text(decided)?).map_err(|e| e.to_string())?;
    let back = decided["redirect"].as_str().ok_or("consent gave no redirect")?;
    Ok((query_value(back, "code").ok_or("no code")?, verifier))
}

fn query_value(url: &str, name: &str) -> Option<String> {
    url.split_once('?')?
        .1
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .map(str::to_owned)
}

/// Exchanges every code from `THREADS` threads: the rate and one access token.
fn exchange_all(partner: &Partner, codes: Vec<(String, String)>) -> Result<(f64, String)> {
    let total = codes.len();
    let queue = Arc::new(Mutex::new(codes));
    let started = Instant::now();
    let tokens: Vec<Result<Option<String>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                let queue = Arc::clone(&queue);
                scope.spawn(move || exchange_from(partner, &queue))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err("a worker panicked".into())))
            .collect()
    });
    let rate = total as f64 / started.elapsed().as_secs_f64();
    let mut token = None;
    for result in tokens {
        token = token.or(result?);
    }
    Ok((rate, token.ok_or("no token was issued")?))
}

fn exchange_from(partner: &Partner, queue: &Mutex<Vec<(String, String)>>) -> Result<Option<String>> {
    let agent = agent();
    let mut last = None;
    loop {
        let next = queue.lock().map_err(|_| "the code queue broke")?.pop();
        let Some((code, verifier)) = next else {
            return Ok(last);
        };
        let form = [
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &partner.redirect),
            ("code_verifier", &verifier),
            ("client_id", &partner.client_id),
            ("client_secret", &partner.secret),
        ];
        let response = agent
            .post(format!("{}/public/oauth2/1/token", partner.base))
            .send_form(form)
            .map_err(|e| e.to_string())?;
        let ok = response.status().is_success();
        let body: serde_json::Value = serde_json::from_str(&body_text(response)?).map_err(|e| e.to_string())?;
        if !ok {
            return Err(format!("token call refused: {body}"));
        }
        last = body["access_token"].as_str().map(str::to_owned);
    }
}

/// How many partner-call entries the resident's log holds (every page).
fn activity_rows(base: &str, session: &Session) -> Result<usize> {
    let mut count = 0;
    let mut before: Option<i64> = None;
    loop {
        let mut url = format!("{base}/api/activity?limit=200");
        if let Some(b) = before {
            url.push_str(&format!("&before={b}"));
        }
        let page = agent()
            .get(url)
            .header("Cookie", &session.cookie)
            .call()
            .map_err(|e| e.to_string())?;
        let page: serde_json::Value = serde_json::from_str(&body_text(page)?).map_err(|e| e.to_string())?;
        let entries = page["entries"].as_array().cloned().unwrap_or_default();
        count += entries.iter().filter(|e| e["kind"] == "partner_call").count();
        before = page["next_before"].as_i64();
        if before.is_none() {
            return Ok(count);
        }
    }
}
