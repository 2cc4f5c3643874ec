//! The dedicated repository: minting URIs for stored documents, client
//! credentials, and the Pull Doc API with each of its refusals.

use base64::Engine;

use crate::support::*;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A repository with one client, one doc type (RollNo, Year) and one document.
struct Repo {
    server: Server,
    org_id: String,
    api_key: String,
    uri: String,
    _dir: tempfile::TempDir,
}

fn repo() -> Repo {
    let server = Server::start(&[]);
    server
        .cli(&["issuer", "add", "--id", "cbse.nic.in", "--name", "CBSE"])
        .json();
    server
        .cli(&[
            "issuer",
            "doctype",
            "add",
            "--issuer",
            "cbse.nic.in",
            "--code",
            "HSCER",
            "--name",
            "Class XII",
            "--udf",
            "RollNo",
            "--udf",
            "Year",
        ])
        .json();
    let client = server.cli(&["repo", "client", "add", "--name", "Test locker"]).json();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("marks.pdf");
    std::fs::write(&file, PDF).unwrap();
    let owner = aadhaar(1);
    let uri = server
        .cli(&[
            "repo",
            "doc",
            "add",
            "--issuer",
            "cbse.nic.in",
            "--doctype",
            "hscer",
            "--file",
            file.to_str().unwrap(),
            "--owner",
            &owner,
            "--udf",
            "rollno=1234567",
            "--udf",
            "Year=2024",
            "--doc-name",
            "Marksheet 2024",
        ])
        .json()["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    Repo {
        server,
        org_id: client["org_id"].as_str().unwrap().to_owned(),
        api_key: client["api_key"].as_str().unwrap().to_owned(),
        uri,
        _dir: dir,
    }
}

pub fn pull_doc_xml(org_id: &str, key: &str, ts: &str, txn: &str, uri: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<PullDocRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="{ts}" txn="{txn}" orgId="{org_id}" keyhash="{}">
  <DocDetails><URI>{uri}</URI></DocDetails>
</PullDocRequest>"#,
        keyhash(key, ts)
    )
}

impl Repo {
    fn pull(&self, body: &str, hmac: Option<&str>) -> Resp {
        let http = Http::new();
        let url = self.server.url("/repository/api/pulldoc/1/xml");
        match hmac {
            None => http.post(&url, "application/xml", body.as_bytes()),
            Some(h) => http.post_with_header(&url, "application/xml", body.as_bytes(), ("x-digilocker-hmac", h)),
        }
    }

    fn pull_uri(&self, uri: &str) -> Resp {
        self.pull(
            &pull_doc_xml(&self.org_id, &self.api_key, &now_ts(), &new_txn(), uri),
            None,
        )
    }
}

fn status(xml: &str) -> String {
    let at = xml.find("Status=\"").unwrap_or_else(|| panic!("no Status in {xml}")) + 8;
    xml[at..at + 1].to_owned()
}

fn assert_refused(resp: &Resp, needle: &str) {
    let xml = resp.text();
    assert_eq!(resp.status, 200, "{xml}");
    assert_eq!(status(&xml), "0", "{xml}");
    assert!(
        element(&xml, "ResponseMessage").contains(needle),
        "{xml} should mention {needle}"
    );
    assert!(!xml.contains("<DocContent>"));
}

#[test]
fn a_pull_doc_txn_is_still_a_replay_after_the_server_crashes() {
    let mut repo = repo();
    let pull = |repo: &Repo| {
        repo.pull(
            &pull_doc_xml(&repo.org_id, &repo.api_key, &now_ts(), "kept-txn", &repo.uri),
            None,
        )
    };
    assert_eq!(status(&pull(&repo).text()), "1");
    assert_refused(&pull(&repo), "replay");
    // Pull txns are checked in memory and written to SQLite within a second.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    repo.server.crash_and_restart(&[]);
    assert_refused(&pull(&repo), "replay");
    let fresh = repo.pull(
        &pull_doc_xml(&repo.org_id, &repo.api_key, &now_ts(), &new_txn(), &repo.uri),
        None,
    );
    assert_eq!(status(&fresh.text()), "1", "the restarted server answers");
}

