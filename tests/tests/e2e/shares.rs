//! Requesters and shares through the API: `requester add`, the widget
//! checks (errors 203 to 207), sharing a document, the public document URL
//! with its expiry and fetch limit, and revoking.

use sha2::{Digest, Sha256};

use crate::support::*;

const PDF: &[u8] = b"%PDF-1.4\n% a certificate to share\n%%EOF\n";
const ORIGIN: &str = "http://127.0.0.1:9";

pub struct Partner {
    pub app_id: String,
    pub app_key: String,
}

fn partner(server: &Server, services: &[&str]) -> Partner {
    partner_at(server, ORIGIN, services)
}

/// Registers a requester whose pages are served from `origin`.
pub fn partner_at(server: &Server, origin: &str, services: &[&str]) -> Partner {
    let mut args = vec!["requester", "add", "--name", "Job portal", "--domain", origin];
    for service in services {
        args.extend(["--service", service]);
    }
    let creds = server.cli(&args).json();
    Partner {
        app_id: creds["app_id"].as_str().unwrap().into(),
        app_key: creds["app_key"].as_str().unwrap().into(),
    }
}

pub fn open_db(server: &Server) -> openlocker_db::direct::Direct {
    crate::backend::at_rest(&server.data)
}

pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The widget request a partner page written to the specification makes.
pub fn widget(p: &Partner, time_stamp: &str, origin: &str, service: &str) -> serde_json::Value {
    let hash = hex::encode(Sha256::digest(format!("{}{}{time_stamp}", p.app_id, p.app_key)));
    serde_json::json!({
        "app_id": p.app_id, "app_hash": hash, "time_stamp": time_stamp, "origin": origin, "service": service,
    })
}

pub fn widget_code(resp: &Resp) -> u64 {
    assert_eq!(resp.status, 403, "{}", resp.text());
    resp.json()["code"].as_u64().unwrap()
}

#[test]
fn requester_add_prints_credentials_and_refuses_a_bad_domain() {
    let server = Server::start(&[]);
    let p = partner(&server, &[]);
    assert!(p.app_id.starts_with("RQ"), "{}", p.app_id);
    assert_eq!(p.app_key.len(), 40);
    let listed = server.cli(&["requester", "list"]).json();
    assert_eq!(listed["requesters"][0]["domains"], serde_json::json!([ORIGIN]));
    assert_eq!(
        listed["requesters"][0]["services"],
        serde_json::json!(["share", "save"])
    );
    let bad = server.cli(&["requester", "add", "--name", "x", "--domain", "partner.example/path"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("is not an origin"), "{}", bad.stderr);
}

#[test]
fn the_widget_checks_give_each_error_code() {
    let server = Server::start(&[]);
    let p = partner(&server, &[]);
    let save_only = partner(&server, &["save"]);
    let http = Http::new();
    let url = server.url("/widget/api/check");
    let now = unix_now().to_string();

    let ok = http.post_json(&url, &widget(&p, &now, ORIGIN, "share"));
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["app_name"], "Job portal");
    assert_eq!(ok.json()["origin"], ORIGIN);
    let millis = (unix_now() * 1000 + 123).to_string();
    assert_eq!(http.post_json(&url, &widget(&p, &millis, ORIGIN, "share")).status, 200);
    let iso = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    assert_eq!(http.post_json(&url, &widget(&p, &iso, ORIGIN, "share")).status, 200);

    let mut wrong_hash = widget(&p, &now, ORIGIN, "share");
    wrong_hash["app_hash"] = serde_json::json!("0".repeat(64));
    assert_eq!(widget_code(&http.post_json(&url, &wrong_hash)), 203);
    let mut unknown_app = widget(&p, &now, ORIGIN, "share");
    unknown_app["app_id"] = serde_json::json!("RQNOSUCHAPP");
    assert_eq!(widget_code(&http.post_json(&url, &unknown_app)), 204);
    let elsewhere = widget(&p, &now, "https://evil.example", "share");
    assert_eq!(widget_code(&http.post_json(&url, &elsewhere)), 205);
    let stale = (unix_now() - 31 * 60).to_string();
    assert_eq!(
        widget_code(&http.post_json(&url, &widget(&p, &stale, ORIGIN, "share"))),
        206
    );
    let ahead = (unix_now() + 10 * 60).to_string();
    assert_eq!(
        widget_code(&http.post_json(&url, &widget(&p, &ahead, ORIGIN, "share"))),
        206
    );
    let not_allowed = widget(&save_only, &now, ORIGIN, "share");
    assert_eq!(widget_code(&http.post_json(&url, &not_allowed)), 207);

    // After a key rotation the old key works for the grace period, the new one at once.
    let rotated = server.cli(&["requester", "rotate-key", "--app-id", &p.app_id]).json();
    let fresh = Partner {
        app_id: p.app_id.clone(),
        app_key: rotated["app_key"].as_str().unwrap().into(),
    };
    assert_eq!(http.post_json(&url, &widget(&fresh, &now, ORIGIN, "share")).status, 200);
    assert_eq!(http.post_json(&url, &widget(&p, &now, ORIGIN, "share")).status, 200);
}

