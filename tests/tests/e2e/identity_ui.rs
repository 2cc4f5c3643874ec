//! The verify screen in headless Chromium, in English and in Hindi: it
//! says why documents are hidden, sends the OTP through kyc-sim, refuses
//! a wrong one, and once verified the pushed document shows.

use crate::browser::Browser;
use crate::locker_ui::{click, fill, find, nav, sign_in, status_says};
use crate::support::*;

/// A locker with kyc-sim, one pushed document for each of two numbers,
/// and an unverified sign-up for each.
fn setup() -> (Server, KycSim, [String; 2]) {
    let numbers = [aadhaar(61), aadhaar(62)];
    let fixture = format!(
        "aadhaar,name,dob,gender,mobile\n{},Lakshmi Narayan,1980-01-02,F,9822223333\n{},Arjun Singh,1975-05-06,M,9822224444\n",
        numbers[0], numbers[1]
    );
    let sim = KycSim::start(&fixture);
    let server = Server::start(&["--kyc-url", &sim.base]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let csv =
        row(&numbers[0], "cbse.nic.in", "MSTN", "UI1", "A") + &row(&numbers[1], "cbse.nic.in", "MSTN", "UI2", "A");
    server.push(&issuer, &csv);
    server.import_run();
    server.signup(&numbers[0], "9000000061", "Lakshmi");
    server.signup(&numbers[1], "9000000062", "Arjun");
    (server, sim, numbers)
}

/// Hindi: the same screen and messages, in Hindi, for the second resident.
async fn verify_in_hindi(browser: &Browser, server: &Server) {
    let c = &browser.client;
    click(c, "[data-testid=lang-switch]").await;
    browser.wait_for_text("[data-testid=login-submit]", "साइन इन करें").await;
    fill(c, "[data-testid=login-username]", "9000000062").await;
    fill(c, "[data-testid=login-password]", PASSWORD).await;
    click(c, "[data-testid=login-submit]").await;
    browser
        .wait_for_text("[data-testid=verify-notice]", "दस्तावेज़ छिपे रहेंगे")
        .await;
    c.goto(&server.url("/locker/verify")).await.unwrap();
    browser.wait_for_text("[data-testid=verify-why]", "सत्यापित स्वामी").await;
    let button = browser.text_of("[data-testid=verify-send-otp]").await;
    assert_eq!(button, "OTP भेजें");
    click(c, "[data-testid=verify-send-otp]").await;
    status_says(browser, "XXXXXX4444 पर OTP भेजा गया").await;
    fill(c, "[data-testid=verify-otp]", "123456").await;
    click(c, "[data-testid=verify-submit]").await;
    status_says(browser, "आपकी पहचान सत्यापित है").await;
    browser
        .wait_for_text("[data-testid=doc-item][data-uri='cbse.nic.in-MSTN-UI2']", "Board")
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_verify_screen_explains_and_verifies_by_otp_in_english_and_hindi() {
    let (server, _sim, _numbers) = tokio::task::spawn_blocking(setup).await.unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;

    // English: Issued Documents says why it is empty and leads to the screen.
    c.goto(&server.url("/locker/")).await.unwrap();
    sign_in(&browser, "9000000061").await;
    let notice = browser
        .wait_for_text("[data-testid=verify-notice]", "hidden until you prove")
        .await;
    assert!(notice.contains("Aadhaar number"), "{notice}");
    nav(c, "Verify now").await;
    browser
        .wait_for_text("[data-testid=verify-why]", "verified owner")
        .await;
    click(c, "[data-testid=verify-send-otp]").await;
    status_says(&browser, "An OTP was sent to XXXXXX3333").await;
    fill(c, "[data-testid=verify-otp]", "999999").await;
    click(c, "[data-testid=verify-submit]").await;
    status_says(&browser, "That OTP was not accepted").await;
    fill(c, "[data-testid=verify-otp]", "123456").await;
    click(c, "[data-testid=verify-submit]").await;
    status_says(&browser, "Your identity is verified").await;
    browser
        .wait_for_text("[data-testid=doc-item][data-uri='cbse.nic.in-MSTN-UI1']", "Board")
        .await;
    nav(c, "Profile").await;
    browser
        .wait_for_text("[data-testid=profile-name]", "Lakshmi Narayan")
        .await;
    click(c, "[data-testid=sign-out]").await;
    find(c, "[data-testid=login-username]").await;

    verify_in_hindi(&browser, &server).await;
    browser.close().await;
}
