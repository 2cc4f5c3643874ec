//! The requester portal's API: a partner's people sign in, see their app
//! id, edit domains and services, rotate the key, and see the shares made
//! to them.

use crate::shares::{Partner, partner_at, unix_now, widget, widget_code};
use crate::support::*;

const ORIGIN: &str = "http://127.0.0.1:9";
const PDF: &[u8] = b"%PDF-1.4\n% shared\n%%EOF\n";

fn portal() -> (Server, Partner, Http) {
    let server = Server::start(&[]);
    let partner = partner_at(&server, ORIGIN, &[]);
    let user = server.add_requester_user(&partner.app_id, "hr@jobs");
    assert_eq!(user.code, 0, "{}", user.stderr);
    let http = server.login_requester("hr@jobs");
    (server, partner, http)
}

#[test]
fn a_partner_sees_its_app_and_edits_domains_and_services() {
    let (server, partner, http) = portal();
    let me = http.get(&server.url("/requester/portal/api/me")).json();
    assert_eq!(me["app_id"], partner.app_id.as_str());
    assert_eq!(me["domains"], serde_json::json!([ORIGIN]));
    assert!(me.get("app_key").is_none(), "the key is never shown again");

    let updated = http.put_json(
        &server.url("/requester/portal/api/settings"),
        &serde_json::json!({ "domains": ["https://Jobs.Example.gov.in/"], "services": ["save"] }),
    );
    assert_eq!(updated.status, 200, "{}", updated.text());
    assert_eq!(
        updated.json()["domains"],
        serde_json::json!(["https://jobs.example.gov.in"])
    );
    let check = |origin: &str, service: &str| {
        Http::new().post_json(
            &server.url("/widget/api/check"),
            &widget(&partner, &unix_now().to_string(), origin, service),
        )
    };
    assert_eq!(widget_code(&check(ORIGIN, "save")), 205, "the old domain is gone");
    assert_eq!(widget_code(&check("https://jobs.example.gov.in", "share")), 207);
    assert_eq!(check("https://jobs.example.gov.in", "save").status, 200);

    for bad in [
        serde_json::json!({ "domains": ["jobs.example.gov.in/apply"], "services": ["save"] }),
        serde_json::json!({ "domains": [], "services": ["save"] }),
        serde_json::json!({ "domains": [ORIGIN], "services": [] }),
    ] {
        let refused = http.put_json(&server.url("/requester/portal/api/settings"), &bad);
        assert_eq!(refused.status, 400, "{bad}: {}", refused.text());
    }
}

#[test]
fn a_rotated_key_is_shown_once_and_works_at_once() {
    let (server, partner, http) = portal();
    let rotated = http.post_json(&server.url("/requester/portal/api/key/rotate"), &serde_json::json!({}));
    assert_eq!(rotated.status, 200, "{}", rotated.text());
    let fresh = Partner {
        app_id: partner.app_id.clone(),
        app_key: rotated.json()["app_key"].as_str().unwrap().into(),
    };
    let check = Http::new().post_json(
        &server.url("/widget/api/check"),
        &widget(&fresh, &unix_now().to_string(), ORIGIN, "share"),
    );
    assert_eq!(check.status, 200, "{}", check.text());
    let db = crate::shares::open_db(&server);
    let stored: Vec<Vec<u8>> = db.query_column("SELECT key_enc FROM requester_keys", &[]).unwrap();
    assert_eq!(stored.len(), 2, "the old key lives on for the grace period");
    let new_key = rotated.json()["app_key"].as_str().unwrap().as_bytes().to_vec();
    assert!(
        stored.iter().all(|k| !k.windows(new_key.len()).any(|w| w == new_key)),
        "sealed at rest"
    );
}

#[test]
fn the_shares_made_to_the_app_are_listed_without_the_resident() {
    let (server, partner, http) = portal();
    server.resident(&aadhaar(1), "9876543210");
    let resident = server.login_resident("9876543210");
    let uploaded = resident.post(&server.url("/api/uploaded?name=degree.pdf"), "application/pdf", PDF);
    let body = serde_json::json!({
        "widget": widget(&partner, &unix_now().to_string(), ORIGIN, "share"),
        "doc": { "kind": "uploaded", "id": uploaded.json()["id"] },
    });
    assert_eq!(resident.post_json(&server.url("/api/shares"), &body).status, 201);

    let shares = http.get(&server.url("/requester/portal/api/shares")).json();
    assert_eq!(shares[0]["doc_name"], "degree.pdf");
    assert_eq!(shares[0]["fetches"], 0);
    assert_eq!(shares[0]["origin"], ORIGIN);
    let text = shares.to_string();
    assert!(
        !text.contains(&aadhaar(1)) && !text.contains("9876543210") && !text.contains("resident"),
        "{text}"
    );
}

#[test]
fn the_portal_needs_its_own_session_and_the_csrf_token() {
    let (server, _partner, http) = portal();
    let wrong = Http::new().post_json(
        &server.url("/requester/portal/api/login"),
        &serde_json::json!({ "username": "hr@jobs", "password": "not the password" }),
    );
    assert_eq!(wrong.status, 401);
    let no_csrf = http.post_without_csrf(
        &server.url("/requester/portal/api/key/rotate"),
        "application/json",
        b"{}",
    );
    assert_eq!(no_csrf.status, 403);
    server.resident(&aadhaar(1), "9876543210");
    let resident = server.login_resident("9876543210");
    assert_eq!(resident.get(&server.url("/requester/portal/api/me")).status, 401);
    let page = Http::new().get(&server.url("/requester/"));
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Requester portal"));
}

/// Both portals' sign-ins are throttled like residents': after the limit of
/// failures, even the right password waits (429 with Retry-After).
#[test]
fn portal_sign_ins_are_throttled_after_repeated_failures() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("openlocker.toml");
    std::fs::write(&config, "login_failures_per_account = 2\n").unwrap();
    let server = Server::start(&["--config", config.to_str().unwrap()]);
    let partner = partner_at(&server, ORIGIN, &[]);
    server.add_requester_user(&partner.app_id, "hr@jobs");
    let issuer = server.issuer("cbse.nic.in", &[]);
    for (path, username) in [
        ("/requester/portal/api/login", "hr@jobs"),
        ("/issuer/api/login", issuer.username.as_str()),
    ] {
        let attempt = |password: &str| {
            Http::new().post_json(
                &server.url(path),
                &serde_json::json!({ "username": username, "password": password }),
            )
        };
        assert_eq!(attempt("wrong password 1").status, 401, "{path}");
        assert_eq!(attempt("wrong password 2").status, 401, "{path}");
        let throttled = attempt(PASSWORD);
        assert_eq!(throttled.status, 429, "{path}: {}", throttled.text());
        assert!(throttled.header("retry-after").is_some(), "{path}");
    }
}
