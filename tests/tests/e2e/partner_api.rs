//! The Authorized Partner API with the `oauth2` crate as the partner
//! (`partner_client`): the token, refresh and error-parsing calls are the
//! library's. Negative paths: a wrong verifier, a reused code (its tokens
//! die), an expired code, a wrong or unknown redirect URI and client (an
//! error page, no redirect), plain PKCE and a missing state, deny, scope
//! violations, a revoked connection.

use oauth2::{AuthorizationCode, ClientSecret, PkceCodeVerifier, RedirectUrl, RefreshToken, TokenResponse};

use crate::partner_client::*;
use crate::support::*;

#[test]
fn the_code_flow_gives_tokens_that_rotate_and_a_reused_refresh_token_kills_the_grant() {
    let setup = Setup::new(REDIRECT);
    let (code, verifier) = setup.consented_code(&["openid", "userdetails", "files.uploadeddocs"]);
    let client = setup.client(2);
    let answer = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .set_pkce_verifier(verifier)
        .request(&transport)
        .unwrap();
    assert_first_answer(&setup, &answer);

    let first_refresh = answer.refresh_token().unwrap().clone();
    let rotated = client
        .exchange_refresh_token(&first_refresh)
        .request(&transport)
        .unwrap();
    assert_ne!(rotated.refresh_token().unwrap().secret(), first_refresh.secret());
    let new_access = rotated.access_token().secret().clone();
    assert_eq!(setup.call("/public/oauth2/1/user", &new_access).status, 200);

    // The old refresh token again: refused, and every token of the grant dies.
    assert_eq!(
        refusal(client.exchange_refresh_token(&first_refresh).request(&transport)),
        "invalid_grant"
    );
    let dead = setup.call("/public/oauth2/1/user", &new_access);
    assert_eq!(error_of(&dead), (401, "invalid_token".into()));
    assert_eq!(
        refusal(
            client
                .exchange_refresh_token(rotated.refresh_token().unwrap())
                .request(&transport)
        ),
        "invalid_grant"
    );
    let resident = setup.server.login_resident(MOBILE);
    assert_eq!(
        resident.get(&setup.server.url("/api/connections")).json(),
        serde_json::json!([])
    );
}

/// `/2/token`'s answer: the resident's details, an ID token that verifies
/// against the JWKS, and an access token that reads the user but nothing
/// outside its scope.
fn assert_first_answer(setup: &Setup, answer: &Answer) {
    assert_eq!(answer.expires_in().unwrap().as_secs(), 3600);
    let extra = answer.extra_fields();
    assert_eq!(
        (extra.name.as_str(), extra.dob.as_str(), extra.eaadhaar.as_str()),
        ("Asha Devi", "01041990", "N")
    );
    assert_eq!(extra.digilockerid.len(), 36);
    let claims = verify_id_token(setup, extra.id_token.as_deref().expect("/2/token gives an id_token"));
    assert_eq!(claims["sub"], extra.digilockerid.as_str());
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");

    let access = answer.access_token().secret().clone();
    let user = setup.call("/public/oauth2/1/user", &access);
    assert_eq!(user.status, 200, "{}", user.text());
    assert_eq!(user.json()["digilockerid"], extra.digilockerid.as_str());
    // The grant does not cover issued documents.
    let issued = setup.call("/public/oauth2/2/files/issued", &access);
    assert_eq!(error_of(&issued), (403, "insufficient_scope".into()));
}

#[test]
fn a_wrong_verifier_another_redirect_uri_and_a_reused_code_are_invalid_grant() {
    let setup = Setup::new(REDIRECT);
    let client = setup.client(1);
    let (code, verifier) = setup.consented_code(&[]);
    let wrong = PkceCodeVerifier::new("x".repeat(43));
    assert_eq!(refusal(exchange(&client, &code, wrong.secret())), "invalid_grant");
    let elsewhere = client
        .clone()
        .set_redirect_uri(RedirectUrl::new("http://127.0.0.1:9/other".into()).unwrap());
    let v2 = PkceCodeVerifier::new(verifier.secret().clone());
    assert_eq!(refusal(exchange(&elsewhere, &code, v2.secret())), "invalid_grant");
    // Nothing changed: the right verifier still works, once.
    let v3 = PkceCodeVerifier::new(verifier.secret().clone());
    let answer = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .set_pkce_verifier(v3)
        .request(&transport)
        .unwrap();
    assert!(answer.extra_fields().id_token.is_none(), "/1/token gives no id_token");
    let access = answer.access_token().secret().clone();
    assert_eq!(setup.call("/public/oauth2/1/user", &access).status, 200);
    assert_eq!(refusal(exchange(&client, &code, verifier.secret())), "invalid_grant");
    assert_eq!(
        setup.call("/public/oauth2/1/user", &access).status,
        401,
        "the reused code revoked its tokens"
    );
}

