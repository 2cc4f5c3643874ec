//! Verification in person: by an operator on the CLI and by counter staff in
//! the issuer portal; and kyc-sim's own fixture checks.

use super::*;

/// `resident add` of resident U, born 1990-01-01, with `flags`.
fn add_u(server: &Server, number: &str, mobile: &str, flags: &[&str]) -> CliOutput {
    let mut args = vec![
        "resident",
        "add",
        "--aadhaar",
        number,
        "--name",
        "U",
        "--dob",
        "1990-01-01",
    ];
    args.extend(["--mobile", mobile, "--password", PASSWORD]);
    args.extend(flags);
    server.cli(&args)
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
    let mut args = vec!["resident", "verify", "--aadhaar", &number, "--by", "Meena at ward 4"];
    args.extend(words("--mobile 9000000002 --dob 1979-03-04 --gender F --name"));
    args.push("Sunita Kumari");
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
    let unverified = add_u(&server, &aadhaar(23), "9000000004", &["--unverified", "--gender", "t"]);
    unverified.json();
    let me = server.login_resident("9000000004").get(&server.url("/api/me")).json();
    assert_eq!(
        (me["identity"]["state"].as_str(), me["gender"].as_str()),
        (Some("unverified"), Some("T"))
    );
    let bad_gender = add_u(&server, &aadhaar(24), "9000000005", &["--gender", "X"]);
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

    server.add_issuer_user("uidai.counter.in", "counter1", &["--can-verify-residents"]);
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