#[test]
fn stored_documents_get_minted_uris_and_are_kept_by_content_hash() {
    let repo = repo();
    let (prefix, doc_id) = repo.uri.rsplit_once('-').unwrap();
    assert_eq!(prefix, "cbse.nic.in-HSCER");
    assert_eq!(doc_id.len(), 6, "{}", repo.uri);
    assert!(
        doc_id.chars().all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)),
        "{doc_id}"
    );
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF));
    // Stored sealed, named by the content's hash.
    let stored = std::fs::read(repo.server.data.join("repo").join(&hash[..2]).join(&hash)).unwrap();
    assert!(stored.starts_with(b"OLS2") && !stored.windows(PDF.len()).any(|w| w == PDF));
    // Many more documents: every URI differs.
    let dir = tempfile::tempdir().unwrap();
    let mut uris = std::collections::HashSet::from([repo.uri.clone()]);
    for n in 0..20 {
        let file = dir.path().join(format!("{n}.xml"));
        std::fs::write(&file, format!("<Certificate><No>{n}</No></Certificate>")).unwrap();
        let out = repo.server.cli(&[
            "repo",
            "doc",
            "add",
            "--issuer",
            "CBSE.NIC.IN",
            "--doctype",
            "HSCER",
            "--file",
            file.to_str().unwrap(),
            "--owner",
            &aadhaar(n),
            "--owner",
            &aadhaar(n + 100),
        ]);
        assert!(uris.insert(out.json()["uri"].as_str().unwrap().to_owned()));
    }
}

#[test]
fn bad_documents_owners_and_search_fields_are_refused_with_exit_2() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("note.txt");
    std::fs::write(&text, "just text").unwrap();
    let pdf = dir.path().join("ok.pdf");
    std::fs::write(&pdf, PDF).unwrap();
    let (text, pdf) = (text.to_str().unwrap(), pdf.to_str().unwrap());
    let a = aadhaar(2);
    let cases: &[(&[&str], &str)] = &[
        (
            &["--doctype", "HSCER", "--file", text, "--owner", &a],
            "neither a PDF nor well-formed XML",
        ),
        (
            &["--doctype", "HSCER", "--file", pdf, "--owner", "234123412345"],
            "check digit",
        ),
        (&["--doctype", "NOPE", "--file", pdf, "--owner", &a], "no doc type NOPE"),
        (
            &[
                "--doctype",
                "HSCER",
                "--file",
                pdf,
                "--owner",
                &a,
                "--udf",
                "Colour=red",
            ],
            "not a search field",
        ),
        (
            &["--doctype", "HSCER", "--file", pdf, "--owner", &a, "--udf", "RollNo"],
            "FIELD=VALUE",
        ),
        (
            &[
                "--doctype",
                "HSCER",
                "--file",
                pdf,
                "--owner",
                &a,
                "--valid-from",
                "2024-02-30",
            ],
            "real YYYY-MM-DD",
        ),
        (
            &["--doctype", "HSCER", "--file", "/no/such/file.pdf", "--owner", &a],
            "cannot read",
        ),
    ];
    for (args, reason) in cases {
        let mut all = vec!["repo", "doc", "add", "--issuer", "cbse.nic.in"];
        all.extend_from_slice(args);
        let out = repo.server.cli(&all);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(reason), "{args:?}: {}", out.stderr);
    }
    assert_eq!(
        repo.server
            .cli(&[
                "repo",
                "doc",
                "add",
                "--issuer",
                "cbse.nic.in",
                "--doctype",
                "HSCER",
                "--file",
                pdf
            ])
            .code,
        2,
        "an owner is required"
    );
}

#[test]
fn pull_doc_returns_the_stored_bytes_and_echoes_the_request() {
    let repo = repo();
    let ts = now_ts();
    let resp = repo.pull(
        &pull_doc_xml(&repo.org_id, &repo.api_key, &ts, "pd-1", &repo.uri.to_lowercase()),
        None,
    );
    let xml = resp.text();
    assert_eq!(resp.status, 200);
    assert!(xml.contains("<PullDocResponse"), "{xml}");
    assert!(
        xml.contains(&format!(
            r#"<ResponseStatus Status="1" ts="{ts}" txn="pd-1">1</ResponseStatus>"#
        )),
        "{xml}"
    );
    let content = base64::engine::general_purpose::STANDARD
        .decode(element(&xml, "DocContent"))
        .unwrap();
    assert_eq!(content, PDF);
}

