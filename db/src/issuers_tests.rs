//! Tests of `issuers.rs`, on the run's backend (see `testing`).

use super::*;

fn db() -> ((), crate::testing::TestDb) {
    ((), crate::testing::db(2))
}

fn new_issuer<'a>(id: &'a str, org: &'a str) -> NewIssuer<'a> {
    NewIssuer {
        id,
        name: "Board",
        org_id: org,
        pull_uri_url: None,
        pull_doc_url: None,
        pull_org_id: None,
        pull_api_key_enc: None,
        pull_hmac: "raw",
        key_enc: b"k1",
        now: 100,
    }
}

#[test]
fn issuer_ids_are_case_insensitive() {
    let (_dir, db) = db();
    insert(&db, &new_issuer("cbse.nic.in", "org1")).unwrap();
    let err = insert(&db, &new_issuer("CBSE.nic.in", "org2")).unwrap_err();
    assert!(matches!(err, DbError::Conflict(_)));
    assert_eq!(get(&db, "CBSE.NIC.IN").unwrap().unwrap().id, "cbse.nic.in");
    assert!(get_by_org_id(&db, "ORG1").unwrap().is_some());
}

#[test]
fn rotation_keeps_the_old_key_until_its_grace_ends() {
    let (_dir, db) = db();
    insert(&db, &new_issuer("x.in", "o")).unwrap();
    rotate_key(&db, "x.in", b"k2", 200, 300).unwrap();
    assert_eq!(
        valid_keys(&db, "x.in", 250).unwrap(),
        vec![b"k2".to_vec(), b"k1".to_vec()]
    );
    assert_eq!(valid_keys(&db, "x.in", 300).unwrap(), vec![b"k2".to_vec()]);
}
