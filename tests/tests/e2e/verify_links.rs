//! Verification links (the QR code beside an issued document), over HTTP
//! against the real binary: a repository of ours signs, the locker pulls
//! and trusts it; a link needs a session, its CSRF token and a verified
//! resident; its public summary is verified when asked and never carries
//! the PDF or an Aadhaar number; a revoked or expired link is 404; the
//! access log never holds the token.

use base64::Engine;

use crate::pull_search::PDF;
use crate::pull_search::{Setup, search, setup};
use crate::support::*;

/// A locker that trusts the repository's certificate for cbse.nic.in, and
/// the resident's session after pulling the HSCER document (kept, checked).
pub fn trusted_pulled() -> (Setup, Http) {
    let s = setup(None);
    let pem = s.repository.cli(&["repo", "key", "show"]).json()["certificate_pem"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("repo.pem");
    std::fs::write(&file, pem).unwrap();
    s.locker
        .cli(&[
            "issuer",
            "cert",
            "add",
            "--issuer",
            "cbse.nic.in",
            "--file",
            file.to_str().unwrap(),
        ])
        .json();
    let http = pulled(&s);
    (s, http)
}

/// The resident's session after pulling the HSCER document (kept, and its
/// signature checked as it arrived).
pub fn pulled(s: &Setup) -> Http {
    let http = s.locker.login_resident("9876543210");
    let found = search(
        &http,
        &s.locker,
        "HSCER",
        serde_json::json!({"RollNo": "1001", "Year": "2024"}),
    );
    assert_eq!(found.status, 201, "{}", found.text());
    http
}

fn create(http: &Http, s: &Setup) -> Resp {
    http.post(
        &s.locker.url(&format!("/api/issued/{}/verify-link", s.uri)),
        "application/json",
        b"",
    )
}

fn summary(s: &Setup, token: &str) -> Resp {
    Http::new().get(&s.locker.url(&format!("/api/verify-links/{token}/summary")))
}

/// Makes the link `id` past its expiry, as time would.
fn expire(s: &Setup, id: i64) {
    let conn = crate::backend::at_rest(&s.locker.data);
    let changed = conn
        .execute(
            "UPDATE verify_links SET expires_at = created_at - 1 WHERE id = ?1",
            &[&id],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

#[test]
fn a_link_needs_a_session_its_csrf_token_and_a_verified_resident() {
    let (s, http) = trusted_pulled();
    let url = s.locker.url(&format!("/api/issued/{}/verify-link", s.uri));
    assert_eq!(Http::new().post(&url, "application/json", b"").status, 401);
    assert_eq!(http.post_without_csrf(&url, "application/json", b"").status, 403);
    let unverified = s.locker.signup(&aadhaar(3), "9876500003", "Someone Else");
    let refused = unverified.post(&url, "application/json", b"");
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert_eq!(refused.json()["error"], "identity_unverified");
    let other = s.locker.login_resident("9876543211");
    assert_eq!(other.post(&url, "application/json", b"").status, 404, "not theirs");
    let created = create(&http, &s);
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_i64().unwrap();
    let revoke = s.locker.url(&format!("/api/verify-links/{id}/revoke"));
    assert_eq!(http.post_without_csrf(&revoke, "application/json", b"").status, 403);
    assert_eq!(other.post(&revoke, "application/json", b"").status, 404);
}

/// The summary is verified, names the document and its signature, and
/// carries neither the PDF nor the Aadhaar number.
fn assert_summary_verified_without_secrets(s: &Setup, token: &str) {
    let answer = summary(s, token);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let body = answer.text();
    let got = answer.json();
    assert_eq!(got["valid"], true, "{got}");
    assert_eq!(got["issuer_id"], "cbse.nic.in");
    assert_eq!(got["uri"], s.uri.as_str());
    assert!(
        got["signed_by"].as_str().is_some() && got["signed_at"].as_i64().is_some(),
        "{got}"
    );
    assert!(got["doc_name"].as_str().is_some(), "{got}");
    let pdf_b64 = base64::engine::general_purpose::STANDARD.encode(PDF);
    for secret in [aadhaar(1).as_str(), "%PDF", &pdf_b64[..24]] {
        assert!(!body.contains(secret), "the summary carries {secret}: {body}");
    }
}

/// A revoked link is gone from the summary, the page and the list.
fn assert_revoked(s: &Setup, http: &Http, created: &serde_json::Value, token: &str) {
    let listed = http.get(&s.locker.url("/api/verify-links"));
    assert_eq!(listed.json()[0]["id"], created["id"], "{}", listed.text());
    assert!(!listed.text().contains(token), "the list never shows a token");
    let revoke = s.locker.url(&format!("/api/verify-links/{}/revoke", created["id"]));
    assert_eq!(http.post(&revoke, "application/json", b"").status, 204);
    let gone = summary(s, token);
    assert_eq!(gone.status, 404);
    assert!(gone.text().contains("revoked"), "{}", gone.text());
    assert_eq!(Http::new().get(&s.locker.url(&format!("/verify/{token}"))).status, 404);
    assert_eq!(
        http.get(&s.locker.url("/api/verify-links")).json(),
        serde_json::json!([])
    );
}

#[test]
fn the_summary_is_verified_carries_no_pdf_or_aadhaar_and_ends_with_revocation_or_expiry() {
    let (s, http) = trusted_pulled();
    let created = create(&http, &s).json();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(
        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{created}"
    );
    assert_eq!(created["url"], format!("{}/verify/{token}", s.locker.base).as_str());
    let svg = created["qr_svg"].as_str().unwrap();
    assert!(svg.contains("<svg") && svg.contains("</svg>"), "{svg}");
    assert!(
        created["expires_at"].as_i64().unwrap() >= time::OffsetDateTime::now_utc().unix_timestamp() + 7 * 86_400 - 60
    );

    assert_summary_verified_without_secrets(&s, &token);
    let page = Http::new().get(&s.locker.url(&format!("/verify/{token}")));
    assert_eq!(page.status, 200);
    assert!(page.text().contains("openlocker-app"));
    assert_eq!(Http::new().get(&s.locker.url("/verify/0123")).status, 404);
    assert_eq!(summary(&s, "0123").status, 404);

    assert_revoked(&s, &http, &created, &token);

    let second = create(&http, &s).json();
    let second_token = second["token"].as_str().unwrap();
    assert_eq!(summary(&s, second_token).status, 200);
    expire(&s, second["id"].as_i64().unwrap());
    assert_eq!(summary(&s, second_token).status, 404);

    let logs = wait_for(std::time::Duration::from_secs(10), "the access log lines", || {
        let logs = s.locker.logs();
        (logs.contains("/api/verify-links/[redacted]/summary") && logs.contains("GET /verify/[redacted]"))
            .then_some(logs)
    });
    for token in [token.as_str(), second_token] {
        assert!(!logs.contains(&token[..16]), "a verification token was logged");
    }
}
