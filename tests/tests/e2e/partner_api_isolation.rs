//! The Authorized Partner API keeps clients and residents apart: another
//! client's code or refresh token is `invalid_grant` and leaves the grant
//! working for its own client, and another resident's documents are 404
//! `invalid_uri` whatever the token may read.

use oauth2::{AuthorizationCode, RefreshToken, TokenResponse};

use crate::partner_client::*;
use crate::support::*;

/// A second client with the same redirect URI, as the `oauth2` crate sees it.
fn other_client(setup: &Setup) -> Partner {
    let out = setup.server.cli(&[
        "requester",
        "add",
        "--name",
        "Other Portal",
        "--domain",
        "http://127.0.0.1:9",
        "--redirect-uri",
        &setup.redirect,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let creds = out.json();
    setup.client_as(creds["app_id"].as_str().unwrap(), creds["app_key"].as_str().unwrap(), 1)
}

#[test]
fn another_clients_code_or_refresh_token_is_invalid_grant_and_changes_nothing() {
    let setup = Setup::new(REDIRECT);
    let stranger = other_client(&setup);
    let (code, verifier) = setup.consented_code(&["userdetails"]);
    let verifier_copy = oauth2::PkceCodeVerifier::new(verifier.secret().clone());
    assert_eq!(
        refusal(
            stranger
                .exchange_code(AuthorizationCode::new(code.clone()))
                .set_pkce_verifier(verifier_copy)
                .request(&transport)
        ),
        "invalid_grant"
    );
    // The code still works for the client it was given to.
    let answer = setup
        .client(1)
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request(&transport)
        .unwrap();
    let refresh = RefreshToken::new(answer.refresh_token().unwrap().secret().clone());
    assert_eq!(
        refusal(stranger.exchange_refresh_token(&refresh).request(&transport)),
        "invalid_grant"
    );
    let access = answer.access_token().secret().clone();
    assert_eq!(setup.call("/public/oauth2/1/user", &access).status, 200);
    let rotated = setup.client(1).exchange_refresh_token(&refresh).request(&transport);
    assert!(rotated.is_ok(), "the owner's refresh token still rotates");
}

#[test]
fn another_residents_documents_are_invalid_uri() {
    let setup = Setup::new(REDIRECT);
    let server = &setup.server;
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let theirs = aadhaar(33);
    server.resident(&theirs, "9000000033");
    server.push(&issuer, &row(&theirs, "cbse.nic.in", "MSTN", "R33", "A"));
    assert_eq!(server.import_run()["rows_imported"], 1);
    let their_session = server.login_resident("9000000033");
    let issued = their_session.get(&server.url("/api/issued")).json();
    let uri = issued[0]["uri"].as_str().unwrap().to_owned();
    let uploaded = their_session.post(
        &server.url("/api/uploaded?name=own.pdf"),
        "application/pdf",
        b"%PDF-1.4\n%%EOF\n",
    );
    let file_id = uploaded.json()["id"].as_i64().unwrap();

    let token = setup.access_token(&["files.issueddocs", "files.uploadeddocs"]);
    for path in [
        format!("/public/oauth2/1/file/{uri}"),
        format!("/public/oauth2/1/xml/{uri}"),
        format!("/public/oauth2/1/file/{file_id}"),
    ] {
        let refused = setup.call(&path, &token);
        assert_eq!(
            (refused.status, refused.json()["error"].as_str()),
            (404, Some("invalid_uri")),
            "{path}"
        );
    }
    let listed = setup.call("/public/oauth2/2/files/issued", &token).json();
    assert_eq!(listed["items"], serde_json::json!([]), "{listed}");
}
