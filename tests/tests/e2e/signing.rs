//! Signed e-documents against independent tools: Debian's `xmlsec1`
//! verifies what the repository signs (and refuses a tampered copy), keys
//! made by `openssl` are imported from PKCS#12 (default and `-legacy`), a
//! document signed RSA-SHA1 by `xmlsec1 --sign` verifies, the locker marks
//! each fetched document, and `POST /api/verify` answers every bad input
//! with a reason or a 4xx.

use std::path::Path;
use std::process::Command;

use base64::Engine;

use crate::live_pull::{PDF, pair};
use crate::repository::pull_doc_xml;
use crate::support::*;

/// A repository with one signed document, and its client credentials.
struct Repository {
    server: Server,
    org_id: String,
    api_key: String,
    dir: tempfile::TempDir,
}

fn repository() -> Repository {
    let server = Server::start(&[]);
    server.add_cbse(&[]);
    server.add_cbse_doc_type("MSTN", "Marks", &[]);
    let (org_id, api_key) = server.add_repo_client("locker");
    Repository {
        org_id,
        api_key,
        server,
        dir: tempfile::tempdir().unwrap(),
    }
}

impl Repository {
    fn add_doc(&self) -> String {
        let file = self.dir.path().join("m.pdf");
        std::fs::write(&file, PDF).unwrap();
        self.server
            .add_repo_doc("MSTN", &file, &aadhaar(1), &["--owner-name", "Asha Rao"])
    }

    /// The signed certificate XML of `uri`, as Pull Doc serves it.
    fn signed_xml(&self, uri: &str) -> String {
        let body = pull_doc_xml(&self.org_id, &self.api_key, &now_ts(), &new_txn(), uri);
        let resp = Http::new().post(
            &self.server.url("/repository/api/pulldoc/1/xml"),
            "application/xml",
            body.as_bytes(),
        );
        let data = element(&resp.text(), "DataContent");
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(data).unwrap()).unwrap()
    }

    fn certificate_pem(&self) -> String {
        let shown = self.server.cli(&["repo", "key", "show"]).json();
        shown["certificate_pem"].as_str().unwrap().to_owned()
    }
}

fn write(dir: &Path, name: &str, content: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.to_str().unwrap().to_owned()
}

fn run(program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn xmlsec1_verifies(dir: &Path, cert_pem: &str, xml: &str) -> bool {
    let cert = write(dir, "cert.pem", cert_pem.as_bytes());
    let file = write(dir, "doc.xml", xml.as_bytes());
    run("xmlsec1", &["--verify", "--pubkey-cert-pem", &cert, &file]).0
}

/// A locker (a second server) that trusts `cert_pem` for cbse.nic.in.
fn locker_trusting(cert_pem: Option<&str>) -> Server {
    let locker = Server::start(&[]);
    locker.add_cbse(&[]);
    if let Some(pem) = cert_pem {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "trusted.pem", pem.as_bytes());
        locker
            .cli(&["issuer", "cert", "add", "--issuer", "cbse.nic.in", "--file", &file])
            .json();
    }
    locker
}

fn verify(locker: &Server, xml: &str) -> Resp {
    Http::new().post(&locker.url("/api/verify"), "application/xml", xml.as_bytes())
}

fn verify_with_pdf(locker: &Server, xml: &str, pdf: &[u8]) -> Resp {
    let boundary = "olboundary7d1";
    let mut body = Vec::new();
    for (name, content, kind) in [
        ("xml", xml.as_bytes(), "application/xml"),
        ("pdf", pdf, "application/pdf"),
    ] {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\nContent-Type: {kind}\r\n\r\n").as_bytes());
        body.extend(content);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    let kind = format!("multipart/form-data; boundary={boundary}");
    Http::new().post(&locker.url("/api/verify"), &kind, &body)
}

/// A locker that trusts the certificate verifies the document and its PDF,
/// refuses the tampered copy, and one that trusts nothing says so.
fn assert_locker_verdicts(pem: &str, xml: &str, tampered: &str, uri: &str) {
    let trusting = locker_trusting(Some(pem));
    let verdict = verify(&trusting, xml).json();
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["issuer_id"], "cbse.nic.in");
    assert_eq!(verdict["uri"], uri);
    assert!(verdict["signed_at"].as_i64().is_some() && verdict["signed_by"].as_str().is_some());
    assert_eq!(verify_with_pdf(&trusting, xml, PDF).json()["pdf_matches"], true);
    let wrong_pdf = verify_with_pdf(&trusting, xml, b"%PDF-1.7 another").json();
    assert_eq!(wrong_pdf["pdf_matches"], false, "{wrong_pdf}");
    let verdict = verify(&trusting, tampered).json();
    assert_eq!(verdict["valid"], false);
    assert!(
        verdict["reason"].as_str().unwrap().contains("does not verify"),
        "{verdict}"
    );
    assert_eq!(verdict["uri"], serde_json::Value::Null, "nothing unverified is shown");
    let stranger = verify(&locker_trusting(None), xml).json();
    assert!(
        stranger["reason"]
            .as_str()
            .unwrap()
            .contains("no certificate is trusted"),
        "{stranger}"
    );
}