#[test]
fn an_expired_code_a_wrong_secret_and_an_unknown_grant_type_are_refused() {
    let setup = Setup::new(REDIRECT);
    let (code, verifier) = setup.consented_code(&[]);
    let conn = crate::shares::open_db(&setup.server);
    conn.execute("UPDATE oauth_codes SET expires_at = expires_at - 601", &[])
        .unwrap();
    let client = setup.client(1);
    assert_eq!(refusal(exchange(&client, &code, verifier.secret())), "invalid_grant");
    let impostor = client
        .clone()
        .set_client_secret(ClientSecret::new("not-the-key".into()));
    let (code, verifier) = setup.consented_code(&[]);
    assert_eq!(refusal(exchange(&impostor, &code, verifier.secret())), "invalid_client");
    let form = format!(
        "grant_type=password&client_id={}&client_secret={}",
        setup.app_id, setup.secret
    );
    let resp = Http::new().post(
        &setup.server.url("/public/oauth2/1/token"),
        "application/x-www-form-urlencoded",
        form.as_bytes(),
    );
    assert_eq!(error_of(&resp), (400, "invalid_grant_type".into()));
}

#[test]
fn an_unknown_client_or_redirect_uri_gets_an_error_page_and_never_a_redirect() {
    let setup = Setup::new(REDIRECT);
    let (url, _, _) = setup.authorize_url(&[]);
    for bad in [
        url.replace(&format!("client_id={}", setup.app_id), "client_id=RQNOSUCHAPP"),
        url.replace(
            "redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback",
            "redirect_uri=https%3A%2F%2Fevil.example%2F",
        ),
        url.replace("%2Fcallback", "%2Fcallback%2Fmore"),
    ] {
        assert_ne!(bad, url);
        let (status, location, body) = get_no_follow(&bad);
        assert_eq!((status, location), (400, None), "{bad}");
        assert!(body.contains("cannot go on"), "{body}");
    }
}

#[test]
fn plain_pkce_a_missing_state_and_an_unknown_scope_go_back_with_an_error_and_deny_is_access_denied() {
    let setup = Setup::new(REDIRECT);
    let (url, state, _) = setup.authorize_url(&[]);
    for (bad, error) in [
        (
            url.replace("code_challenge_method=S256", "code_challenge_method=plain"),
            "invalid_request",
        ),
        (url.replace("&code_challenge_method=S256", ""), "invalid_request"),
        (
            url.replace("response_type=code", "response_type=token"),
            "invalid_request",
        ),
        (format!("{url}&scope=openid+email"), "invalid_scope"),
    ] {
        let back = location(&bad);
        assert!(back.starts_with(REDIRECT), "{back}");
        assert_eq!(query_param(&back, "error").as_deref(), Some(error), "{bad}");
        assert_eq!(query_param(&back, "state").as_deref(), Some(state.secret().as_str()));
    }
    let without_state = url.replace(&format!("state={}", state.secret()), "");
    assert_eq!(
        query_param(&location(&without_state), "error").as_deref(),
        Some("invalid_request")
    );

    assert_consent_shown_then_denied(&setup, &url, state.secret());
}

