//! Verification by e-KYC OTP: the squatter story, two verifications of one
//! number at once, and the OTP's checks and throttle.

use super::*;

/// An unverified claim sees no issued document and cannot search or open
/// one; it may upload.
fn assert_unverified_sees_nothing(server: &Server, squatter: &Http) {
    let me = squatter.get(&server.url("/api/me")).json();
    assert_eq!(me["identity"]["state"], "unverified");
    assert_eq!(squatter.get(&server.url("/api/issued")).json(), serde_json::json!([]));
    let pull = squatter.post_json(
        &server.url("/api/pull"),
        &serde_json::json!({ "issuer_id": "cbse.nic.in", "doc_type": "MSTN", "fields": {} }),
    );
    assert_eq!(
        (pull.status, pull.json()["error"].as_str()),
        (403, Some("identity_unverified"))
    );
    let file = squatter.get(&server.url("/api/issued/cbse.nic.in-MSTN-SQ1/file"));
    assert_eq!(
        (file.status, file.json()["error"].as_str()),
        (403, Some("identity_unverified"))
    );
    let upload = squatter.post(
        &server.url("/api/uploaded?name=mine.pdf"),
        "application/pdf",
        b"%PDF-1.4\n%%EOF\n",
    );
    assert_eq!(upload.status, 201, "uploads work unverified: {}", upload.text());
}

/// A wrong OTP, then the right one: verified by e-KYC.
fn verify_with_one_wrong_otp(server: &Server, owner: &Http) {
    let sent = request_otp(server, owner);
    assert_eq!(sent["masked_mobile"], "XXXXXX2222");
    let txn = sent["txn"].as_str().unwrap();
    let wrong = send_otp(server, owner, txn, "654321");
    assert_eq!(wrong.status, 400, "{}", wrong.text());
    assert!(wrong.text().contains("OTP is wrong"), "{}", wrong.text());
    let right = send_otp(server, owner, txn, "123456");
    assert_eq!(right.status, 200, "{}", right.text());
    assert_eq!(right.json()["identity"]["state"], "verified");
    assert_eq!(right.json()["identity"]["method"], "ekyc");
}

/// The squatter's account is closed: signed out, told why at the next
/// sign-in, and its activity says so; the owner signs in by the number.
fn assert_closed(server: &Server, squatter: &Http, number: &str) {
    assert_eq!(squatter.get(&server.url("/api/me")).status, 401);
    let closed = login(server, "9000000666");
    assert_eq!(
        (closed.status, closed.json()["error"].as_str()),
        (409, Some("aadhaar_claimed"))
    );
    assert!(
        closed.json()["message"]
            .as_str()
            .unwrap()
            .contains("another account proved")
    );
    // By the number too; the owner signs in by it as before.
    assert_eq!(login(server, number).status, 200);
    let squatter_log: Vec<String> = open_db(server)
        .query_column(
            "SELECT kind FROM activity a JOIN residents r ON r.id = a.resident_id WHERE r.mobile = '9000000666'",
            &[],
        )
        .unwrap();
    assert!(squatter_log.contains(&"account_closed".to_owned()), "{squatter_log:?}");
}

