//! Tests of `repo.rs`, on the run's backend (see `testing`).

use super::*;

fn stored(db: &Db) -> i64 {
    let owner = SealedOwner {
        aadhaar_hmac: b"owner".to_vec(),
        aadhaar_enc: b"sealed".to_vec(),
        uid_hmac: b"uid".to_vec(),
    };
    let udfs = [
        ("RollNo".to_owned(), "A12".to_owned()),
        ("Year".to_owned(), "2024".to_owned()),
    ];
    insert_doc(
        db,
        &NewDoc {
            uri: "in.gov.cbse-HSCER-A12",
            issuer_id: "in.gov.cbse",
            doc_type: "HSCER",
            doc_id: "A12",
            doc_name: "Marks",
            content_sha256: "abc",
            content_type: "application/pdf",
            size: 10,
            issued_on: "2024-05-01",
            valid_from: None,
            valid_to: None,
            owner_name: Some("Asha"),
            owner_dob: None,
            owner_gender: None,
            owner_phone: None,
            certificate_sha256: None,
            owners: &[owner],
            udfs: &udfs,
            signing_key: None,
            now: 1,
        },
    )
    .unwrap()
}

#[test]
fn documents_are_found_by_search_fields_owner_and_uid_with_or_without_filters() {
    let db = crate::testing::db(2);
    let id = stored(&db);
    let fields = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    };
    let ids = |docs: Vec<Doc>| docs.iter().map(|d| d.id).collect::<Vec<_>>();
    let both = fields(&[("rollno", "a12"), ("YEAR", "2024")]);
    assert_eq!(
        ids(find_by_udfs(&db, None, None, &both, 5).unwrap()),
        vec![id],
        "case-insensitive"
    );
    let filtered = find_by_udfs(&db, Some("IN.GOV.CBSE"), Some("hscer"), &both, 5).unwrap();
    assert_eq!(ids(filtered), vec![id]);
    let wrong = fields(&[("RollNo", "A12"), ("Year", "2023")]);
    assert!(find_by_udfs(&db, None, None, &wrong, 5).unwrap().is_empty());
    assert_eq!(
        ids(find_by_owner(&db, None, Some("HSCER"), b"owner", 5).unwrap()),
        vec![id]
    );
    assert_eq!(ids(find_by_uid(&db, None, b"uid", 5).unwrap()), vec![id]);
    assert_eq!(count_docs(&db, "in.gov.cbse", "HSCER").unwrap(), 1);
    assert!(doc_by_uri(&db, "IN.GOV.CBSE-hscer-a12").unwrap().is_some());
}
