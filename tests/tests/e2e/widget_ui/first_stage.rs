//! The popup's first stage (plain JS) draws the sign-in form in the
//! language chosen before; on submit the popup's app takes over with what
//! was typed and signs in with it: a wrong password is told as the app
//! tells it, the number stays, and the right one goes on to the consent.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_popups_first_stage_hands_what_was_typed_over_to_its_app() {
    let s = Setup::new(&[]);
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&s.server.url("/locker/")).await.unwrap();
    c.execute("localStorage.setItem('openlocker.lang', JSON.stringify('hi'));", vec![])
        .await
        .unwrap();
    c.goto(&s.share_popup_url()).await.unwrap();
    browser.wait_for_text("label[for=login-username]", "आधार संख्या").await;
    // The first stage marks its texts with data-t; the app does not.
    let drawer = "return [document.querySelectorAll('[data-t]').length > 0, typeof window.OpenLockerPopup];";
    let drawn = c.execute(drawer, vec![]).await.unwrap();
    assert_eq!(
        drawn,
        serde_json::json!([true, "undefined"]),
        "the first stage draws the form"
    );
    fill(c, "[data-testid=login-username]", MOBILE).await;
    fill(c, "[data-testid=login-password]", "not the password").await;
    click(c, "[data-testid=login-submit]").await;
    browser
        .wait_for_text("[data-testid=status-message]", "मेल नहीं खाते")
        .await;
    let kept = find(c, "[data-testid=login-username]")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(MOBILE));
    fill(c, "[data-testid=login-password]", PASSWORD).await;
    click(c, "[data-testid=login-submit]").await;
    browser
        .wait_for_text("[data-testid=consent-requester]", "Job portal")
        .await;
    browser.close().await;
}