#[test]
fn a_squatter_sees_nothing_and_is_closed_when_the_owner_verifies_by_otp() {
    let number = aadhaar(17);
    let (server, _sim) = locker_with_sim(&[&number]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    server.push(&issuer, &row(&number, "cbse.nic.in", "MSTN", "SQ1", "A"));
    server.import_run();

    // The squatter knows the number and signs up first: an unverified claim.
    let squatter = server.signup(&number, "9000000666", "Not The Owner");
    assert_unverified_sees_nothing(&server, &squatter);
    // The owner signs up too: the unverified claim reserved nothing.
    let owner = server.signup(&number, "9811112222", "Asha");
    assert_eq!(owner.get(&server.url("/api/issued")).json(), serde_json::json!([]));
    verify_with_one_wrong_otp(&server, &owner);
    // The verified details replace what the owner typed.
    let me = owner.get(&server.url("/api/me")).json();
    assert_eq!(
        (me["name"].as_str(), me["dob"].as_str(), me["gender"].as_str()),
        (Some(OWNER_NAME), Some("1988-11-23"), Some("F"))
    );
    assert!(me["identity"]["verified_at"].as_i64().unwrap() > 0);
    let issued = owner.get(&server.url("/api/issued")).json();
    assert_eq!(issued.as_array().unwrap().len(), 1, "{issued}");
    assert_eq!(issued[0]["uri"], "cbse.nic.in-MSTN-SQ1");
    let kinds = activity_kinds(&server, &owner);
    for kind in ["identity_verified", "otp_failed", "otp_sent", "signed_up"] {
        assert!(kinds.contains(&kind.to_owned()), "{kind} missing from {kinds:?}");
    }

    // The squatter is closed: signed out, and told why at the next sign-in.
    assert_closed(&server, &squatter, &number);
    // A new claim of an owned number is refused, as any taken number is.
    let again = Http::new().post_json(
        &server.url("/api/signup"),
        &serde_json::json!({ "aadhaar": number, "name": "X", "dob": "1990-01-01", "mobile": "9000000777", "password": PASSWORD }),
    );
    assert_eq!(again.status, 409, "{}", again.text());
    let logs = server.logs();
    assert!(!logs.contains(&number), "an Aadhaar number reached the log");
    assert!(
        !logs.contains("123456") && !logs.contains("654321"),
        "an OTP reached the log"
    );
}

#[test]
fn two_verifications_of_one_number_at_once_exactly_one_wins() {
    let numbers: Vec<String> = (0..4).map(|i| aadhaar(300 + i)).collect();
    let (server, _sim) = locker_with_sim(&numbers.iter().map(String::as_str).collect::<Vec<_>>());
    for (round, number) in numbers.iter().enumerate() {
        let claims: Vec<(Http, String)> = (0..2)
            .map(|i| {
                let http = server.signup(number, &format!("90000{round}{i:04}"), "Claimant");
                let txn = request_otp(&server, &http)["txn"].as_str().unwrap().to_owned();
                (http, txn)
            })
            .collect();
        let start = Arc::new(Barrier::new(2));
        let url = server.url("/api/identity/verify");
        let answers: Vec<Resp> = std::thread::scope(|scope| {
            let runs: Vec<_> = claims
                .iter()
                .map(|(http, txn)| {
                    let (start, url) = (start.clone(), url.clone());
                    scope.spawn(move || {
                        start.wait();
                        http.post_json(&url, &serde_json::json!({ "txn": txn, "otp": "123456" }))
                    })
                })
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        });
        let texts: Vec<String> = answers.iter().map(Resp::text).collect();
        assert_eq!(answers.iter().filter(|r| r.status == 200).count(), 1, "{texts:?}");
        // The loser is told the number is claimed, or, when the winner had
        // closed it before its request got in, finds itself signed out.
        let loser = answers.iter().find(|r| r.status != 200).unwrap();
        match loser.status {
            409 => assert_eq!(loser.json()["error"], "aadhaar_claimed"),
            401 => {}
            other => panic!("loser answered {other}: {texts:?}"),
        }
    }
    let verified: i64 = open_db(&server)
        .query_one("SELECT count(*) FROM residents WHERE identity_state = 'verified'", &[])
        .unwrap();
    assert_eq!(verified, numbers.len() as i64, "one verified account per number");
}

#[test]
fn wrong_expired_and_foreign_otps_change_nothing_and_five_wrong_are_throttled() {
    let number = aadhaar(18);
    let (server, _sim) = locker_with_sim(&[&number]);
    let http = server.signup(&number, "9811112222", "Asha");
    let txn = request_otp(&server, &http)["txn"].as_str().unwrap().to_owned();
    // A txn the locker did not make for this resident.
    let foreign = send_otp(&server, &http, "not-a-locker-txn", "123456");
    assert_eq!((foreign.status, foreign.json()["field"].as_str()), (400, Some("txn")));
    // An expired one.
    let stale = request_otp(&server, &http)["txn"].as_str().unwrap().to_owned();
    open_db(&server)
        .execute("UPDATE kyc_txns SET expires_at = 1 WHERE txn = ?1", &[&stale])
        .unwrap();
    let expired = send_otp(&server, &http, &stale, "123456");
    assert_eq!(expired.status, 400);
    assert!(expired.text().contains("expired"), "{}", expired.text());
    for attempt in 1..=5 {
        let wrong = send_otp(&server, &http, &txn, "000000");
        assert_eq!(wrong.status, 400, "attempt {attempt}: {}", wrong.text());
    }
    let throttled = send_otp(&server, &http, &txn, "123456");
    assert_eq!(throttled.status, 429, "{}", throttled.text());
    assert!(throttled.header("retry-after").is_some());
    assert_eq!(
        http.get(&server.url("/api/me")).json()["identity"]["state"],
        "unverified"
    );
    // Each OTP sent reaches the number's real owner: 5 within the window.
    for _ in 0..3 {
        request_otp(&server, &http);
    }
    let flood = http.post_json(&server.url("/api/identity/otp"), &serde_json::json!({}));
    assert_eq!(flood.status, 429, "{}", flood.text());
    assert!(flood.text().contains("too many OTP requests"), "{}", flood.text());
}

#[test]
fn a_used_otp_cannot_verify_again_and_a_locker_without_kyc_url_says_so() {
    let number = aadhaar(19);
    let (server, _sim) = locker_with_sim(&[&number]);
    let http = server.signup(&number, "9811112222", "Asha");
    let txn = request_otp(&server, &http)["txn"].as_str().unwrap().to_owned();
    assert_eq!(send_otp(&server, &http, &txn, "123456").status, 200);
    let replay = send_otp(&server, &http, &txn, "123456");
    assert_eq!(replay.status, 409, "{}", replay.text());
    assert!(replay.text().contains("already verified"), "{}", replay.text());

    let plain = Server::start(&[]);
    let unset = plain.signup(&aadhaar(20), "9811113333", "Asha");
    let resp = unset.post_json(&plain.url("/api/identity/otp"), &serde_json::json!({}));
    assert_eq!(resp.status, 503, "{}", resp.text());
    assert!(resp.text().contains("in person"), "{}", resp.text());
}