/// A server with a partner, a signed-in resident and one uploaded PDF.
fn resident_with_upload(config: &str) -> (Server, Partner, Http, i64, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openlocker.toml");
    std::fs::write(&path, config).unwrap();
    let server = Server::start(&["--config", path.to_str().unwrap()]);
    let p = partner(&server, &[]);
    server.resident(&aadhaar(1), "9876543210");
    let http = server.login_resident("9876543210");
    let uploaded = http.post(
        &server.url("/api/uploaded?name=certificate.pdf"),
        "application/pdf",
        PDF,
    );
    assert_eq!(uploaded.status, 201, "{}", uploaded.text());
    let id = uploaded.json()["id"].as_i64().unwrap();
    (server, p, http, id, dir)
}

fn share(server: &Server, http: &Http, p: &Partner, id: i64) -> serde_json::Value {
    let body = serde_json::json!({
        "widget": widget(p, &unix_now().to_string(), ORIGIN, "share"),
        "doc": { "kind": "uploaded", "id": id },
    });
    let resp = http.post_json(&server.url("/api/shares"), &body);
    assert_eq!(resp.status, 201, "{}", resp.text());
    resp.json()
}

#[test]
fn a_shared_document_is_fetched_by_its_url_until_the_fetch_limit() {
    let (server, p, http, id, _dir) = resident_with_upload("share_max_fetches = 2\n");
    let minted = share(&server, &http, &p, id);
    let doc_url = minted["doc_url"].as_str().unwrap();
    assert!(doc_url.starts_with(&server.base), "{doc_url}");
    assert_eq!(minted["origin"], ORIGIN);
    let token = doc_url.rsplit('/').next().unwrap();
    assert_eq!(token.len(), 64, "256 random bits");

    let anyone = Http::new();
    for _ in 0..2 {
        let fetched = anyone.get(doc_url);
        assert_eq!(fetched.status, 200, "{}", fetched.text());
        assert_eq!(fetched.body, PDF);
        assert_eq!(fetched.header("content-type"), Some("application/pdf"));
    }
    let third = anyone.get(doc_url);
    assert_eq!(third.status, 410, "{}", third.text());
    assert!(third.text().contains("limit"), "{}", third.text());
    assert_eq!(
        anyone.get(&server.url(&format!("/share/{}", "0".repeat(64)))).status,
        404
    );

    let listed = http.get(&server.url("/api/shares")).json();
    assert_eq!(listed[0]["fetches"], 2);
    assert_eq!(listed[0]["state"], "used_up");
    assert_eq!(listed[0]["app_name"], "Job portal");
    let activity = http.get(&server.url("/api/activity")).json();
    assert!(activity.to_string().contains("\"shared\""), "{activity}");

    // The database keeps only the token's hash, never the token.
    let db = open_db(&server);
    let count = |value: Vec<u8>| -> i64 {
        db.query_one("SELECT count(*) FROM shares WHERE token_hash = ?1", &[&value])
            .unwrap()
    };
    assert_eq!(count(Sha256::digest(token.as_bytes()).to_vec()), 1);
    assert_eq!(count(token.as_bytes().to_vec()), 0);
    let mut dump: Vec<String> = db
        .query_column("SELECT origin || doc_ref || doc_name FROM shares", &[])
        .unwrap();
    let hashes: Vec<Vec<u8>> = db.query_column("SELECT token_hash FROM shares", &[]).unwrap();
    dump.extend(hashes.iter().map(hex::encode));
    let dump = dump.join(",");
    assert!(!dump.contains(token) && !dump.contains(&token.to_uppercase()), "{dump}");
}

