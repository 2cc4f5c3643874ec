//! Pull URI: searches by named or numbered fields, and their refusals.

use super::*;

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
