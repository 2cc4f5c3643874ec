//! Storing documents: minted URIs, refused files, owners and fields, doc
//! types verified by hand, and manifests.

use super::*;

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
    let cases: &[(&str, &str, &str, &[&str], &str)] = &[
        ("HSCER", text, &a, &[], "neither a PDF nor well-formed XML"),
        ("HSCER", pdf, "234123412345", &[], "check digit"),
        ("NOPE", pdf, &a, &[], "no doc type NOPE"),
        ("HSCER", pdf, &a, &["--udf", "Colour=red"], "not a search field"),
        ("HSCER", pdf, &a, &["--udf", "RollNo"], "FIELD=VALUE"),
        ("HSCER", pdf, &a, &["--valid-from", "2024-02-30"], "real YYYY-MM-DD"),
        ("HSCER", "/no/such/file.pdf", &a, &[], "cannot read"),
    ];
    for (doctype, file, owner, extra, reason) in cases {
        let mut all = words("repo doc add --issuer cbse.nic.in --doctype");
        all.extend([*doctype, "--file", *file, "--owner", *owner]);
        all.extend_from_slice(extra);
        let out = repo.server.cli(&all);
        assert_eq!(out.code, 2, "{all:?}: {}", out.stderr);
        assert!(out.stderr.contains(reason), "{all:?}: {}", out.stderr);
    }
    let mut no_owner = words("repo doc add --issuer cbse.nic.in --doctype HSCER --file");
    no_owner.push(pdf);
    assert_eq!(repo.server.cli(&no_owner).code, 2, "an owner is required");
}

/// A doc type CASTE verified by hand, and one document of it (CertNo
/// C-1, Ravi Kumar's); its URI.
fn add_caste_document(repo: &Repo) -> String {
    let by_hand = ["--udf", "CertNo", "--verify-by-hand"];
    repo.server.add_cbse_doc_type("CASTE", "Caste certificate", &by_hand);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.xml");
    std::fs::write(&file, "<Certificate><No>C-1</No></Certificate>").unwrap();
    let owner = [
        "--udf",
        "CertNo=C-1",
        "--owner-name",
        "Ravi  Kumar",
        "--owner-dob",
        "1990-04-01",
        "--owner-gender",
        "M",
    ];
    repo.server.add_repo_doc("CASTE", &file, &aadhaar(4), &owner)
}

#[test]
fn a_verify_by_hand_doc_type_answers_pending_until_approved_and_is_pushed_only_then() {
    let repo = repo();
    let uri = add_caste_document(&repo);
    let pending = repo.search("3.0", None, "<DocType>CASTE</DocType><UDF1>C-1</UDF1>");
    assert_eq!(status(&pending), "9", "{pending}");
    assert!(!pending.contains("<DocContent>"));
    // Not pushed while pending (the locker is not even asked).
    let creds = |server: &Server| {
        server.cli(&words(
            "repo push --issuer cbse.nic.in --locker http://127.0.0.1:9 --org-id x --api-key y",
        ))
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

/// Three files and a manifest of six rows: two good, then a text file, a
/// missing file, a bad owner and an unknown doc type.
fn write_manifest(dir: &std::path::Path) -> std::path::PathBuf {
    std::fs::create_dir(dir.join("docs")).unwrap();
    std::fs::write(dir.join("docs/a.pdf"), PDF).unwrap();
    std::fs::write(dir.join("docs/b.xml"), "<Certificate><No>7</No></Certificate>").unwrap();
    std::fs::write(dir.join("docs/c.txt"), "not a document").unwrap();
    let manifest = dir.join("batch.csv");
    std::fs::write(
        &manifest,
        format!(
            "file,doc_type,owners,doc_name,udfs,issued_on,owner_name,owner_phone\n\
             docs/a.pdf,HSCER,{a};{b},Marks A,RollNo=1;Year=2020,2020-05-01,Asha Rao,9876543210\n\
             docs/b.xml,hscer,{a},,RollNo=2,,,\n\
             docs/c.txt,HSCER,{a},,,,,\n\
             docs/missing.pdf,HSCER,{a},,,,,\n\
             docs/a.pdf,HSCER,234123412345,,,,,\n\
             docs/a.pdf,NOPE,{a},,,,,\n",
            a = aadhaar(20),
            b = aadhaar(21)
        ),
    )
    .unwrap();
    manifest
}

#[test]
fn a_manifest_stores_the_good_rows_and_reports_every_row() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    let manifest = write_manifest(dir.path());
    let mut import = words("repo doc import --issuer cbse.nic.in --manifest");
    import.push(manifest.to_str().unwrap());
    let out = repo.server.cli(&import).json();
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
    // The stored rows answer Pull URI, with the owner's details the
    // manifest gave in the certificate XML.
    let found = repo.search("1.0", None, "<RollNo>1</RollNo><Year>2020</Year>");
    assert_eq!(status(&found), "1");
    let data = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        element(&found, "DataContent"),
    )
    .unwrap();
    let data = String::from_utf8(data).unwrap();
    assert!(data.contains("Asha Rao") && data.contains("9876543210"), "{data}");
    let bad = repo
        .server
        .cli(&words("repo doc import --issuer cbse.nic.in --manifest /no/such.csv"));
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}
