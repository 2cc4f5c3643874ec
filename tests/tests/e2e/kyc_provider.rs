//! The locker against an e-KYC provider written here from the protocol
//! text of INTERFACE section 10 (not our simulator): `POST /otp {"uid",
//! "txn"}`, `POST /verify {"uid", "txn", "otp"}`, answers echoing `uid`
//! and `txn`. The provider is then made to fail each way a real one can:
//! down, slow, garbage, an error status, an answer about someone else.
//! Each is a clear error and changes nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::*;

/// How the stub answers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Honest,
    Slow,
    Garbage,
    ServerError,
    AnotherUid,
    AnotherTxn,
    BadDetails,
}

/// This provider's own OTP (the simulator's is another).
const STUB_OTP: &str = "908172";

struct Stub {
    base: String,
    mode: Arc<Mutex<Mode>>,
    /// Every request: (path, body).
    seen: Arc<Mutex<Vec<(String, Value)>>>,
}

impl Stub {
    fn start() -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mode = Arc::new(Mutex::new(Mode::Honest));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (m, s) = (mode.clone(), seen.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (m, s) = (m.clone(), s.clone());
                std::thread::spawn(move || serve(stream, *m.lock().unwrap(), &s));
            }
        });
        Stub { base, mode, seen }
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }
}

/// One HTTP/1.1 exchange: read the request, answer per `mode`, close.
fn serve(stream: TcpStream, mode: Mode, seen: &Mutex<Vec<(String, Value)>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    let path = request_line.split_whitespace().nth(1).unwrap_or("").to_owned();
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        if header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    seen.lock().unwrap().push((path.clone(), request.clone()));
    let (status, answer) = answer(&path, &request, mode);
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
}

fn answer(path: &str, request: &Value, mode: Mode) -> (&'static str, String) {
    let (uid, txn) = (request["uid"].clone(), request["txn"].clone());
    let echo = |mut body: Value| {
        body["uid"] = match mode {
            Mode::AnotherUid => json!("999941057058"),
            _ => uid.clone(),
        };
        body["txn"] = match mode {
            Mode::AnotherTxn => json!("some-other-txn"),
            _ => txn.clone(),
        };
        body.to_string()
    };
    match (mode, path) {
        (Mode::Slow, _) => {
            std::thread::sleep(Duration::from_secs(4));
            ("200 OK", echo(json!({ "ok": true, "masked_mobile": "XXXXXX0000" })))
        }
        (Mode::Garbage, _) => ("200 OK", "<html>maintenance</html>".into()),
        (Mode::ServerError, _) => ("500 Internal Server Error", "{}".into()),
        (_, "/otp") => ("200 OK", echo(json!({ "ok": true, "masked_mobile": "XXXXXX4321" }))),
        (_, "/verify") if request["otp"] != STUB_OTP => ("200 OK", echo(json!({ "ok": false, "reason": "wrong_otp" }))),
        (Mode::BadDetails, "/verify") => (
            "200 OK",
            echo(json!({ "ok": true, "name": "Kavya Rao", "dob": "yesterday", "gender": "Q" })),
        ),
        (_, "/verify") => (
            "200 OK",
            echo(json!({ "ok": true, "name": "Kavya Rao", "dob": "1995-08-30", "gender": "F" })),
        ),
        _ => ("404 Not Found", "{}".into()),
    }
}

fn identity_state(server: &Server, http: &Http) -> String {
    let me = http.get(&server.url("/api/me")).json();
    me["identity"]["state"].as_str().unwrap().to_owned()
}