#[test]
fn xmlsec1_verifies_what_the_repository_signs_and_refuses_a_tampered_copy() {
    let repo = repository();
    let shown = repo.server.cli(&["repo", "key", "show"]).json();
    let fingerprint = shown["fingerprint_sha256"].as_str().unwrap();
    assert!(
        fingerprint.len() == 64
            && fingerprint
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert!(shown["not_after"].as_i64().unwrap() > time::OffsetDateTime::now_utc().unix_timestamp());
    let uri = repo.add_doc();
    let xml = repo.signed_xml(&uri);
    for needle in [
        "rsa-sha256",
        "xml-exc-c14n#",
        "enveloped-signature",
        "<ds:X509Certificate>",
        "signedAt=",
        "pdfSha256=",
    ] {
        assert!(xml.contains(needle), "{needle} missing from {xml}");
    }
    assert!(!xml.contains(&aadhaar(1)), "no Aadhaar number in the signed XML");
    let pem = repo.certificate_pem();
    assert!(xmlsec1_verifies(repo.dir.path(), &pem, &xml), "xmlsec1 refused {xml}");
    let tampered = xml.replace("Asha Rao", "Usha Rao");
    assert_ne!(tampered, xml);
    assert!(!xmlsec1_verifies(repo.dir.path(), &pem, &tampered));

    assert_locker_verdicts(&pem, &xml, &tampered, &uri);
}

/// A key and self-signed certificate made by openssl, as PKCS#12.
fn openssl_pkcs12(dir: &Path, legacy: bool) -> (String, String) {
    let key = dir.join("k.pem").to_str().unwrap().to_owned();
    let cert = dir.join("c.pem").to_str().unwrap().to_owned();
    let req = [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &cert, "-days", "30",
    ];
    let (ok, out) = run(
        "openssl",
        &[&req[..], &["-subj", "/CN=Board of Examinations/O=Dept"]].concat(),
    );
    assert!(ok, "{out}");
    let password = write(dir, "pw", b"correct horse\n");
    let p12 = dir.join("d.p12").to_str().unwrap().to_owned();
    let pass = format!("file:{password}");
    let mut export = vec![
        "pkcs12", "-export", "-inkey", &key, "-in", &cert, "-out", &p12, "-passout", &pass,
    ];
    if legacy {
        export.push("-legacy");
    }
    let (ok, out) = run("openssl", &export);
    assert!(ok, "{out}");
    (p12, password)
}

/// The SHA-256 fingerprint of a PEM certificate, as openssl gives it, in
/// lowercase hex without colons.
fn openssl_fingerprint(cert: &Path) -> String {
    let cert = cert.to_str().unwrap();
    let (_, out) = run("openssl", &["x509", "-in", cert, "-noout", "-fingerprint", "-sha256"]);
    out.split('=').nth(1).unwrap().trim().replace(':', "").to_lowercase()
}

#[test]
fn a_key_from_openssl_pkcs12_signs_and_the_old_certificate_stays_listed() {
    let repo = repository();
    let first = repo.server.cli(&["repo", "key", "show"]).json();
    // OpenSSL 3's default PBES2/AES, then `-legacy` (RC2-40 certificates,
    // a 3DES key): two rollovers.
    for legacy in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let (p12, password) = openssl_pkcs12(dir.path(), legacy);
        let imported = repo
            .server
            .cli(&["repo", "key", "import", "--pkcs12", &p12, "--password-file", &password])
            .json();
        let cert_pem = std::fs::read_to_string(dir.path().join("c.pem")).unwrap();
        let openssl_fp = openssl_fingerprint(&dir.path().join("c.pem"));
        assert_eq!(imported["fingerprint_sha256"], openssl_fp.as_str(), "legacy={legacy}");
        assert_eq!(imported["source"], "pkcs12");
        let uri = repo.add_doc();
        assert!(
            xmlsec1_verifies(dir.path(), &cert_pem, &repo.signed_xml(&uri)),
            "legacy={legacy}"
        );
    }
    let shown = repo.server.cli(&["repo", "key", "show"]).json();
    let previous = shown["previous"].as_array().unwrap();
    assert_eq!(previous.len(), 2, "{shown}");
    assert_eq!(previous[1]["fingerprint_sha256"], first["fingerprint_sha256"]);
    for legacy in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let (p12, _) = openssl_pkcs12(dir.path(), legacy);
        let wrong = write(dir.path(), "wrong", b"not it");
        let refused = repo
            .server
            .cli(&["repo", "key", "import", "--pkcs12", &p12, "--password-file", &wrong]);
        assert_eq!(refused.code, 2, "legacy={legacy}: {}", refused.stderr);
        assert!(refused.stderr.contains("password"), "{}", refused.stderr);
    }
    let unchanged = repo.server.cli(&["repo", "key", "show"]).json();
    assert_eq!(unchanged["fingerprint_sha256"], shown["fingerprint_sha256"]);
}

