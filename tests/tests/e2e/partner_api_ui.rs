//! The Authorized Partner API's browser side in headless Chromium: the
//! `oauth2` crate's authorize URL opened in the browser, the resident's
//! sign-in (`login-*`) and the consent screen (`consent-*`), the redirect
//! back with the code and state, the library's token exchange with PKCE
//! and the ID token checked against the JWKS; then the Connected apps
//! screen lists the app and its revoke makes the tokens fail at once.

use std::time::Duration;

use oauth2::TokenResponse;

use crate::browser::Browser;
use crate::locker_ui::{click, fill, find, nav};
use crate::partner_client::{MOBILE, REDIRECT, Setup, exchange, query_param, verify_id_token};
use crate::support::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_resident_signs_in_consents_and_later_revokes_the_app_in_the_browser() {
    let setup = Setup::new(REDIRECT);
    let (url, state, verifier) = setup.authorize_url(&["openid", "userdetails"]);
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&url).await.unwrap();
    fill(c, "[data-testid=login-username]", MOBILE).await;
    fill(c, "[data-testid=login-password]", PASSWORD).await;
    click(c, "[data-testid=login-submit]").await;
    browser.wait_for_text("[data-testid=consent-app]", "Jobs Portal").await;
    assert_eq!(
        browser.text_of("[data-testid=consent-domain]").await,
        "http://127.0.0.1:9"
    );
    let scopes = browser.text_of("[data-testid=consent-scopes]").await;
    assert!(scopes.contains("name, date of birth"), "{scopes}");
    assert!(!browser.text_of("[data-testid=consent-valid-till]").await.is_empty());
    click(c, "[data-testid=consent-allow]").await;
    let back = redirected_back(c).await;
    assert_eq!(query_param(&back, "state").as_deref(), Some(state.secret().as_str()));
    let code = query_param(&back, "code").unwrap();

    let client = setup.client(2);
    let answer = tokio::task::spawn_blocking(move || exchange(&client, &code, verifier.secret()).unwrap())
        .await
        .unwrap();
    let claims = verify_id_token(&setup, answer.extra_fields().id_token.as_deref().unwrap());
    assert_eq!(claims["aud"], setup.app_id.as_str());
    let access = answer.access_token().secret().clone();
    assert_eq!(setup.call("/public/oauth2/1/user", &access).status, 200);

    c.goto(&setup.server.url("/locker/issued")).await.unwrap();
    nav(c, "Connected apps").await;
    browser
        .wait_for_text("[data-testid=connection-row]", "Jobs Portal")
        .await;
    click(c, "[data-testid=connection-revoke]").await;
    browser
        .wait_for_text("[data-testid=status-message]", "Access revoked")
        .await;
    find(c, "section[aria-labelledby=connections-title]").await;
    assert_eq!(setup.call("/public/oauth2/1/user", &access).status, 401);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dl_flow_signup_sends_a_newcomer_to_sign_up_then_to_consent_and_back_with_a_code() {
    let setup = Setup::new(REDIRECT);
    let (url, state, verifier) = setup.authorize_url(&["userdetails"]);
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{url}&dl_flow=signup")).await.unwrap();
    fill(c, "[data-testid=signup-aadhaar]", &aadhaar(47)).await;
    fill(c, "[data-testid=signup-name]", "Nandini Rao").await;
    fill(c, "[data-testid=signup-dob]", "1995-02-14").await;
    fill(c, "[data-testid=signup-mobile]", "9000000047").await;
    fill(c, "[data-testid=signup-password]", PASSWORD).await;
    click(c, "[data-testid=signup-submit]").await;
    // Signed up, the same request goes on to its consent screen.
    browser.wait_for_text("[data-testid=consent-app]", "Jobs Portal").await;
    click(c, "[data-testid=consent-allow]").await;
    let back = redirected_back(c).await;
    assert_eq!(query_param(&back, "state").as_deref(), Some(state.secret().as_str()));
    let code = query_param(&back, "code").unwrap();
    let client = setup.client(1);
    let answer = tokio::task::spawn_blocking(move || exchange(&client, &code, verifier.secret()).unwrap())
        .await
        .unwrap();
    let user = setup.call("/public/oauth2/1/user", answer.access_token().secret());
    assert_eq!(user.status, 200, "{}", user.text());
    assert_eq!(user.json()["name"], "Nandini Rao");
    browser.close().await;
}

/// Where the browser lands once it leaves for the partner's redirect URI.
async fn redirected_back(c: &fantoccini::Client) -> String {
    let mut back = String::new();
    for _ in 0..100 {
        back = c.current_url().await.unwrap().to_string();
        if back.starts_with(REDIRECT) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back.starts_with(REDIRECT), "the browser went to {back}");
    back
}
