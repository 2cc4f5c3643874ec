//! Tests of `residents.rs`, on the run's backend (see `testing`).

use super::*;

fn db() -> ((), crate::testing::TestDb) {
    ((), crate::testing::db(4))
}

fn claim(db: &Db, mobile: &str) -> i64 {
    let new = NewResident {
        aadhaar_hmac: b"same-number",
        aadhaar_enc: b"sealed",
        name: "typed",
        dob: "1990-01-01",
        gender: None,
        mobile,
        password_hash: "x",
        now: 1,
    };
    insert(db, &new, None).unwrap().0
}

const LOG: VerifyLog<'static> = VerifyLog {
    verified: ("identity_verified", ""),
    closed: ("account_closed", ""),
    ip: "local",
    user_agent: "test",
};

fn by_operator(name: &str) -> Verification<'_> {
    Verification {
        name,
        dob: "1991-02-03",
        gender: Some("F"),
        method: "operator",
        by: "op",
        kyc_txn: None,
        now: 2,
    }
}

#[test]
fn the_first_verification_wins_and_closes_the_other_claims() {
    let (_dir, db) = db();
    let (a, b) = (claim(&db, "9000000001"), claim(&db, "9000000002"));
    let outcome = verify(&db, b, &by_operator("Real Owner"), &LOG).unwrap();
    assert_eq!(outcome.closed, vec![a]);
    let err = verify(&db, a, &by_operator("Squatter"), &LOG).unwrap_err();
    assert!(
        matches!(err, DbError::Conflict(ref c) if c == "aadhaar_claimed"),
        "{err:?}"
    );
    let owner = by_id(&db, b).unwrap().unwrap();
    assert_eq!(
        (owner.name.as_str(), owner.gender.as_deref()),
        ("Real Owner", Some("F"))
    );
    assert!(owner.identity.is_verified());
    assert!(by_id(&db, a).unwrap().unwrap().closed_at.is_some());
}

#[test]
fn the_unique_index_refuses_a_second_verified_account_even_without_the_close() {
    let (_dir, db) = db();
    let (a, b) = (claim(&db, "9000000001"), claim(&db, "9000000002"));
    verify(&db, a, &by_operator("One"), &LOG).unwrap();
    // Reopen b behind the service's back: the index still says no.
    db.conn()
        .unwrap()
        .execute("UPDATE residents SET closed_at = NULL WHERE id = ?1", [b])
        .unwrap();
    let err = verify(&db, b, &by_operator("Two"), &LOG).unwrap_err();
    assert!(
        matches!(err, DbError::Conflict(ref c) if c == "aadhaar_claimed"),
        "{err:?}"
    );
}

#[test]
fn a_kyc_txn_is_used_once() {
    let (_dir, db) = db();
    let a = claim(&db, "9000000001");
    insert_kyc_txn(&db, "t1", a, 1, 100).unwrap();
    let mut v = by_operator("Owner");
    v.kyc_txn = Some("t1");
    v.method = "ekyc";
    verify(&db, a, &v, &LOG).unwrap();
    let err = verify(&db, a, &v, &LOG).unwrap_err();
    assert!(matches!(err, DbError::Conflict(ref c) if c == "txn_used"), "{err:?}");
    assert!(kyc_txn(&db, "t1", a).unwrap().unwrap().used_at.is_some());
}