#[test]
fn an_rsa_sha1_document_signed_by_xmlsec1_verifies() {
    let dir = tempfile::tempdir().unwrap();
    openssl_pkcs12(dir.path(), false);
    let key = dir.path().join("k.pem");
    let cert = dir.path().join("c.pem");
    let now = now_ts();
    let template = format!(
        r#"<Certificate uri="cbse.nic.in-MSTN-AB12CD" signedAt="{now}" name="Marks"><IssuedTo><Person name="Asha Rao"/></IssuedTo><CertificateData pdfSha256="00"/><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/><SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/><Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature></Certificate>"#
    );
    let template_file = write(dir.path(), "t.xml", template.as_bytes());
    let signed_file = dir.path().join("s.xml");
    let keys = format!("{},{}", key.display(), cert.display());
    let (ok, out) = run(
        "xmlsec1",
        &[
            "--sign",
            "--privkey-pem",
            &keys,
            "--output",
            signed_file.to_str().unwrap(),
            &template_file,
        ],
    );
    assert!(ok, "{out}");
    let signed = std::fs::read_to_string(&signed_file).unwrap();
    let locker = locker_trusting(Some(&std::fs::read_to_string(&cert).unwrap()));
    let verdict = verify(&locker, &signed).json();
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["signed_by"], "Board of Examinations");
    let verdict = verify(&locker, &signed.replace("Asha", "Usha")).json();
    assert_eq!(verdict["valid"], false, "{verdict}");
}

#[test]
fn bad_input_gets_a_reason_or_a_4xx_never_a_crash() {
    let repo = repository();
    let uri = repo.add_doc();
    let xml = repo.signed_xml(&uri);
    let locker = locker_trusting(Some(&repo.certificate_pem()));
    let reason = |xml: &str| -> String {
        let resp = verify(&locker, xml);
        assert_eq!(resp.status, 200, "{}", resp.text());
        let verdict = resp.json();
        assert_eq!(verdict["valid"], false, "{verdict}");
        verdict["reason"].as_str().unwrap().to_owned()
    };
    let close = xml.rfind("</Certificate>").unwrap();
    let two = format!("{}<Extra><Signature/></Extra></Certificate>", &xml[..close]);
    assert!(reason(&two).contains("more than one Signature"));
    let elsewhere = xml.replacen("URI=\"\"", "URI=\"#data\"", 1);
    assert!(reason(&elsewhere).contains("not to the whole document"));
    let body = xml.trim_start_matches(|c| c != '>').trim_start_matches('>');
    let doctype = format!("<!DOCTYPE Certificate [<!ENTITY x \"y\">]>{body}");
    assert!(reason(&doctype).contains("DOCTYPE"));
    let comment = xml.replacen("<IssuedBy>", "<!-- x --><IssuedBy>", 1);
    assert!(reason(&comment).contains("comment"));
    let unsigned = reason("<Certificate uri=\"cbse.nic.in-MSTN-AB12CD\"/>");
    assert!(unsigned.contains("not signed"), "{unsigned}");
    assert_eq!(verify(&locker, "<Certificate>").status, 400);
    assert_eq!(verify(&locker, &"x".repeat(50 * 1024 * 1024)).status, 413);
    let json = Http::new().post(&locker.url("/api/verify"), "application/json", b"{}");
    assert_eq!(json.status, 415);
}

#[test]
fn the_locker_marks_each_document_when_it_fetches_it_and_keeps_it_when_it_fails() {
    for trusted in [true, false] {
        let pair = pair(None, &[]);
        if trusted {
            let pem = pair.repository.cli(&["repo", "key", "show"]).json()["certificate_pem"]
                .as_str()
                .unwrap()
                .to_owned();
            let dir = tempfile::tempdir().unwrap();
            let file = write(dir.path(), "c.pem", pem.as_bytes());
            pair.locker
                .cli(&["issuer", "cert", "add", "--issuer", "cbse.nic.in", "--file", &file])
                .json();
        }
        let resident = pair.deliver();
        let issued = resident.get(&pair.locker.url("/api/issued")).json();
        assert_eq!(issued[0]["signature"], "unchecked", "{issued}");
        let file = resident.get(&pair.locker.url(&format!("/api/issued/{}/file", pair.uri)));
        assert_eq!(file.status, 200, "a document that fails is still served");
        let issued = resident.get(&pair.locker.url("/api/issued")).json();
        if trusted {
            assert_eq!(issued[0]["signature"], "valid", "{issued}");
        } else {
            assert_eq!(issued[0]["signature"], "invalid", "{issued}");
            assert!(
                issued[0]["signature_detail"]
                    .as_str()
                    .unwrap()
                    .contains("no certificate is trusted")
            );
        }
    }
}
