//! Residents: sign-in by Aadhaar or mobile number, session cookies, and
//! Issued Documents that hold only the signed-in resident's documents.

use crate::support::*;

#[test]
fn sign_in_by_aadhaar_or_mobile_sets_an_http_only_same_site_cookie() {
    let server = Server::start(&[]);
    let a = aadhaar(1);
    server.resident(&a, "9000000001");
    for username in [
        a.clone(),
        format!("{} {} {}", &a[..4], &a[4..8], &a[8..]),
        "9000000001".into(),
    ] {
        let resp = Http::new().post_json(
            &server.url("/api/login"),
            &serde_json::json!({ "username": username, "password": PASSWORD }),
        );
        assert_eq!(resp.status, 200, "{username}: {}", resp.text());
        let cookie = resp.header("set-cookie").unwrap();
        assert!(cookie.starts_with("ol_session="));
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"), "plain http must not set Secure: {cookie}");
        assert_eq!(resp.json()["csrf_token"].as_str().unwrap().len(), 32);
    }
    let me = server.login_resident("9000000001").get(&server.url("/api/me")).json();
    assert_eq!(me["aadhaar"], format!("XXXX XXXX {}", &a[8..]));
    assert_eq!(me["name"], "Asha Devi");
}

#[test]
fn wrong_passwords_missing_and_ended_sessions_are_refused() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(1), "9000000001");
    let url = server.url("/api/login");
    for (username, password) in [
        ("9000000001", "not-the-password"),
        ("9000000002", PASSWORD),
        (&aadhaar(9) as &str, PASSWORD),
    ] {
        let resp = Http::new().post_json(&url, &serde_json::json!({ "username": username, "password": password }));
        assert_eq!(resp.status, 401, "{username}");
        assert!(resp.header("set-cookie").is_none());
    }
    assert_eq!(Http::new().post(&url, "application/json", b"{not json").status, 400);
    assert_eq!(Http::new().get(&server.url("/api/issued")).status, 401);
    let mut forged = Http::new();
    forged.cookie = Some(format!("ol_session={}", "ab".repeat(32)));
    assert_eq!(forged.get(&server.url("/api/issued")).status, 401);

    let http = server.login_resident("9000000001");
    assert_eq!(http.get(&server.url("/api/issued")).status, 200);
    assert_eq!(
        http.post_without_csrf(&server.url("/api/logout"), "application/json", b"{}")
            .status,
        403
    );
    assert_eq!(
        http.post(&server.url("/api/logout"), "application/json", b"{}").status,
        204
    );
    assert_eq!(http.get(&server.url("/api/issued")).status, 401);
}

#[test]
fn issued_documents_hold_only_the_signed_in_residents_documents() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let (mine, theirs) = (aadhaar(1), aadhaar(2));
    server.resident(&mine, "9000000001");
    server.resident(&theirs, "9000000002");
    let csv = row(&mine, "cbse.nic.in", "MSTN", "M1", "A")
        + &row(&theirs, "cbse.nic.in", "MSTN", "T1", "A")
        + &format!(
            "{mine},cbse.nic.in-MSTN-M2,MSTN,Old Marks,M2,01/05/2010,01/05/2010,01/05/2011,01/05/2010 10:00:00 AM,A\n"
        )
        + &format!("{mine},cbse.nic.in-MSTN-M3,MSTN,Future,M3,01/05/2024,01/05/2099,,01/05/2024 10:00:00 AM,A\n");
    server.push(&issuer, &csv);
    server.import_run();
    let issued = server.login_resident(&mine).get(&server.url("/api/issued")).json();
    let mut uris: Vec<(String, String)> = issued
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["uri"].as_str().unwrap().to_owned(),
                d["validity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    uris.sort();
    assert_eq!(
        uris,
        [
            ("cbse.nic.in-MSTN-M1".to_owned(), "valid".to_owned()),
            ("cbse.nic.in-MSTN-M2".to_owned(), "expired".to_owned()),
            ("cbse.nic.in-MSTN-M3".to_owned(), "not_yet_valid".to_owned())
        ]
    );
    for field in ["uri", "doc_type", "doc_name", "issuer_id"] {
        assert!(issued[0][field].is_string(), "missing {field}");
    }
    let theirs_list = server
        .login_resident("9000000002")
        .get(&server.url("/api/issued"))
        .json();
    assert_eq!(theirs_list.as_array().unwrap().len(), 1);
    assert_eq!(theirs_list[0]["uri"], "cbse.nic.in-MSTN-T1");
}