/// Each bad answer to an OTP request is a clear 502 or 504.
fn assert_bad_otp_answers_refused(stub: &Stub, http: &Http, otp_url: &str) {
    for (mode, status, needle) in [
        (Mode::Slow, 504, "did not answer within 2 seconds"),
        (Mode::Garbage, 502, "not the e-KYC protocol"),
        (Mode::ServerError, 502, "HTTP 500"),
        (Mode::AnotherUid, 502, "another person"),
        (Mode::AnotherTxn, 502, "another person or request"),
    ] {
        stub.set(mode);
        let resp = http.post_json(otp_url, &json!({}));
        assert_eq!(resp.status, status, "{mode:?}: {}", resp.text());
        assert!(resp.text().contains(needle), "{mode:?}: {}", resp.text());
    }
}

#[test]
fn the_locker_verifies_against_a_provider_written_from_the_protocol_text() {
    let stub = Stub::start();
    let server = Server::start(&["--kyc-url", &stub.base, "--kyc-timeout-seconds", "2"]);
    let number = aadhaar(51);
    let http = server.signup(&number, "9811114321", "Kavya");
    let otp_url = server.url("/api/identity/otp");
    let verify_url = server.url("/api/identity/verify");

    assert_bad_otp_answers_refused(&stub, &http, &otp_url);
    stub.set(Mode::Honest);
    let sent = http.post_json(&otp_url, &json!({})).json();
    assert_eq!(sent["masked_mobile"], "XXXXXX4321");
    let txn = sent["txn"].as_str().unwrap().to_owned();
    for (mode, status, needle) in [
        (Mode::AnotherUid, 502, "another person"),
        (Mode::BadDetails, 502, "no valid date of birth"),
        (Mode::Garbage, 502, "not the e-KYC protocol"),
        (Mode::Slow, 504, "did not answer"),
    ] {
        stub.set(mode);
        let resp = http.post_json(&verify_url, &json!({ "txn": txn, "otp": STUB_OTP }));
        assert_eq!(resp.status, status, "{mode:?}: {}", resp.text());
        assert!(resp.text().contains(needle), "{mode:?}: {}", resp.text());
        assert!(resp.text().contains("nothing was changed"), "{}", resp.text());
        assert_eq!(identity_state(&server, &http), "unverified", "{mode:?}");
    }
    stub.set(Mode::Honest);
    // The simulator's OTP means nothing to this provider.
    let wrong = http.post_json(&verify_url, &json!({ "txn": txn, "otp": "123456" }));
    assert_eq!(wrong.status, 400, "{}", wrong.text());
    let done = http.post_json(&verify_url, &json!({ "txn": txn, "otp": STUB_OTP }));
    assert_eq!(done.status, 200, "{}", done.text());
    let me = http.get(&server.url("/api/me")).json();
    assert_eq!(
        (me["name"].as_str(), me["dob"].as_str(), me["gender"].as_str()),
        (Some("Kavya Rao"), Some("1995-08-30"), Some("F"))
    );

    // What the provider was sent: the resident's number, the locker's txn
    // for both calls, and the OTP only to /verify.
    let seen = stub.seen.lock().unwrap();
    let last_otp = seen.iter().rev().find(|(p, _)| p == "/otp").unwrap();
    let last_verify = seen.iter().rev().find(|(p, _)| p == "/verify").unwrap();
    assert_eq!(last_otp.1, json!({ "uid": number, "txn": txn }));
    assert_eq!(last_verify.1, json!({ "uid": number, "txn": txn, "otp": STUB_OTP }));
    assert!(!server.logs().contains(STUB_OTP), "an OTP reached the log");
}

#[test]
fn a_provider_that_is_down_is_a_clear_error() {
    // A port that was free a moment ago: nothing listens there now.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = Server::start(&["--kyc-url", &format!("http://127.0.0.1:{port}")]);
    let http = server.signup(&aadhaar(52), "9811115555", "Kavya");
    let resp = http.post_json(&server.url("/api/identity/otp"), &json!({}));
    assert_eq!(resp.status, 502, "{}", resp.text());
    assert!(resp.text().contains("e-KYC provider is unavailable"), "{}", resp.text());
    assert_eq!(identity_state(&server, &http), "unverified");
}
