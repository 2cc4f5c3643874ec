//! Signing and verification against each other, and every refusal.

use super::*;

const NOW: i64 = 1_800_000_000;
const PDF: &[u8] = b"%PDF-1.4 the marks sheet";

fn certificate(uri: &str, signed_at: &str) -> String {
    format!(
        "<Certificate uri=\"{uri}\" signedAt=\"{signed_at}\" name=\"Marks Sheet\"><IssuedTo><Person name=\"Asha\"/></IssuedTo><CertificateData pdfSha256=\"{}\"/></Certificate>",
        hex::encode(Sha256::digest(PDF))
    )
}

fn signer_made_at(now: i64) -> (Signer, Vec<u8>) {
    let material = keys::generate("Board of Examinations", "Test", now).unwrap();
    let der = material.cert_der.clone();
    (Signer::new(&material).unwrap(), der)
}

fn ts(unix: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(unix).unwrap();
    t.format(&time::format_description::well_known::Rfc3339).unwrap()
}

fn check_with(xml: &str, pdf: Option<&[u8]>, trusted_for_board: &[Vec<u8>]) -> Verdict {
    let trusted = trusted_for_board.to_vec();
    verify(xml.as_bytes(), pdf, NOW, &move |issuer: &str| {
        if issuer == "in.board" {
            trusted.clone()
        } else {
            Vec::new()
        }
    })
    .unwrap()
}

#[test]
fn a_signed_certificate_verifies_with_its_trusted_certificate() {
    let (signer, der) = signer_made_at(NOW - 86_400);
    let signed = signer
        .sign(&certificate("in.board-MSTN-AB12CD", &ts(NOW - 60)))
        .unwrap();
    assert!(signed.contains("rsa-sha256") && signed.contains("xml-exc-c14n#") && signed.contains("X509Certificate"));
    let verdict = check_with(&signed, Some(PDF), &[der]);
    assert_eq!(verdict.reason, None);
    assert!(verdict.valid);
    assert_eq!(verdict.state, State::Valid);
    assert_eq!(verdict.issuer_id.as_deref(), Some("in.board"));
    assert_eq!(verdict.uri.as_deref(), Some("in.board-MSTN-AB12CD"));
    assert_eq!(verdict.signed_by.as_deref(), Some("Board of Examinations"));
    assert_eq!(verdict.signed_at, Some(NOW - 60));
    assert_eq!(verdict.pdf_matches, Some(true));
}

#[test]
fn a_tampered_byte_fails() {
    let (signer, der) = signer_made_at(NOW - 86_400);
    let signed = signer
        .sign(&certificate("in.board-MSTN-AB12CD", &ts(NOW - 60)))
        .unwrap();
    let tampered = signed.replace("Asha", "Usha");
    let verdict = check_with(&tampered, None, &[der]);
    assert!(!verdict.valid);
    assert_eq!(verdict.state, State::Invalid);
    assert!(verdict.reason.unwrap().contains("does not verify"));
    assert_eq!(verdict.uri, None, "nothing unverified is shown");
}

#[test]
fn another_key_or_another_issuer_is_not_trusted() {
    let (signer, _) = signer_made_at(NOW - 86_400);
    let (_, other_der) = signer_made_at(NOW - 86_400);
    let signed = signer
        .sign(&certificate("in.board-MSTN-AB12CD", &ts(NOW - 60)))
        .unwrap();
    let verdict = check_with(&signed, None, std::slice::from_ref(&other_der));
    assert!(verdict.reason.unwrap().contains("not trusted for issuer in.board"));
    // Issuer A's key signing a document in issuer B's name.
    let (signer_a, der_a) = signer_made_at(NOW - 86_400);
    let forged = signer_a
        .sign(&certificate("in.other-MSTN-AB12CD", &ts(NOW - 60)))
        .unwrap();
    let verdict = check_with(&forged, None, &[der_a]);
    assert!(
        verdict
            .reason
            .unwrap()
            .contains("no certificate is trusted for issuer in.other")
    );
}

#[test]
fn time_rules_expiry_rollover_and_the_future() {
    // A certificate of 2001, valid for ten years.
    let old_time = 1_000_000_000;
    let (old, old_der) = signer_made_at(old_time);
    let before_expiry = old
        .sign(&certificate("in.board-MSTN-AB12CD", &ts(old_time + 86_400)))
        .unwrap();
    assert!(
        check_with(&before_expiry, None, std::slice::from_ref(&old_der)).valid,
        "rollover: old documents stay valid"
    );
    let after_expiry = old.sign(&certificate("in.board-MSTN-AB12CD", &ts(NOW - 60))).unwrap();
    let verdict = check_with(&after_expiry, None, std::slice::from_ref(&old_der));
    assert!(
        verdict
            .reason
            .unwrap()
            .contains("was not valid when the document was signed")
    );
    let (signer, der) = signer_made_at(NOW - 86_400);
    let future = signer
        .sign(&certificate("in.board-MSTN-AB12CD", &ts(NOW + 3600)))
        .unwrap();
    assert!(check_with(&future, None, &[der]).reason.unwrap().contains("future"));
}

#[test]
fn a_wrong_pdf_is_reported() {
    let (signer, der) = signer_made_at(NOW - 86_400);
    let signed = signer
        .sign(&certificate("in.board-MSTN-AB12CD", &ts(NOW - 60)))
        .unwrap();
    let verdict = check_with(&signed, Some(b"%PDF-1.4 another"), &[der]);
    assert_eq!(verdict.pdf_matches, Some(false));
    assert!(verdict.reason.unwrap().contains("PDF does not match"));
}

#[test]
fn unsigned_oversized_and_broken_documents() {
    let verdict = check_with(&certificate("in.board-MSTN-AB12CD", &ts(NOW)), None, &[]);
    assert_eq!(verdict.state, State::Unsigned);
    let big = vec![b' '; MAX_XML_BYTES + 1];
    assert!(matches!(
        verify(&big, None, NOW, &|_: &str| Vec::new()),
        Err(NotXml::TooLarge)
    ));
    assert!(matches!(
        verify(b"<a>", None, NOW, &|_: &str| Vec::new()),
        Err(NotXml::Malformed(_))
    ));
}

#[test]
fn a_signed_document_is_not_signed_twice() {
    let (signer, _) = signer_made_at(NOW - 86_400);
    let signed = signer
        .sign(&certificate("in.board-MSTN-AB12CD", &ts(NOW - 60)))
        .unwrap();
    assert!(signer.sign(&signed).is_err());
}