/// The consent request shows the app, its origin and the default scopes;
/// a forged decision is refused; deny goes back with `access_denied`, once.
fn assert_consent_shown_then_denied(setup: &Setup, url: &str, state: &str) {
    let consent = location(url);
    let request_id = query_param(&consent, "request").unwrap();
    let resident = setup.server.login_resident(MOBILE);
    let request_url = setup.server.url(&format!("/api/oauth/requests/{request_id}"));
    let shown = resident.get(&request_url).json();
    assert_eq!(shown["app_name"], "Jobs Portal");
    assert_eq!(shown["origin"], "http://127.0.0.1:9");
    assert_eq!(
        shown["scopes"],
        serde_json::json!(["userdetails", "files.issueddocs", "files.uploadeddocs"])
    );
    let forged = resident.post_without_csrf(&request_url, "application/json", br#"{"allow":true}"#);
    assert_eq!(forged.status, 403);
    let denied = resident
        .post_json(&request_url, &serde_json::json!({ "allow": false }))
        .json();
    let back = denied["redirect"].as_str().unwrap();
    assert_eq!(query_param(back, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(back, "state").as_deref(), Some(state));
    assert_eq!(
        resident
            .post_json(&request_url, &serde_json::json!({ "allow": true }))
            .status,
        404,
        "answered once"
    );
}

#[test]
fn a_revoked_connection_fails_at_once_and_the_calls_are_in_the_activity_log() {
    let setup = Setup::new(REDIRECT);
    let access = setup.access_token(&["userdetails", "files.uploadeddocs"]);
    let resident = setup.server.login_resident(MOBILE);
    let uploaded = resident.post(
        &setup.server.url("/api/uploaded?name=cv.pdf"),
        "application/pdf",
        b"%PDF-1.4\n%%EOF\n",
    );
    assert_eq!(uploaded.status, 201, "{}", uploaded.text());
    let id = uploaded.json()["id"].as_i64().unwrap();
    let file = setup.call(&format!("/public/oauth2/1/file/{id}"), &access);
    assert_eq!(
        (file.status, file.body.as_slice()),
        (200, b"%PDF-1.4\n%%EOF\n".as_slice())
    );
    let missing = setup.call("/public/oauth2/1/file/999999", &access);
    assert_eq!(error_of(&missing), (404, "invalid_uri".into()));
    let made_up = setup.call("/public/oauth2/1/user", "made-up-token");
    assert_eq!(error_of(&made_up), (401, "invalid_token".into()));

    let connections = resident.get(&setup.server.url("/api/connections")).json();
    assert_eq!(connections[0]["app_name"], "Jobs Portal");
    assert!(connections[0]["last_used_at"].is_i64());
    let grant = connections[0]["id"].as_i64().unwrap();
    let revoke_url = setup.server.url(&format!("/api/connections/{grant}/revoke"));
    assert_eq!(
        resident.post_without_csrf(&revoke_url, "application/json", b"").status,
        403
    );
    assert_eq!(resident.post(&revoke_url, "application/json", b"").status, 204);
    let refused = setup.call("/public/oauth2/1/user", &access);
    assert_eq!(error_of(&refused), (401, "invalid_token".into()));
    assert_eq!(resident.post(&revoke_url, "application/json", b"").status, 404);

    let log = resident.get(&setup.server.url("/api/activity")).json();
    let kinds: Vec<String> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", e["kind"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    for expected in [
        "app_connected Jobs Portal",
        "partner_call Jobs Portal: downloaded cv.pdf",
        "app_disconnected Jobs Portal",
    ] {
        assert!(kinds.iter().any(|k| k.starts_with(expected)), "{expected} in {kinds:?}");
    }
}

#[test]
fn revoke_stops_the_token_and_every_token_issued_with_it() {
    let setup = Setup::new(REDIRECT);
    let (code, verifier) = setup.consented_code(&[]);
    let answer = setup
        .client(1)
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request(&transport)
        .unwrap();
    let refresh = RefreshToken::new(answer.refresh_token().unwrap().secret().clone());
    let form = format!(
        "token={}&token_type_hint=refresh_token&client_id={}&client_secret={}",
        refresh.secret(),
        setup.app_id,
        setup.secret
    );
    let revoked = Http::new().post(
        &setup.server.url("/public/oauth2/1/revoke"),
        "application/x-www-form-urlencoded",
        form.as_bytes(),
    );
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    assert_eq!(
        setup
            .call("/public/oauth2/1/user", answer.access_token().secret())
            .status,
        401
    );
    assert_eq!(
        refusal(setup.client(1).exchange_refresh_token(&refresh).request(&transport)),
        "invalid_grant"
    );
}
