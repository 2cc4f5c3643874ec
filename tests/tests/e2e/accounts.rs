//! Resident accounts through the real server: sign-up and each refusal
//! (an unverified claim reserves nothing: see also [`super::identity`]),
//! sign-in throttling by account and by address (surviving a restart),
//! CSRF, expired sessions, sign out everywhere, and the activity log.

use std::path::Path;

use crate::support::*;

fn signup_body(aadhaar: &str, mobile: &str) -> serde_json::Value {
    serde_json::json!({
        "aadhaar": aadhaar,
        "name": "Meera Bai",
        "dob": "1992-07-15",
        "mobile": mobile,
        "password": PASSWORD,
    })
}

fn login(server: &Server, username: &str, password: &str) -> Resp {
    Http::new().post_json(
        &server.url("/api/login"),
        &serde_json::json!({ "username": username, "password": password }),
    )
}

/// Kinds in a resident's activity log, newest first.
fn activity_kinds(server: &Server, http: &Http) -> Vec<String> {
    let page = http.get(&server.url("/api/activity?limit=200")).json();
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// Moves every session in the database into the past.
fn expire_sessions(data: &Path) {
    crate::backend::at_rest(data)
        .execute("UPDATE sessions SET expires_at = 1", &[])
        .unwrap();
}

#[test]
fn sign_up_opens_a_locker_and_signs_in() {
    let server = Server::start(&[]);
    let a = aadhaar(41);
    let mut http = Http::new();
    let resp = http.post_json(&server.url("/api/signup"), &signup_body(&a, "9800000041"));
    assert_eq!(resp.status, 201, "{}", resp.text());
    let cookie = resp.header("set-cookie").unwrap();
    assert!(cookie.starts_with("ol_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    http.cookie = Some(cookie.split(';').next().unwrap().to_owned());
    http.csrf = Some(resp.json()["csrf_token"].as_str().unwrap().to_owned());
    let me = http.get(&server.url("/api/me")).json();
    assert_eq!(me["aadhaar"], format!("XXXX XXXX {}", &a[8..]));
    assert_eq!(me["name"], "Meera Bai");
    assert_eq!(activity_kinds(&server, &http), ["signed_in", "signed_up"]);
    // The new password works for a fresh sign-in by Aadhaar and by mobile.
    assert_eq!(login(&server, &a, PASSWORD).status, 200);
    assert_eq!(login(&server, "9800000041", PASSWORD).status, 200);
    assert!(!server.logs().contains(&a), "an Aadhaar number reached the log");
}

#[test]
fn sign_up_refuses_each_bad_field_and_an_existing_locker() {
    let server = Server::start(&[]);
    let good = signup_body(&aadhaar(42), "9800000042");
    let mut wrong_check = aadhaar(42);
    let last = wrong_check.pop().unwrap();
    wrong_check.push(if last == '9' { '0' } else { (last as u8 + 1) as char });
    let cases: &[(&str, serde_json::Value, &str)] = &[
        ("aadhaar", wrong_check.into(), "Verhoeff"),
        ("aadhaar", "12345".into(), "12 digits"),
        ("name", "  ".into(), "name"),
        ("dob", "1992-02-30".into(), "date"),
        ("dob", "2999-01-01".into(), "future"),
        ("mobile", "98000".into(), "10 digits"),
        ("password", "nine-char".into(), "10 characters"),
    ];
    for (field, value, needle) in cases {
        let mut body = good.clone();
        body[*field] = value.clone();
        let resp = Http::new().post_json(&server.url("/api/signup"), &body);
        assert_eq!(resp.status, 400, "{field}={value}: {}", resp.text());
        let json = resp.json();
        assert_eq!(json["field"], *field, "{}", resp.text());
        assert!(json["message"].as_str().unwrap().contains(needle), "{}", resp.text());
        assert!(resp.header("set-cookie").is_none());
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("dob");
    assert_eq!(Http::new().post_json(&server.url("/api/signup"), &missing).status, 400);

    assert_eq!(Http::new().post_json(&server.url("/api/signup"), &good).status, 201);
    // An unverified claim reserves nothing: a second claim of the number opens too.
    let same_aadhaar = signup_body(&aadhaar(42), "9800000043");
    let signup = |body: &serde_json::Value| Http::new().post_json(&server.url("/api/signup"), body);
    assert_eq!(signup(&same_aadhaar).status, 201);
    // Once a resident proved the number theirs, a new claim of it is refused.
    let number = aadhaar(42);
    let mut verify = vec!["resident", "verify", "--aadhaar", &number];
    verify.extend(words("--by op --mobile 9800000042"));
    server.cli(&verify).json();
    let resp = Http::new().post_json(&server.url("/api/signup"), &signup_body(&aadhaar(42), "9800000044"));
    assert_eq!(resp.status, 409, "{}", resp.text());
    assert!(resp.text().contains("Aadhaar"), "{}", resp.text());
    let same_mobile = signup_body(&aadhaar(43), "9800000042");
    let resp = Http::new().post_json(&server.url("/api/signup"), &same_mobile);
    assert_eq!(resp.status, 409, "{}", resp.text());
    assert!(resp.text().contains("mobile"), "{}", resp.text());
}

#[test]
fn repeated_wrong_passwords_throttle_the_account_even_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start_in(&data, &[]);
    let a = aadhaar(44);
    server.resident(&a, "9800000044");
    server.resident(&aadhaar(45), "9800000045");
    for attempt in 1..=5 {
        let resp = login(&server, "9800000044", "not-the-password");
        assert_eq!(resp.status, 401, "attempt {attempt}: {}", resp.text());
    }
    // Now even the right password is refused, under either name.
    for username in ["9800000044", a.as_str()] {
        let resp = login(&server, username, PASSWORD);
        assert_eq!(resp.status, 429, "{}", resp.text());
        assert!(resp.header("set-cookie").is_none());
        let wait: u64 = resp.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=900).contains(&wait), "Retry-After {wait}");
        assert!(resp.text().contains("too many failed sign-ins"), "{}", resp.text());
    }
    // Another account from the same address is not affected.
    assert_eq!(login(&server, "9800000045", PASSWORD).status, 200);
    drop(server);
    let server = Server::start_in(&data, &[]);
    assert_eq!(
        login(&server, "9800000044", PASSWORD).status,
        429,
        "the count survives a restart"
    );
}

#[test]
fn a_successful_sign_in_clears_the_accounts_failures() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(46), "9800000046");
    for _ in 0..4 {
        assert_eq!(login(&server, "9800000046", "wrong-password").status, 401);
    }
    assert_eq!(login(&server, "9800000046", PASSWORD).status, 200);
    for _ in 0..4 {
        assert_eq!(login(&server, "9800000046", "wrong-password").status, 401);
    }
    assert_eq!(login(&server, "9800000046", PASSWORD).status, 200);
}

