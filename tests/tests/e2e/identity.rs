//! Identity assurance with `openlocker kyc-sim` as the e-KYC provider: the
//! squatter story, two verifications of one number at once, the OTP
//! throttle and txn checks, in-person verification on the CLI and at an
//! issuer's counter. A provider written here from the protocol text:
//! [`super::kyc_provider`].

use std::sync::{Arc, Barrier};

use crate::support::*;

/// The fixture person whose number the squatter knows.
const OWNER_NAME: &str = "Asha Devi Verma";

fn fixture(numbers: &[&str]) -> String {
    let mut text = String::from("aadhaar,name,dob,gender,mobile\n");
    for n in numbers {
        text.push_str(&format!("{n},{OWNER_NAME},1988-11-23,F,9811112222\n"));
    }
    text
}

/// A locker using a kyc-sim that knows `numbers`.
fn locker_with_sim(numbers: &[&str]) -> (Server, KycSim) {
    let sim = KycSim::start(&fixture(numbers));
    let server = Server::start(&["--kyc-url", &sim.base]);
    (server, sim)
}

fn request_otp(server: &Server, http: &Http) -> serde_json::Value {
    let resp = http.post_json(&server.url("/api/identity/otp"), &serde_json::json!({}));
    assert_eq!(resp.status, 200, "{}", resp.text());
    resp.json()
}

fn send_otp(server: &Server, http: &Http, txn: &str, otp: &str) -> Resp {
    http.post_json(
        &server.url("/api/identity/verify"),
        &serde_json::json!({ "txn": txn, "otp": otp }),
    )
}

fn login(server: &Server, username: &str) -> Resp {
    Http::new().post_json(
        &server.url("/api/login"),
        &serde_json::json!({ "username": username, "password": PASSWORD }),
    )
}

