//! The Push API and request bodies under attack (issue 15): credentials
//! checked before the body is read, stalled bodies cut, nesting and echo
//! bounded, and a crash between a push's txn and its task loses nothing.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::*;

const PUSH_PATH: &str = "/public/issuer/api/csvupload/1/xml";

/// Sends a request head and the first `body` bytes of a body of
/// `length`, then stops; returns what the server answered within `within`.
fn send_partly(server: &Server, path: &str, length: u64, body: &[u8], within: Duration) -> String {
    let addr = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    let content_type = if path.starts_with("/api/") {
        "application/json"
    } else {
        "application/xml"
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let (started, mut answer) = (Instant::now(), Vec::new());
    let mut buf = [0u8; 4096];
    while started.elapsed() < within {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

fn spooled_files(server: &Server) -> Vec<String> {
    std::fs::read_dir(server.data.join("incoming"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn root(org_id: &str, ts: &str, txn: &str, keyhash: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><PushCSVRequest ver="1.0" ts="{ts}" txn="{txn}" orgId="{org_id}" keyhash="{keyhash}"><DocDetails><DocContent>"#
    )
}

#[test]
fn push_credentials_are_checked_before_the_body_is_read() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let ts = now_ts();
    for (org_id, keyhash, refusal) in [
        ("no.such.org", keyhash(&issuer.api_key, &ts), "unknown orgId"),
        (issuer.org_id.as_str(), "0".repeat(64), "keyhash does not match"),
    ] {
        let head = root(org_id, &ts, &new_txn(), &keyhash);
        // 200 MB announced, a few bytes sent: the answer comes at once.
        let answer = send_partly(
            &server,
            PUSH_PATH,
            200_000_000,
            head.as_bytes(),
            Duration::from_secs(10),
        );
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(
            answer.contains("<ResponseStatus>0</ResponseStatus>") && answer.contains(refusal),
            "{answer}"
        );
        assert!(
            spooled_files(&server).is_empty(),
            "nothing is spooled for an unknown sender"
        );
    }
}

#[test]
fn a_stalled_body_is_cut_on_every_endpoint() {
    let server = Server::start_with_env(&[("OPENLOCKER_BODY_TIMEOUT_SECONDS", "2")], &[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let ts = now_ts();
    let head = root(&issuer.org_id, &ts, &new_txn(), &keyhash(&issuer.api_key, &ts));
    for (path, length, body) in [
        ("/api/login", 1000, br#"{"username":"#.as_slice()),
        (PUSH_PATH, 1_000_000, head.as_bytes()),
    ] {
        let started = Instant::now();
        let answer = send_partly(&server, path, length, body, Duration::from_secs(15));
        assert!(answer.starts_with("HTTP/1.1 400"), "{path}: {answer:?}");
        assert!(answer.contains("sent nothing for 2 s"), "{path}: {answer}");
        assert!(started.elapsed() < Duration::from_secs(10), "{path} was cut late");
    }
    wait_for(Duration::from_secs(5), "the spool removed", || {
        spooled_files(&server).is_empty().then_some(())
    });
}

#[test]
fn deep_nesting_and_long_values_in_a_push_are_refused_and_never_echoed_whole() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let ts = now_ts();
    let mut nested = root(&issuer.org_id, &ts, &new_txn(), &keyhash(&issuer.api_key, &ts));
    nested = nested.replace("<DocContent>", &"<a>".repeat(10_000));
    let resp = server.push_raw(&nested);
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(resp.text().contains("nested deeper than 32"), "{}", resp.text());

    // A 10 KB orgId is refused with a short answer.
    let long = "o".repeat(10_000);
    let resp = server.push_raw(&push_xml(&long, &issuer.api_key, &ts, &new_txn(), b"x"));
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert!(resp.body.len() < 1024, "an answer of {} bytes", resp.body.len());
    assert!(resp.text().contains("unknown orgId"), "{}", resp.text());
    // A root tag of 1 MB is refused before it is read further.
    let huge = "o".repeat(1_000_000);
    let resp = server.push_raw(&push_xml(&huge, &issuer.api_key, &ts, &new_txn(), b"x"));
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(resp.body.len() < 1024, "an answer of {} bytes", resp.body.len());
}

#[test]
fn a_crash_between_a_pushs_txn_and_its_task_lets_the_retry_in() {
    let mut server = Server::start_with_env(&[("OPENLOCKER_FAULT", "push-before-task")], &[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let csv = row(&aadhaar(1), &issuer.id, "MSTN", "D1", "A");
    let body = push_xml(&issuer.org_id, &issuer.api_key, &now_ts(), &new_txn(), csv.as_bytes());
    let answer = send_partly(
        &server,
        PUSH_PATH,
        body.len() as u64,
        body.as_bytes(),
        Duration::from_secs(10),
    );
    assert!(!answer.contains("ResponseStatus"), "the server was to crash: {answer}");
    server.crash_and_restart(&[]);
    let retry = PushResult::parse(&server.push_raw(&body).text());
    assert_eq!(retry.status, "1", "the retry is accepted: {}", retry.message);
    retry.task_id();
    let replay = PushResult::parse(&server.push_raw(&body).text());
    replay.assert_refused("replay");
}

/// A GET on a new connection; the status line of its answer.
fn status_on_new_connection(server: &Server, path: &str) -> String {
    let answer = {
        let addr = server.base.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    };
    answer.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn connections_past_the_cap_per_address_are_refused() {
    let server = Server::start_with_env(&[("OPENLOCKER_MAX_CONNECTIONS_PER_ADDRESS", "3")], &[]);
    let addr = server.base.trim_start_matches("http://").to_owned();
    let held: Vec<TcpStream> = (0..3).map(|_| TcpStream::connect(&addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(300));
    assert!(status_on_new_connection(&server, "/healthz").starts_with("HTTP/1.1 503"));
    drop(held);
    wait_for(Duration::from_secs(5), "a place freed by closed connections", || {
        status_on_new_connection(&server, "/healthz")
            .starts_with("HTTP/1.1 200")
            .then_some(())
    });
}
