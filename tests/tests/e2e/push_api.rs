//! The Push CSV Request API: what it accepts, and each refusal.

use base64::Engine;

use crate::support::*;

fn csv_for(issuer: &Issuer, n: u64) -> String {
    row(&aadhaar(n), &issuer.id, "MSTN", &format!("D{n}"), "A")
}

#[test]
fn a_pushed_csv_is_queued_imported_and_echoes_the_request() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let ts = now_ts();
    let txn = new_txn();
    let resp = server.push_raw(&push_xml(
        &issuer.org_id,
        &issuer.api_key,
        &ts,
        &txn,
        csv_for(&issuer, 1).as_bytes(),
    ));
    assert_eq!(resp.status, 200);
    assert!(resp.header("content-type").unwrap().contains("xml"));
    let body = resp.text();
    assert!(body.contains("<PushCSVResponse"), "{body}");
    assert!(body.contains(&format!("ts=\"{ts}\"")) && body.contains(&format!("txn=\"{txn}\"")));
    assert!(body.contains(&format!("orgId=\"{}\"", issuer.org_id)) && body.contains("ver=\"1.0\""));
    let result = PushResult::parse(&body);
    assert_eq!(result.status, "1", "{body}");
    assert!(result.message.contains("marks.csv"));

    let summary = server.import_run();
    assert_eq!(
        summary,
        serde_json::json!({ "files": 1, "rows_imported": 1, "rows_rejected": 0 })
    );
    server.resident(&aadhaar(1), "9000000001");
    let issued = server
        .login_resident(&aadhaar(1))
        .get(&server.url("/api/issued"))
        .json();
    assert_eq!(issued[0]["uri"], "cbse.nic.in-MSTN-D1");
}

#[test]
fn the_reader_accepts_prefixes_namespaces_key_hash_spellings_and_padding() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let content = base64::engine::general_purpose::STANDARD.encode(csv_for(&issuer, 2));
    let variants = [
        // Prefixed elements in the tempuri namespace, KeyHash spelling.
        r#"<ns2:PushCSVRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="{ts}" txn="{txn}" orgId="{org}" KeyHash="{hash}"><ns2:DocDetails><ns2:DocContent>{content}</ns2:DocContent><ns2:FileName>a.csv</ns2:FileName></ns2:DocDetails></ns2:PushCSVRequest>"#,
        // A default namespace, keyHash spelling, values padded with spaces.
        r#"<PushCSVRequest xmlns="http://tempuri.org/" ver=" 1.0 " ts=" {ts} " txn=" {txn} " orgId=" {org} " keyHash=" {hash} "><DocDetails><DocContent>
        {content}
        </DocContent><FileName> a.csv </FileName></DocDetails></PushCSVRequest>"#,
        // The digitallocker schema namespace with another prefix.
        r#"<dl:PushCSVRequest xmlns:dl="http://tempuri.org/digilocker/schema" ver="1.0" ts="{ts}" txn="{txn}" orgId="{org}" keyhash="{hash}"><dl:DocDetails><dl:DocContent><![CDATA[{content}]]></dl:DocContent></dl:DocDetails></dl:PushCSVRequest>"#,
    ];
    for template in variants {
        let ts = now_ts();
        let xml = template
            .replace("{ts}", &ts)
            .replace("{txn}", &new_txn())
            .replace("{org}", &issuer.org_id)
            .replace("{hash}", &keyhash(&issuer.api_key, &ts))
            .replace("{content}", &content);
        let result = PushResult::parse(&server.push_raw(&xml).text());
        assert_eq!(result.status, "1", "variant refused: {}\n{xml}", result.raw);
    }
}

#[test]
fn unknown_org_wrong_key_stale_or_future_ts_and_replays_are_refused_with_status_0() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let csv = csv_for(&issuer, 3);
    let push = |org: &str, key: &str, ts: &str, txn: &str| {
        PushResult::parse(&server.push_raw(&push_xml(org, key, ts, txn, csv.as_bytes())).text())
    };
    push("ORGNOSUCH", &issuer.api_key, &now_ts(), &new_txn()).assert_refused("unknown orgId");
    push(&issuer.org_id, "not-the-key", &now_ts(), &new_txn()).assert_refused("keyhash does not match");
    let now = time::OffsetDateTime::now_utc();
    let stale = ts_at(now - time::Duration::minutes(31));
    push(&issuer.org_id, &issuer.api_key, &stale, &new_txn()).assert_refused("minutes away from the server clock");
    let future = ts_at(now + time::Duration::minutes(31));
    push(&issuer.org_id, &issuer.api_key, &future, &new_txn()).assert_refused("minutes away from the server clock");
    push(&issuer.org_id, &issuer.api_key, "yesterday", &new_txn()).assert_refused("ts yesterday is not");
    let within = ts_at(now - time::Duration::minutes(29));
    assert_eq!(push(&issuer.org_id, &issuer.api_key, &within, "same-txn").status, "1");
    push(&issuer.org_id, &issuer.api_key, &now_ts(), "same-txn").assert_refused("replay");
    // A refused request echoes what it was sent.
    let refused = push("ORGNOSUCH", "k", "2026-01-01T00:00:00+05:30", "t-echo");
    assert!(
        refused.raw.contains(r#"txn="t-echo""#) && refused.raw.contains(r#"orgId="ORGNOSUCH""#),
        "{}",
        refused.raw
    );
    // Only the one good push was queued.
    assert_eq!(server.import_run()["files"], 1);
}