fn activity_kinds(server: &Server, http: &Http) -> Vec<String> {
    let page = http.get(&server.url("/api/activity?limit=200")).json();
    let entries = page["entries"].as_array().unwrap();
    entries.iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

fn open_db(server: &Server) -> openlocker_db::direct::Direct {
    crate::backend::at_rest(&server.data)
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

    // The owner signs up too: the unverified claim reserved nothing.
    let owner = server.signup(&number, "9811112222", "Asha");
    assert_eq!(owner.get(&server.url("/api/issued")).json(), serde_json::json!([]));
    let sent = request_otp(&server, &owner);
    assert_eq!(sent["masked_mobile"], "XXXXXX2222");
    let txn = sent["txn"].as_str().unwrap();
    let wrong = send_otp(&server, &owner, txn, "654321");
    assert_eq!(wrong.status, 400, "{}", wrong.text());
    assert!(wrong.text().contains("OTP is wrong"), "{}", wrong.text());
    let right = send_otp(&server, &owner, txn, "123456");
    assert_eq!(right.status, 200, "{}", right.text());
    assert_eq!(right.json()["identity"]["state"], "verified");
    assert_eq!(right.json()["identity"]["method"], "ekyc");

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
    assert_eq!(squatter.get(&server.url("/api/me")).status, 401);
    let closed = login(&server, "9000000666");
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
    assert_eq!(login(&server, &number).status, 200);
    let squatter_log: Vec<String> = open_db(&server)
        .query_column(
            "SELECT kind FROM activity a JOIN residents r ON r.id = a.resident_id WHERE r.mobile = '9000000666'",
            &[],
        )
        .unwrap();
    assert!(squatter_log.contains(&"account_closed".to_owned()), "{squatter_log:?}");
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

#[test]
fn in_person_verification_on_the_cli_picks_the_account_and_replaces_the_details() {
    let server = Server::start(&[]);
    let number = aadhaar(21);
    server.signup(&number, "9000000001", "Typed Name");
    server.signup(&number, "9000000002", "Other Claim");
    let ambiguous = server.cli(&["resident", "verify", "--aadhaar", &number, "--by", "op"]);
    assert_eq!(ambiguous.code, 2, "{}", ambiguous.stderr);
    assert!(ambiguous.stderr.contains("2 accounts claim"), "{}", ambiguous.stderr);
    let args = [
        "resident",
        "verify",
        "--aadhaar",
        &number,
        "--by",
        "Meena at ward 4",
        "--mobile",
        "9000000002",
        "--name",
        "Sunita Kumari",
        "--dob",
        "1979-03-04",
        "--gender",
        "F",
    ];
    let out = server.cli(&args).json();
    assert_eq!(out["identity"]["method"], "operator");
    let me = server.login_resident("9000000002").get(&server.url("/api/me")).json();
    assert_eq!(
        (me["name"].as_str(), me["dob"].as_str()),
        (Some("Sunita Kumari"), Some("1979-03-04"))
    );
    assert_eq!(login(&server, "9000000001").status, 409);
    // resident add is an operator's act: verified, unless --unverified.
    let added = aadhaar(22);
    server.resident(&added, "9000000003");
    let me = server.login_resident("9000000003").get(&server.url("/api/me")).json();
    assert_eq!(
        (me["identity"]["state"].as_str(), me["identity"]["method"].as_str()),
        (Some("verified"), Some("operator"))
    );
    let unverified = server.cli(&[
        "resident",
        "add",
        "--aadhaar",
        &aadhaar(23),
        "--name",
        "U",
        "--dob",
        "1990-01-01",
        "--mobile",
        "9000000004",
        "--password",
        PASSWORD,
        "--unverified",
        "--gender",
        "t",
    ]);
    unverified.json();
    let me = server.login_resident("9000000004").get(&server.url("/api/me")).json();
    assert_eq!(
        (me["identity"]["state"].as_str(), me["gender"].as_str()),
        (Some("unverified"), Some("T"))
    );
    let bad_gender = server.cli(&[
        "resident",
        "add",
        "--aadhaar",
        &aadhaar(24),
        "--name",
        "U",
        "--dob",
        "1990-01-01",
        "--mobile",
        "9000000005",
        "--password",
        PASSWORD,
        "--gender",
        "X",
    ]);
    assert_eq!(bad_gender.code, 2, "{}", bad_gender.stderr);
    let nobody = server.cli(&["resident", "verify", "--aadhaar", &aadhaar(25), "--by", "op"]);
    assert_eq!(nobody.code, 2, "{}", nobody.stderr);
}

#[test]
fn counter_staff_verify_in_the_issuer_portal_only_with_the_permission() {
    let server = Server::start(&[]);
    let issuer = server.issuer("uidai.counter.in", &["CERT"]);
    let number = aadhaar(26);
    let resident = server.signup(&number, "9000000001", "Typed");
    let check = serde_json::json!({ "aadhaar": number, "name": "Ravi Kumar", "dob": "1985-06-07", "gender": "M" });
    let portal = server.login_issuer(&issuer);
    let refused = portal.post_json(&server.url("/issuer/api/residents/verify"), &check);
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert_eq!(
        resident.get(&server.url("/api/me")).json()["identity"]["state"],
        "unverified"
    );

    server
        .cli(&[
            "issuer",
            "user",
            "add",
            "--issuer",
            "uidai.counter.in",
            "--username",
            "counter1",
            "--password",
            PASSWORD,
            "--can-verify-residents",
        ])
        .json();
    let counter = Issuer {
        username: "counter1".into(),
        ..issuer
    };
    let staff = server.login_issuer(&counter);
    assert_eq!(
        staff.get(&server.url("/issuer/api/me")).json()["can_verify_residents"],
        true
    );
    let done = staff.post_json(&server.url("/issuer/api/residents/verify"), &check);
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(done.json()["identity"]["method"], "counter");
    let me = resident.get(&server.url("/api/me")).json();
    assert_eq!(
        (me["name"].as_str(), me["gender"].as_str()),
        (Some("Ravi Kumar"), Some("M"))
    );
    let detail: String = open_db(&server)
        .query_one("SELECT detail FROM activity WHERE kind = 'identity_verified'", &[])
        .unwrap();
    assert!(detail.contains("counter1 at uidai.counter.in"), "{detail}");
}

#[test]
fn kyc_sim_refuses_a_fixture_with_bad_rows_by_line_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    let good = aadhaar(1);
    std::fs::write(
        &path,
        format!(
            "{good},Asha,1990-01-01,F,9811112222\n123412341234,B,1990-01-01,F,9811112222\n{good},C,1990-02-30,F,98\n"
        ),
    )
    .unwrap();
    let out = std::process::Command::new(bin())
        .args(["--bind", "127.0.0.1:0", "kyc-sim", "--fixture"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("line 2:") && stderr.contains("line 3:") && !stderr.contains("line 1:"),
        "{stderr}"
    );
}