#[test]
fn pull_doc_accepts_prefixed_forms_and_both_hmac_header_variants() {
    use hmac::Mac;
    let repo = repo();
    let ts = now_ts();
    let prefixed = format!(
        r#"<ns2:PullDocRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="{ts}" txn="{}" orgId="{}" keyHash="{}"><ns2:DocDetails><ns2:URI> {} </ns2:URI></ns2:DocDetails></ns2:PullDocRequest>"#,
        new_txn(),
        repo.org_id,
        keyhash(&repo.api_key, &ts),
        repo.uri
    );
    assert_eq!(status(&repo.pull(&prefixed, None).text()), "1");
    let b64 = base64::engine::general_purpose::STANDARD;
    for hex_variant in [false, true] {
        let body = pull_doc_xml(&repo.org_id, &repo.api_key, &now_ts(), &new_txn(), &repo.uri);
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(repo.api_key.as_bytes()).unwrap();
        mac.update(body.as_bytes());
        let digest = mac.finalize().into_bytes();
        let header = if hex_variant {
            b64.encode(hex::encode(digest))
        } else {
            b64.encode(digest)
        };
        assert_eq!(
            status(&repo.pull(&body, Some(&header)).text()),
            "1",
            "hex variant: {hex_variant}"
        );
        let tampered = body.replace("</URI>", " </URI>");
        assert_refused(&repo.pull(&tampered, Some(&header)), "x-digilocker-hmac does not match");
    }
}

#[test]
fn pull_doc_refuses_wrong_credentials_stale_ts_replays_and_unknown_uris() {
    let repo = repo();
    assert_refused(
        &repo.pull(
            &pull_doc_xml("RCNOSUCH", &repo.api_key, &now_ts(), &new_txn(), &repo.uri),
            None,
        ),
        "unknown orgId",
    );
    assert_refused(
        &repo.pull(
            &pull_doc_xml(&repo.org_id, "wrong-key", &now_ts(), &new_txn(), &repo.uri),
            None,
        ),
        "keyhash does not match",
    );
    let stale = ts_at(time::OffsetDateTime::now_utc() - time::Duration::minutes(45));
    assert_refused(
        &repo.pull(
            &pull_doc_xml(&repo.org_id, &repo.api_key, &stale, &new_txn(), &repo.uri),
            None,
        ),
        "minutes away",
    );
    let first = repo.pull(
        &pull_doc_xml(&repo.org_id, &repo.api_key, &now_ts(), "same", &repo.uri),
        None,
    );
    assert_eq!(status(&first.text()), "1");
    assert_refused(
        &repo.pull(
            &pull_doc_xml(&repo.org_id, &repo.api_key, &now_ts(), "same", &repo.uri),
            None,
        ),
        "replay",
    );
    assert_refused(&repo.pull_uri("cbse.nic.in-HSCER-ZZZZZZ"), "no document has the URI");
    let no_txn = pull_doc_xml(&repo.org_id, &repo.api_key, &now_ts(), "", &repo.uri);
    assert_refused(&repo.pull(&no_txn, None), "txn attribute is missing");

    // A disabled client is refused until enabled; a rotated key replaces the old one.
    repo.server
        .cli(&["repo", "client", "disable", "--org-id", &repo.org_id])
        .json();
    assert_refused(&repo.pull_uri(&repo.uri), "disabled");
    repo.server
        .cli(&["repo", "client", "enable", "--org-id", &repo.org_id])
        .json();
    assert_eq!(status(&repo.pull_uri(&repo.uri).text()), "1");
    let rotated = repo
        .server
        .cli(&["repo", "client", "rotate", "--org-id", &repo.org_id])
        .json();
    assert_refused(&repo.pull_uri(&repo.uri), "keyhash does not match");
    let new_key = rotated["api_key"].as_str().unwrap();
    let resp = repo.pull(
        &pull_doc_xml(&repo.org_id, new_key, &now_ts(), &new_txn(), &repo.uri),
        None,
    );
    assert_eq!(status(&resp.text()), "1");
    assert_eq!(
        repo.server
            .cli(&["repo", "client", "disable", "--org-id", "RCNOSUCH"])
            .code,
        2
    );
}