#[test]
fn many_failures_from_one_address_throttle_every_account_from_it() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(47), "9800000047");
    // 20 unknown names, one failure each: no account reaches its limit.
    for n in 0..20 {
        let resp = login(&server, &format!("97000000{n:02}"), "whatever-password");
        assert_eq!(resp.status, 401, "failure {n}: {}", resp.text());
    }
    let resp = login(&server, "9800000047", PASSWORD);
    assert_eq!(resp.status, 429, "{}", resp.text());
    assert!(resp.header("retry-after").is_some());
    // Sign-up from the throttled address is held back too.
    let resp = Http::new().post_json(&server.url("/api/signup"), &signup_body(&aadhaar(48), "9800000048"));
    assert_eq!(resp.status, 429, "{}", resp.text());
}

#[test]
fn the_throttle_limits_follow_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("openlocker.toml");
    std::fs::write(&config, "login_failures_per_account = 2\n").unwrap();
    let server = Server::start(&["--config", config.to_str().unwrap()]);
    server.resident(&aadhaar(49), "9800000049");
    assert_eq!(login(&server, "9800000049", "wrong-password").status, 401);
    assert_eq!(login(&server, "9800000049", "wrong-password").status, 401);
    assert_eq!(login(&server, "9800000049", PASSWORD).status, 429);
}

