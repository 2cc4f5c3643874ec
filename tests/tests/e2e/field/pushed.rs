//! A URI pushed without content is resolved by a UID search at its first
//! open; an answer with another URI is not kept.

use super::*;

#[test]
fn a_pushed_uri_is_resolved_by_uid_at_first_open_and_a_pushed_d_removes_the_copy() {
    let mut issuer = StrictIssuer::start(&[]);
    let (locker, push) = locker(&issuer.url(), &[]);
    let uri = "strict.gov.in-PUSHD-XY98ZW";
    let csv = row(&aadhaar(1), ISSUER, "PUSHD", "XY98ZW", "A");
    assert_eq!(locker.push(&push, &csv).status, "1");
    locker.import_run();
    assert_eq!(issuer.requests().len(), 0, "nothing is fetched at import");

    let http = locker.login_resident("9876543210");
    let file = http.get(&locker.url(&format!("/api/issued/{uri}/file")));
    assert_eq!(file.status, 200, "{}", file.text());
    assert_eq!(file.body, PDF);
    let sent = issuer.requests().pop().unwrap();
    let md5 = hex::encode(md5::Md5::digest(aadhaar(1).as_bytes()));
    assert!(sent.contains(&format!("<UID>{md5}</UID>")), "{sent}");
    assert!(sent.contains("<DocType>PUSHD</DocType>"), "{sent}");
    assert_eq!(
        issuer.violations(),
        serde_json::json!([]),
        "no raw Aadhaar number reached the issuer"
    );
    assert_eq!(kept_files(&locker), 2);

    issuer.stop();
    assert_eq!(http.get(&locker.url(&format!("/api/issued/{uri}/file"))).body, PDF);
    let delete = row(&aadhaar(1), ISSUER, "PUSHD", "XY98ZW", "D");
    assert_eq!(locker.push(&push, &delete).status, "1");
    locker.import_run();
    assert_eq!(kept_files(&locker), 0, "a pushed D removes the kept copy");
    assert_eq!(http.get(&locker.url(&format!("/api/issued/{uri}/file"))).status, 404);
}

#[test]
fn a_pushed_uri_answered_with_another_uri_is_not_kept() {
    let issuer = StrictIssuer::start(&[]);
    let (locker, push) = locker(&issuer.url(), &[]);
    let csv = row(&aadhaar(1), ISSUER, "PUSHD", "XY98ZW", "A");
    assert_eq!(locker.push(&push, &csv).status, "1");
    locker.import_run();
    issuer.set_mode("wrong_uri");
    let http = locker.login_resident("9876543210");
    let file = http.get(&locker.url("/api/issued/strict.gov.in-PUSHD-XY98ZW/file"));
    assert_eq!(file.status, 502, "{}", file.text());
    assert!(file.text().contains("another document"), "{}", file.text());
    assert_eq!(kept_files(&locker), 0);
}
