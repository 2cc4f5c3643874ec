//! Residents search the strict issuer: the document opens and shares from the
//! kept copy, another person's record is never saved, every bad answer is
//! explained, failures are throttled, and the match settings are checked.

use super::*;

/// The search went as v1.13 asks: ver 3.0, both formats, the doc type, the
/// resident's DigiLockerId, name and date of birth, and the search field.
fn assert_v1_13_search_sent(issuer: &StrictIssuer, http: &Http, locker: &Server) {
    let me = http.get(&locker.url("/api/me")).json();
    let digilocker_id = me["digilocker_id"].as_str().unwrap().to_owned();
    assert_eq!(digilocker_id.len(), 36, "{me}");
    let sent = issuer.requests().pop().unwrap();
    for part in [
        r#"ver="3.0""#,
        r#"format="both""#,
        "<DocType>HSCER</DocType>",
        &format!("<DigiLockerId>{digilocker_id}</DigiLockerId>"),
        "<FullName>Asha Devi</FullName>",
        "<DOB>01-04-1990</DOB>",
        "<RollNo>1001</RollNo>",
    ] {
        assert!(sent.contains(part), "{part} not in {sent}");
    }
}

/// The kept files are sealed: neither part is readable on disk.
fn assert_kept_files_sealed(locker: &Server) {
    for dir in std::fs::read_dir(locker.data.join("issued")).unwrap().flatten() {
        for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let bytes = std::fs::read(file.path()).unwrap();
            assert!(!bytes.windows(5).any(|w| w == b"%PDF-"), "a kept PDF is in plaintext");
            assert!(
                !bytes.windows(9).any(|w| w == b"Asha Devi"),
                "a kept XML is in plaintext"
            );
        }
    }
}

#[test]
fn a_v1_13_issuer_is_searched_and_the_document_opens_and_shares_from_the_kept_copy() {
    let mut issuer = StrictIssuer::start(&[]);
    let (locker, _) = locker(&issuer.url(), &[]);
    let http = locker.login_resident("9876543210");
    let found = search(
        &http,
        &locker,
        "HSCER",
        serde_json::json!({ "RollNo": "1001", "Year": "2024" }),
    );
    assert_eq!(found.status, 201, "{}", found.text());
    assert_eq!(found.json()["uri"], "strict.gov.in-HSCER-AB12CD34");

    assert_v1_13_search_sent(&issuer, &http, &locker);

    let uri = "strict.gov.in-HSCER-AB12CD34";
    let file = http.get(&locker.url(&format!("/api/issued/{uri}/file")));
    assert_eq!(file.status, 200, "{}", file.text());
    assert_eq!(file.body, PDF);
    let xml = http.get(&locker.url(&format!("/api/issued/{uri}/xml")));
    assert_eq!(xml.status, 200, "{}", xml.text());
    assert_eq!(xml.text(), CERT);
    assert_eq!(xml.header("content-type"), Some("application/xml"));
    assert_eq!(kept_files(&locker), 2, "the PDF and the certificate XML are kept");
    let asked = issuer.requests().len();

    // The issuer goes down: the document still opens, and shares, from the copy.
    issuer.stop();
    let again = http.get(&locker.url(&format!("/api/issued/{uri}/file")));
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.body, PDF);
    let partner = partner_at(&locker, "http://127.0.0.1:9", &[]);
    let shared = http.post_json(
        &locker.url("/api/shares"),
        &serde_json::json!({
            "widget": widget(&partner, &unix_now().to_string(), "http://127.0.0.1:9", "share"),
            "doc": { "kind": "issued", "uri": uri },
        }),
    );
    assert_eq!(shared.status, 201, "{}", shared.text());
    let fetched = Http::new().get(shared.json()["doc_url"].as_str().unwrap());
    assert_eq!(fetched.status, 200, "{}", fetched.text());
    assert_eq!(fetched.body, PDF);
    assert_eq!(asked, 1, "the issuer was asked once, for the search");
    assert_kept_files_sealed(&locker);
}