#[test]
fn a_revoked_or_expired_share_answers_410() {
    let (server, p, http, id, _dir) = resident_with_upload("");
    let revoked = share(&server, &http, &p, id);
    let expired = share(&server, &http, &p, id);
    let anyone = Http::new();
    assert_eq!(anyone.get(revoked["doc_url"].as_str().unwrap()).status, 200);

    let revoke = |share_id: &serde_json::Value| {
        http.post_json(
            &server.url(&format!("/api/shares/{share_id}/revoke")),
            &serde_json::json!({}),
        )
    };
    assert_eq!(revoke(&revoked["share_id"]).status, 204);
    let gone = anyone.get(revoked["doc_url"].as_str().unwrap());
    assert_eq!(gone.status, 410);
    assert!(gone.text().contains("revoked"), "{}", gone.text());

    let db = open_db(&server);
    db.execute(
        "UPDATE shares SET expires_at = 1 WHERE id = ?1",
        &[&expired["share_id"].as_i64().unwrap()],
    )
    .unwrap();
    let late = anyone.get(expired["doc_url"].as_str().unwrap());
    assert_eq!(late.status, 410);
    assert!(late.text().contains("expired"), "{}", late.text());

    // Another resident can neither revoke it nor share this file.
    server.resident(&aadhaar(2), "9876543211");
    let other = server.login_resident("9876543211");
    let theirs = other.post_json(
        &server.url(&format!("/api/shares/{}/revoke", expired["share_id"])),
        &serde_json::json!({}),
    );
    assert_eq!(theirs.status, 404);
    let body = serde_json::json!({
        "widget": widget(&p, &unix_now().to_string(), ORIGIN, "share"),
        "doc": { "kind": "uploaded", "id": id },
    });
    assert_eq!(other.post_json(&server.url("/api/shares"), &body).status, 404);
}

#[test]
fn a_share_needs_good_widget_details_and_the_csrf_token() {
    let (server, p, http, id, _dir) = resident_with_upload("");
    let stale = serde_json::json!({
        "widget": widget(&p, &(unix_now() - 3600).to_string(), ORIGIN, "share"),
        "doc": { "kind": "uploaded", "id": id },
    });
    assert_eq!(widget_code(&http.post_json(&server.url("/api/shares"), &stale)), 206);
    let good = serde_json::json!({
        "widget": widget(&p, &unix_now().to_string(), ORIGIN, "share"),
        "doc": { "kind": "uploaded", "id": id },
    });
    let no_csrf = http.post_without_csrf(
        &server.url("/api/shares"),
        "application/json",
        good.to_string().as_bytes(),
    );
    assert_eq!(no_csrf.status, 403);
    assert_eq!(Http::new().post_json(&server.url("/api/shares"), &good).status, 401);
}

#[test]
fn a_pulled_document_is_shared_from_its_kept_copy_even_with_its_issuer_down() {
    let s = crate::pull_search::setup(None);
    let p = partner(&s.locker, &[]);
    let http = s.locker.login_resident("9876543210");
    let fields = serde_json::json!({ "RollNo": "1001", "Year": "2024" });
    assert_eq!(
        crate::pull_search::search(&http, &s.locker, "HSCER", fields).status,
        201
    );
    let body = serde_json::json!({
        "widget": widget(&p, &unix_now().to_string(), ORIGIN, "share"),
        "doc": { "kind": "issued", "uri": s.uri },
    });
    let minted = http.post_json(&s.locker.url("/api/shares"), &body);
    assert_eq!(minted.status, 201, "{}", minted.text());
    let doc_url = minted.json()["doc_url"].as_str().unwrap().to_owned();
    drop(s.repository);
    let fetched = Http::new().get(&doc_url);
    assert_eq!(fetched.status, 200, "{}", fetched.text());
    assert_eq!(fetched.body, crate::pull_search::PDF, "from the kept copy");
}

#[test]
fn a_pull_doc_document_is_shared_live_and_a_failed_fetch_is_not_counted() {
    let pair = crate::live_pull::pair(None, &[]);
    let http = pair.deliver();
    let p = partner(&pair.locker, &[]);
    let body = serde_json::json!({
        "widget": widget(&p, &unix_now().to_string(), ORIGIN, "share"),
        "doc": { "kind": "issued", "uri": pair.uri },
    });
    let minted = http.post_json(&pair.locker.url("/api/shares"), &body);
    assert_eq!(minted.status, 201, "{}", minted.text());
    let doc_url = minted.json()["doc_url"].as_str().unwrap().to_owned();
    let fetched = Http::new().get(&doc_url);
    assert_eq!(fetched.status, 200, "{}", fetched.text());
    assert_eq!(fetched.body, crate::live_pull::PDF, "pulled live by Pull Doc");

    drop(pair.repository);
    let down = Http::new().get(&doc_url);
    assert_eq!(down.status, 502, "{}", down.text());
    let listed = http.get(&pair.locker.url("/api/shares")).json();
    assert_eq!(listed[0]["fetches"], 1, "the failed fetch is given back");
}