#[test]
fn missing_attributes_bad_base64_and_content_that_is_not_csv_are_refused() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let ts = now_ts();
    let no_txn = format!(
        r#"<PushCSVRequest ver="1.0" ts="{ts}" orgId="{}" keyhash="{}"><DocDetails><DocContent>YQ==</DocContent></DocDetails></PushCSVRequest>"#,
        issuer.org_id,
        keyhash(&issuer.api_key, &ts)
    );
    PushResult::parse(&server.push_raw(&no_txn).text()).assert_refused("txn attribute is missing");

    let bad_base64 = push_xml(&issuer.org_id, &issuer.api_key, &ts, &new_txn(), b"x").replace(
        &base64::engine::general_purpose::STANDARD.encode(b"x"),
        "!!not*base64!!",
    );
    PushResult::parse(&server.push_raw(&bad_base64).text()).assert_refused("not valid base64");

    let pdf = b"%PDF-1.4\n\x00\xff\xfe binary content";
    let result = PushResult::parse(
        &server
            .push_raw(&push_xml(&issuer.org_id, &issuer.api_key, &now_ts(), &new_txn(), pdf))
            .text(),
    );
    result.assert_refused("not a CSV file");
    let prose = b"Dear sir, please find the marks attached.\n";
    let result = PushResult::parse(
        &server
            .push_raw(&push_xml(&issuer.org_id, &issuer.api_key, &now_ts(), &new_txn(), prose))
            .text(),
    );
    result.assert_refused("columns");
    let empty = PushResult::parse(
        &server
            .push_raw(&push_xml(&issuer.org_id, &issuer.api_key, &now_ts(), &new_txn(), b""))
            .text(),
    );
    empty.assert_refused("no rows");
    assert_eq!(server.import_run()["files"], 0);
}

/// A root start tag that passes the credential checks, so the rest of the
/// body is read (an unknown sender's body is read no further than its root
/// start tag, and refused with Status 0).
fn signed_root(issuer: &Issuer) -> String {
    let ts = now_ts();
    format!(
        r#"<PushCSVRequest ver="1.0" ts="{ts}" txn="{}" orgId="{}" keyhash="{}">"#,
        new_txn(),
        issuer.org_id,
        keyhash(&issuer.api_key, &ts)
    )
}

#[test]
fn a_body_that_is_not_well_formed_xml_gets_400_with_an_xml_error() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    for body in [
        "this is not xml".to_owned(),
        format!("{}<DocDetails></PushCSVRequest>", signed_root(&issuer)),
        signed_root(&issuer),
        format!("{}</PushCSVRequest><b/>", signed_root(&issuer)),
    ] {
        let resp = server.push_raw(&body);
        assert_eq!(resp.status, 400, "{body}: {}", resp.text());
        assert!(resp.header("content-type").unwrap().contains("xml"));
        assert!(
            resp.text()
                .contains("<Error><Code>invalid</Code><Message>the body is not well-formed XML"),
            "{}",
            resp.text()
        );
    }
}

#[test]
fn doctype_and_entity_declarations_are_refused_without_expansion() {
    let server = Server::start(&[]);
    let bomb = format!(
        r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">{}]><PushCSVRequest ver="1.0">&lol9;</PushCSVRequest>"#,
        (1..10)
            .map(|i| format!(
                r#"<!ENTITY lol{i} "{}">"#,
                format!("&lol{};", if i == 1 { String::new() } else { (i - 1).to_string() }).repeat(10)
            ))
            .collect::<String>()
    );
    let resp = server.push_raw(&bomb);
    assert_eq!(resp.status, 400);
    assert!(
        resp.text().contains("DOCTYPE and entity declarations are not accepted"),
        "{}",
        resp.text()
    );
    let external = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><PushCSVRequest>&xxe;</PushCSVRequest>"#;
    let resp = server.push_raw(external);
    assert_eq!(resp.status, 400);
    assert!(!resp.text().contains("root:"));
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let undeclared = format!("{}&undeclared;</PushCSVRequest>", signed_root(&issuer));
    assert_eq!(server.push_raw(&undeclared).status, 400);
}

#[test]
fn a_body_over_the_limit_gets_413_and_nothing_is_queued() {
    let server = Server::start(&["--max-push-bytes", "4096"]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let big: String = (0..200).map(|n| csv_for(&issuer, n)).collect();
    let resp = server.push_raw(&push_xml(
        &issuer.org_id,
        &issuer.api_key,
        &now_ts(),
        &new_txn(),
        big.as_bytes(),
    ));
    assert_eq!(resp.status, 413, "{}", resp.text());
    assert!(resp.text().contains("<Code>too_large</Code>"), "{}", resp.text());
    assert!(resp.text().contains("4096 bytes"));
    // Under the limit still works.
    let small = server.push(&issuer, &csv_for(&issuer, 1));
    assert_eq!(small.status, "1", "{}", small.raw);
    assert_eq!(server.import_run()["files"], 1);
    // The spool folder holds nothing once the requests are done.
    assert_eq!(std::fs::read_dir(server.data.join("incoming")).unwrap().count(), 0);
}

#[test]
fn a_chunked_body_is_cut_off_at_the_limit_while_streaming() {
    use std::io::{Read, Write};
    let server = Server::start(&["--max-push-bytes", "4096"]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let (mut stream, addr) = server.raw_connection();
    write!(
        stream,
        "POST /public/issuer/api/csvupload/1/xml HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .unwrap();
    let root = signed_root(&issuer) + "<DocDetails><DocContent>";
    write!(stream, "{:x}\r\n{root}\r\n", root.len()).unwrap();
    let chunk = "QUFB".repeat(250);
    // Keep sending until the server answers or closes; no Content-Length
    // tells it the size up front.
    for _ in 0..100 {
        if write!(stream, "{:x}\r\n{chunk}\r\n", chunk.len()).is_err() {
            break;
        }
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}