#[test]
fn pull_doc_bodies_that_are_not_acceptable_xml_get_a_4xx_with_an_xml_error() {
    let repo = repo();
    for body in [
        "not xml",
        "<PullDocRequest>",
        "<!DOCTYPE x [<!ENTITY a \"b\">]><PullDocRequest>&a;</PullDocRequest>",
    ] {
        let resp = repo.pull(body, None);
        assert_eq!(resp.status, 400, "{body}");
        assert!(resp.text().contains("<Error><Code>invalid</Code>"), "{}", resp.text());
    }
    let huge = format!("<PullDocRequest>{}</PullDocRequest>", "x".repeat(100_000));
    let resp = repo.pull(&huge, None);
    assert_eq!(resp.status, 413);
    assert!(resp.text().contains("<Code>too_large</Code>"));
}

fn pull_uri_xml(repo: &Repo, ver: &str, format: Option<&str>, details: &str) -> String {
    let ts = now_ts();
    format!(
        r#"<PullURIRequest xmlns="http://tempuri.org/" ver="{ver}" ts="{ts}" txn="{}" orgId="{}" keyhash="{}"{}><DocDetails>{details}</DocDetails></PullURIRequest>"#,
        new_txn(),
        repo.org_id,
        keyhash(&repo.api_key, &ts),
        format.map(|f| format!(r#" format="{f}""#)).unwrap_or_default()
    )
}

/// The `x-digilocker-hmac` of `body` under `key` (v1.13 §8.1.1).
pub fn raw_hmac(key: &str, body: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

impl Repo {
    /// A Pull URI search; requests of ver 2.0 and later carry the HMAC.
    fn search(&self, ver: &str, format: Option<&str>, details: &str) -> String {
        let body = pull_uri_xml(self, ver, format, details);
        let url = self.server.url("/repository/api/pulluri/1/xml");
        let http = Http::new();
        let resp = if ver == "1.0" {
            http.post(&url, "application/xml", body.as_bytes())
        } else {
            let hmac = raw_hmac(&self.api_key, &body);
            http.post_with_header(&url, "application/xml", body.as_bytes(), ("x-digilocker-hmac", &hmac))
        };
        assert_eq!(resp.status, 200, "{}", resp.text());
        resp.text()
    }
}

#[test]
fn pull_uri_finds_the_document_by_named_or_numbered_search_fields() {
    let repo = repo();
    let b64 = base64::engine::general_purpose::STANDARD;
    // The original form: fields by name; no format is both (DataContent is
    // mandatory since v1.12).
    let xml = repo.search("1.0", None, "<RollNo>1234567</RollNo><Year>2024</Year>");
    assert_eq!(status(&xml), "1", "{xml}");
    assert_eq!(element(&xml, "URI"), repo.uri);
    assert_eq!(b64.decode(element(&xml, "DocContent")).unwrap(), PDF);
    assert!(xml.contains("<DataContent>"), "{xml}");
    // The current form: UDF1..n by the doc type's order, UID as the raw number
    // and as its MD5, format="both" with DataContent.
    let md5 = hex::encode(<md5::Md5 as md5::Digest>::digest(aadhaar(1).as_bytes()));
    for uid in [aadhaar(1), md5] {
        let details = format!(
            "<DocType>HSCER</DocType><DigiLockerId>1234-5678</DigiLockerId><UID>{uid}</UID><UDF1>1234567</UDF1><UDF2>2024</UDF2>"
        );
        let xml = repo.search("3.0", Some("both"), &details);
        assert_eq!(status(&xml), "1", "{xml}");
        let data = String::from_utf8(b64.decode(element(&xml, "DataContent")).unwrap()).unwrap();
        assert!(data.contains(&repo.uri) && data.contains("Marksheet 2024"), "{data}");
        assert_eq!(b64.decode(element(&xml, "DocContent")).unwrap(), PDF);
    }
    let xml = repo.search(
        "3.0",
        Some("xml"),
        "<DocType>HSCER</DocType><UDF1>1234567</UDF1><UDF2>2024</UDF2>",
    );
    assert!(xml.contains("<DataContent>") && !xml.contains("<DocContent>"), "{xml}");
    // v1.13: no format is xml; IssuedTo always; the HMAC is required.
    let by_udf = "<DocType>HSCER</DocType><UDF1>1234567</UDF1><UDF2>2024</UDF2>";
    let xml = repo.search("3.0", None, by_udf);
    assert!(xml.contains("<DataContent>") && !xml.contains("<DocContent>"), "{xml}");
    assert!(xml.contains("<IssuedTo><Persons><Person"), "{xml}");
    let unsigned = Http::new().post(
        &repo.server.url("/repository/api/pulluri/1/xml"),
        "application/xml",
        pull_uri_xml(&repo, "3.0", None, by_udf).as_bytes(),
    );
    assert!(
        unsigned.text().contains("x-digilocker-hmac header is required"),
        "{}",
        unsigned.text()
    );
    assert_eq!(status(&unsigned.text()), "0");
}

#[test]
fn pull_uri_refuses_no_match_several_matches_and_someone_elses_uid() {
    let repo = repo();
    assert!(
        element(&repo.search("1.0", None, "<RollNo>999</RollNo>"), "ResponseMessage").contains("no document matches")
    );
    let other = aadhaar(9);
    let refused = repo.search(
        "3.0",
        None,
        &format!("<DocType>HSCER</DocType><UID>{other}</UID><UDF1>1234567</UDF1><UDF2>2024</UDF2>"),
    );
    assert_eq!(status(&refused), "0");
    assert!(element(&refused, "ResponseMessage").contains("does not belong to the UID"));
    assert!(element(&repo.search("3.0", None, "<UDF1>1</UDF1>"), "ResponseMessage").contains("needs DocType"));
    assert!(element(&repo.search("1.0", None, ""), "ResponseMessage").contains("no search fields"));
    // A second document with the same roll number (another year): the search is ambiguous.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.pdf");
    std::fs::write(&file, PDF).unwrap();
    repo.server
        .cli(&[
            "repo",
            "doc",
            "add",
            "--issuer",
            "cbse.nic.in",
            "--doctype",
            "HSCER",
            "--file",
            file.to_str().unwrap(),
            "--owner",
            &aadhaar(3),
            "--udf",
            "RollNo=1234567",
            "--udf",
            "Year=2023",
        ])
        .json();
    assert!(
        element(&repo.search("1.0", None, "<RollNo>1234567</RollNo>"), "ResponseMessage").contains("more than one")
    );
    assert_eq!(
        status(&repo.search("1.0", None, "<RollNo>1234567</RollNo><Year>2023</Year>")),
        "1"
    );
}

#[test]
fn a_verify_by_hand_doc_type_answers_pending_until_approved_and_is_pushed_only_then() {
    let repo = repo();
    repo.server
        .cli(&[
            "issuer",
            "doctype",
            "add",
            "--issuer",
            "cbse.nic.in",
            "--code",
            "CASTE",
            "--name",
            "Caste certificate",
            "--udf",
            "CertNo",
            "--verify-by-hand",
        ])
        .json();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.xml");
    std::fs::write(&file, "<Certificate><No>C-1</No></Certificate>").unwrap();
    let uri = repo
        .server
        .cli(&[
            "repo",
            "doc",
            "add",
            "--issuer",
            "cbse.nic.in",
            "--doctype",
            "CASTE",
            "--file",
            file.to_str().unwrap(),
            "--owner",
            &aadhaar(4),
            "--udf",
            "CertNo=C-1",
            "--owner-name",
            "Ravi  Kumar",
            "--owner-dob",
            "1990-04-01",
            "--owner-gender",
            "M",
        ])
        .json()["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let pending = repo.search("3.0", None, "<DocType>CASTE</DocType><UDF1>C-1</UDF1>");
    assert_eq!(status(&pending), "9", "{pending}");
    assert!(!pending.contains("<DocContent>"));
    // Not pushed while pending (the locker is not even asked).
    let creds = |server: &Server| {
        server.cli(&[
            "repo",
            "push",
            "--issuer",
            "cbse.nic.in",
            "--locker",
            "http://127.0.0.1:9",
            "--org-id",
            "x",
            "--api-key",
            "y",
        ])
    };
    assert_eq!(
        creds(&repo.server).code,
        1,
        "the approved HSCER document is still to push"
    );
    repo.server.cli(&["repo", "approve", "--uri", &uri]).json();
    let xml = repo.search(
        "3.0",
        None,
        "<DocType>CASTE</DocType><UDF1>C-1</UDF1><FullName>ravi kumar</FullName><DOB>01-04-1990</DOB>",
    );
    assert_eq!(status(&xml), "1", "{xml}");
    assert!(
        xml.contains(r#"<Person name="Ravi  Kumar" dob="01-04-1990" gender="Male"/>"#),
        "{xml}"
    );
    let wrong_name = repo.search(
        "3.0",
        None,
        "<DocType>CASTE</DocType><UDF1>C-1</UDF1><FullName>Someone Else</FullName>",
    );
    assert!(element(&wrong_name, "ResponseMessage").contains("name sent does not match"));
    assert_eq!(
        repo.server
            .cli(&["repo", "approve", "--uri", "cbse.nic.in-CASTE-NOSUCH"])
            .code,
        2
    );
}

#[test]
fn a_manifest_stores_the_good_rows_and_reports_every_row() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/a.pdf"), PDF).unwrap();
    std::fs::write(dir.path().join("docs/b.xml"), "<Certificate><No>7</No></Certificate>").unwrap();
    std::fs::write(dir.path().join("docs/c.txt"), "not a document").unwrap();
    let manifest = dir.path().join("batch.csv");
    std::fs::write(
        &manifest,
        format!(
            "file,doc_type,owners,doc_name,udfs,issued_on\n\
             docs/a.pdf,HSCER,{a};{b},Marks A,RollNo=1;Year=2020,2020-05-01\n\
             docs/b.xml,hscer,{a},,RollNo=2,\n\
             docs/c.txt,HSCER,{a},,,\n\
             docs/missing.pdf,HSCER,{a},,,\n\
             docs/a.pdf,HSCER,234123412345,,,\n\
             docs/a.pdf,NOPE,{a},,,\n",
            a = aadhaar(20),
            b = aadhaar(21)
        ),
    )
    .unwrap();
    let out = repo
        .server
        .cli(&[
            "repo",
            "doc",
            "import",
            "--issuer",
            "cbse.nic.in",
            "--manifest",
            manifest.to_str().unwrap(),
        ])
        .json();
    assert_eq!(
        (out["rows"].as_u64(), out["stored"].as_u64(), out["refused"].as_u64()),
        (Some(6), Some(2), Some(4)),
        "{out}"
    );
    let report = std::fs::read_to_string(dir.path().join("batch.report.csv")).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "line,status,uri,reason");
    assert!(lines[1].starts_with("2,stored,cbse.nic.in-HSCER-"), "{report}");
    assert!(lines[2].starts_with("3,stored,cbse.nic.in-HSCER-"), "{report}");
    assert!(
        lines[3].starts_with("4,refused,,") && lines[3].contains("neither a PDF nor well-formed XML"),
        "{report}"
    );
    assert!(lines[4].contains("cannot read"), "{report}");
    assert!(lines[5].contains("check digit"), "{report}");
    assert!(lines[6].contains("no doc type NOPE"), "{report}");
    // The stored rows answer Pull URI.
    assert_eq!(
        status(&repo.search("1.0", None, "<RollNo>1</RollNo><Year>2020</Year>")),
        "1"
    );
    let bad = repo.server.cli(&[
        "repo",
        "doc",
        "import",
        "--issuer",
        "cbse.nic.in",
        "--manifest",
        "/no/such.csv",
    ]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}