#[test]
fn state_changing_requests_without_the_csrf_token_are_403() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(50), "9800000050");
    let mut http = server.login_resident("9800000050");
    let folder = http.post_json(&server.url("/api/folders"), &serde_json::json!({ "name": "Kept" }));
    assert_eq!(folder.status, 201, "{}", folder.text());
    let folder_id = folder.json()["id"].as_i64().unwrap();
    let token = http.csrf.take();
    let forged = [
        http.post(&server.url("/api/logout-everywhere"), "application/json", b"{}"),
        http.post(&server.url("/api/folders"), "application/json", br#"{"name":"x"}"#),
        http.put_json(
            &server.url(&format!("/api/folders/{folder_id}")),
            &serde_json::json!({ "name": "y" }),
        ),
        http.delete(&server.url(&format!("/api/folders/{folder_id}"))),
        http.post(
            &server.url("/api/uploaded?name=a.pdf"),
            "application/pdf",
            b"%PDF-1.4 x",
        ),
    ];
    for resp in forged {
        assert_eq!(resp.status, 403, "{}", resp.text());
        assert!(resp.text().contains("X-CSRF-Token"), "{}", resp.text());
    }
    http.csrf = token;
    // Nothing changed, and the session still works.
    let folders = http.get(&server.url("/api/folders")).json();
    assert_eq!(folders.as_array().unwrap().len(), 1);
    assert_eq!(folders[0]["name"], "Kept");
    assert_eq!(
        http.get(&server.url("/api/uploaded")).json().as_array().unwrap().len(),
        0
    );
}

#[test]
fn an_expired_session_is_401() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(51), "9800000051");
    let http = server.login_resident("9800000051");
    assert_eq!(http.get(&server.url("/api/me")).status, 200);
    expire_sessions(&server.data);
    for resp in [
        http.get(&server.url("/api/me")),
        http.get(&server.url("/api/uploaded")),
        http.post_json(&server.url("/api/folders"), &serde_json::json!({ "name": "x" })),
    ] {
        assert_eq!(resp.status, 401, "{}", resp.text());
        assert!(resp.text().contains("expired"), "{}", resp.text());
    }
}

#[test]
fn sign_out_everywhere_ends_every_session() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(52), "9800000052");
    server.resident(&aadhaar(53), "9800000053");
    let phone = server.login_resident("9800000052");
    let laptop = server.login_resident("9800000052");
    let someone_else = server.login_resident("9800000053");
    let resp = phone.post(&server.url("/api/logout-everywhere"), "application/json", b"{}");
    assert_eq!(resp.status, 204, "{}", resp.text());
    assert!(resp.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(phone.get(&server.url("/api/me")).status, 401);
    assert_eq!(laptop.get(&server.url("/api/me")).status, 401);
    assert_eq!(someone_else.get(&server.url("/api/me")).status, 200);
    let again = server.login_resident("9800000052");
    let kinds = activity_kinds(&server, &again);
    assert_eq!(kinds[..2], ["signed_in", "signed_out_everywhere"]);
}

#[test]
fn the_activity_log_holds_own_entries_newest_first_in_pages() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(54), "9800000054");
    server.resident(&aadhaar(55), "9800000055");
    assert_eq!(login(&server, "9800000054", "wrong-password").status, 401);
    let mine = server.login_resident("9800000054");
    server.login_resident("9800000055");
    let page = mine.get(&server.url("/api/activity")).json();
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{page}");
    assert_eq!(entries[0]["kind"], "signed_in");
    assert_eq!(entries[1]["kind"], "sign_in_failed");
    assert_eq!(entries[2]["kind"], "signed_up");
    let detail = entries[2]["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("opened by the operator; identity verified"),
        "{detail}"
    );
    assert_eq!(entries[2]["ip"], "local");
    assert_eq!(entries[0]["ip"], "127.0.0.1");
    assert!(entries[0]["user_agent"].as_str().unwrap().contains("ureq"), "{page}");
    assert!(entries[0]["at"].as_i64().unwrap() >= entries[1]["at"].as_i64().unwrap());
    assert!(page["next_before"].is_null());

    for _ in 0..3 {
        server.login_resident("9800000054");
    }
    let first = mine.get(&server.url("/api/activity?limit=2")).json();
    assert_eq!(first["entries"].as_array().unwrap().len(), 2);
    let before = first["next_before"].as_i64().unwrap();
    let second = mine
        .get(&server.url(&format!("/api/activity?limit=2&before={before}")))
        .json();
    let ids: Vec<i64> = first["entries"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["entries"].as_array().unwrap())
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first, no overlap: {ids:?}");
    let all = mine.get(&server.url("/api/activity?limit=200")).json();
    assert_eq!(all["entries"].as_array().unwrap().len(), 6);
}