#[test]
fn pull_uri_never_saves_another_persons_document() {
    let issuer = StrictIssuer::start(&[]);
    let (locker, _) = locker(&issuer.url(), &[]);
    let http = locker.login_resident("9876543210");
    // A guessed roll number: the issuer answers with Ravi's marks.
    let guessed = search(&http, &locker, "MARKS", serde_json::json!({ "RollNo": "2002" }));
    assert_eq!(guessed.status, 200, "{}", guessed.text());
    let answer = guessed.json();
    assert_eq!(answer["status"], "mismatch", "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains("does not match your details"), "{message}");
    for detail in [
        "Ravi",
        "Shankar",
        "Prasad",
        "1988",
        "17-08",
        "Male",
        "9811122233",
        "RV55PQ",
    ] {
        assert!(!message.contains(detail), "the message repeats {detail}: {message}");
    }
    assert_eq!(http.get(&locker.url("/api/issued")).json(), serde_json::json!([]));
    assert_eq!(kept_files(&locker), 0, "nothing of it is kept");
    let opened = http.get(&locker.url("/api/issued/strict.gov.in-MARKS-RV55PQ/file"));
    assert_eq!(opened.status, 404);
    assert_eq!(issuer.violations(), serde_json::json!([]));
}

#[test]
fn every_bad_answer_gets_a_clear_message_and_nothing_is_saved() {
    let issuer = StrictIssuer::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("openlocker.toml");
    std::fs::write(&config, "upstream_timeout_seconds = 3\n").unwrap();
    let (locker, _) = locker(&issuer.url(), &["--config", config.to_str().unwrap()]);
    let http = locker.login_resident("9876543210");
    let fields = serde_json::json!({ "RollNo": "1001", "Year": "2024" });
    for (mode, status, says) in [
        ("garbage", 502, "not acceptable XML"),
        ("foreign_uri", 502, "not one of its HSCER documents"),
        ("unechoed_txn", 502, "without echoing our request"),
        ("not_pdf", 502, "DocContent that is not a PDF"),
        ("unauthorized", 502, "refused our credentials (HTTP 401)"),
        ("oversized", 502, "larger than 64 MB"),
        ("slow", 504, "did not answer within 3 seconds"),
    ] {
        issuer.set_mode(mode);
        let resp = search(&http, &locker, "HSCER", fields.clone());
        assert_eq!(resp.status, status, "{mode}: {}", resp.text());
        assert!(resp.text().contains(says), "{mode}: {}", resp.text());
        assert_eq!(
            http.get(&locker.url("/api/issued")).json(),
            serde_json::json!([]),
            "{mode}"
        );
        assert_eq!(kept_files(&locker), 0, "{mode}");
    }
    issuer.set_mode("normal");
    assert_eq!(search(&http, &locker, "HSCER", fields).status, 201);
}

#[test]
fn no_match_and_mismatch_answers_are_throttled_per_resident() {
    let issuer = StrictIssuer::start(&[]);
    let (locker, _) = locker(&issuer.url(), &[]);
    let http = locker.login_resident("9876543210");
    for roll in 0..9 {
        let resp = search(
            &http,
            &locker,
            "MARKS",
            serde_json::json!({ "RollNo": format!("9{roll}") }),
        );
        assert_eq!(resp.json()["status"], "no_match", "{}", resp.text());
    }
    let tenth = search(&http, &locker, "MARKS", serde_json::json!({ "RollNo": "2002" }));
    assert_eq!(tenth.json()["status"], "mismatch", "{}", tenth.text());
    let asked = issuer.requests().len();
    let refused = search(
        &http,
        &locker,
        "HSCER",
        serde_json::json!({ "RollNo": "1001", "Year": "2024" }),
    );
    assert_eq!(refused.status, 429, "{}", refused.text());
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 3000 && wait <= 3600, "{wait}");
    assert_eq!(
        issuer.requests().len(),
        asked,
        "a throttled search does not reach the issuer"
    );
}

#[test]
fn match_none_needs_sends_uid_and_a_bad_hmac_setting_is_refused() {
    let locker = Server::start(&[]);
    locker
        .cli(&["issuer", "add", "--id", ISSUER, "--name", "Strict Board"])
        .json();
    let add = |extra: &[&str]| {
        let mut args = vec!["issuer", "doctype", "add", "--issuer", ISSUER, "--code"];
        args.extend(extra);
        locker.cli(&args)
    };
    let none = add(&["NOUID", "--name", "x", "--udf", "RollNo", "--match", "none"]);
    assert_eq!(none.code, 2, "{}", none.stderr);
    assert!(none.stderr.contains("--sends-uid"), "{}", none.stderr);
    assert_eq!(add(&["BYUID", "--name", "x", "--sends-uid", "--match", "none"]).code, 0);
    let bad = add(&["BADM", "--name", "x", "--match", "name,photo"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    let hmac = locker.cli(&[
        "issuer",
        "add",
        "--id",
        "other.gov.in",
        "--name",
        "O",
        "--pull-hmac",
        "sha1",
    ]);
    assert_eq!(hmac.code, 2, "{}", hmac.stderr);
    let listed = locker.cli(&["issuer", "doctype", "list", "--issuer", ISSUER]).json();
    assert_eq!(listed["doc_types"][0]["match"], "none", "{listed}");
}
