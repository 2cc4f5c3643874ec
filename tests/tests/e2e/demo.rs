//! `openlocker demo seed`: an empty data folder becomes a working sandbox
//! (verified residents whose signed documents open from kept copies, an
//! uploaded file, a partner app whose redirect URIs work), a second seed is
//! refused, and nothing prompts without a terminal.

use crate::partner_client::{get_no_follow, location, query_param};
use crate::support::*;

#[test]
fn a_seeded_folder_is_a_working_locker_and_a_second_seed_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // No terminal: `cli` gives the child no stdin, and the seed asks nothing.
    let seeded = cli(&data, &["--json", "demo", "seed"]);
    assert_eq!(seeded.code, 0, "{}", seeded.stderr);
    let seeded = seeded.json();
    let password = seeded["password"].as_str().unwrap().to_owned();
    assert_eq!(password.len(), 16);
    let residents = seeded["residents"].as_array().unwrap();
    assert_eq!(residents.len(), 3);
    for resident in residents {
        assert!(resident["name"].as_str().unwrap().starts_with("Demo "), "{resident}");
        assert!(
            resident["aadhaar"].as_str().unwrap().starts_with("99990000"),
            "{resident}"
        );
    }
    let again = cli(&data, &["demo", "seed"]);
    assert_eq!(again.code, 2, "{}", again.stdout);
    assert!(again.stderr.contains("is not empty"), "{}", again.stderr);
    // Another run's password is its own.
    let other = tempfile::tempdir().unwrap();
    let second = cli(&other.path().join("data"), &["--json", "demo", "seed"]).json();
    assert_ne!(second["password"], password.as_str());

    let server = Server::start_in(&data, &[]);
    let asha = server.login_resident_with(residents[0]["mobile"].as_str().unwrap(), &password);
    assert_documents_open(&server, &asha);
    assert_partner_app_registered(&server, &seeded);
}

/// Two signed issued documents that open from their kept copies, and the
/// uploaded receipt.
fn assert_documents_open(server: &Server, asha: &Http) {
    let issued = asha.get(&server.url("/api/issued")).json();
    let issued = issued.as_array().unwrap();
    assert_eq!(issued.len(), 2, "{issued:?}");
    for doc in issued {
        assert_eq!(doc["signature"], "valid", "{doc}");
        let uri = doc["uri"].as_str().unwrap();
        let file = asha.get(&server.url(&format!("/api/issued/{uri}/file")));
        assert_eq!(file.status, 200, "{uri}: {}", file.text());
        assert!(file.body.starts_with(b"%PDF-1.4"), "{uri}");
        assert!(String::from_utf8_lossy(&file.body).contains("Synthetic demo document"));
    }
    let uploaded = asha.get(&server.url("/api/uploaded")).json();
    assert_eq!(uploaded[0]["name"], "rent-receipt.pdf");
    assert_eq!(uploaded[0]["folder"], "Personal");
}

/// The partner app's registered redirect URI leads to the consent screen;
/// another is refused without a redirect.
fn assert_partner_app_registered(server: &Server, seeded: &serde_json::Value) {
    let client_id = seeded["partner"]["client_id"].as_str().unwrap();
    let redirect = seeded["partner"]["redirect_uris"][0].as_str().unwrap();
    let authorize = server.url(&format!(
        "/public/oauth2/1/authorize?response_type=code&client_id={client_id}&redirect_uri={redirect}&state=s1\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    ));
    let consent = location(&authorize);
    assert!(query_param(&consent, "request").is_some(), "{consent}");
    let (status, to, _) = get_no_follow(&authorize.replace("3000/callback", "3001/callback"));
    assert_eq!((status, to), (400, None));
}
