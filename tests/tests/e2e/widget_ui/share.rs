//! The share popup: a share whose callback gets a working doc URL, each
//! widget error code, a page that is gone, a popup closed before choosing.

use super::*;

/// The first share revoked on the Shares screen answers 410; the second,
/// expired, too; the screen says so in English and Hindi.
async fn revoke_and_expire_on_the_shares_screen(s: &Setup, browser: &Browser, first_url: &str, second_url: &str) {
    let c = &browser.client;
    c.goto(&s.server.url("/locker/shares")).await.unwrap();
    let older = "[data-testid=share-row]:last-child";
    browser.wait_for_text(older, "Job portal").await;
    click(c, &format!("{older} [data-testid=share-revoke]")).await;
    browser
        .wait_for_text(&format!("{older} [data-testid=share-state]"), "Revoked")
        .await;
    let revoked = Http::new().get(first_url);
    assert_eq!(revoked.status, 410, "{}", revoked.text());
    let db = open_db(&s.server);
    db.execute(
        "UPDATE shares SET expires_at = 1 WHERE id = (SELECT max(id) FROM shares)",
        &[],
    )
    .unwrap();
    let expired = Http::new().get(second_url);
    assert_eq!(expired.status, 410, "{}", expired.text());
    c.refresh().await.unwrap();
    browser
        .wait_for_text(
            "[data-testid=share-row]:first-child [data-testid=share-state]",
            "Expired",
        )
        .await;
    // The screen in Hindi.
    click(c, "[data-testid=lang-switch]").await;
    browser.wait_for_text("#shares-title", "साझा किए गए दस्तावेज़").await;
    browser
        .wait_for_text(
            "[data-testid=share-row]:last-child [data-testid=share-state]",
            "रद्द किया गया",
        )
        .await;
}

/// The first share's callback: its user_ref and a doc_url that serves the
/// certificate.
fn first_callback(s: &Setup) -> (String, String) {
    let callbacks = s.callbacks();
    assert_eq!(callbacks.len(), 1, "{callbacks:?}");
    assert_eq!(field(&callbacks[0], "doc_id"), "attachment_poi");
    let user_ref = field(&callbacks[0], "user_ref").to_owned();
    assert!(!user_ref.is_empty());
    let first_url = field(&callbacks[0], "doc_url").to_owned();
    assert!(
        first_url.starts_with(&format!("{}/share/", s.server.base)),
        "{first_url}"
    );
    let fetched = Http::new().get(&first_url);
    assert_eq!(fetched.status, 200, "{}", fetched.text());
    assert_eq!(fetched.body, CERTIFICATE);
    (user_ref, first_url)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resident_shares_through_the_popup_and_the_callback_gets_a_working_doc_url() {
    let s = Setup::new(&[]);
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/apply", s.site.origin)).await.unwrap();
    // Both buttons, the small one marked as such.
    find(c, "#attachment_poi button.ol-dl-btn").await;
    find(c, "#attachment_poa button.ol-dl-btn.ol-dl-sm").await;

    share_through_popup(&browser, "#attachment_poi button", true).await;
    browser
        .wait_for_text("#events", "openlocker:share attachment_poi SUCCESS")
        .await;
    browser.wait_for_text("#attachment_poi .ol-dl-status", "shared").await;
    let (user_ref, first_url) = first_callback(&s);

    // The second button shares to its own doc_id; the session is kept.
    share_through_popup(&browser, "#attachment_poa button", false).await;
    browser
        .wait_for_text("#events", "openlocker:share attachment_poa SUCCESS")
        .await;
    let callbacks = s.callbacks();
    assert_eq!(callbacks.len(), 2, "{callbacks:?}");
    assert_eq!(field(&callbacks[1], "doc_id"), "attachment_poa");
    assert_eq!(field(&callbacks[1], "user_ref"), user_ref, "one user_ref per page");
    let second_url = field(&callbacks[1], "doc_url").to_owned();
    assert_ne!(second_url, first_url);

    // An element a script adds later gets its button too.
    c.execute(
        "const d = document.createElement('div'); d.className = 'share_fm_dl'; d.id = 'late';
         document.body.appendChild(d);",
        vec![],
    )
    .await
    .unwrap();
    find(c, "#late button.ol-dl-btn").await;

    revoke_and_expire_on_the_shares_screen(&s, &browser, &first_url, &second_url).await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_widget_error_code_is_shown_in_the_popup() {
    let s = Setup::new(&[]);
    let save_only = partner_at(&s.server, &s.site.origin, &["save"]);
    let origin = s.site.origin.clone();
    let now = unix_now().to_string();
    let stale = (unix_now() - 31 * 60).to_string();
    let good = widget(&s.partner, &now, &origin, "share");
    let mut cases = Vec::new();
    let mut wrong_hash = good.clone();
    wrong_hash["app_hash"] = serde_json::json!("0".repeat(64));
    cases.push((203, wrong_hash));
    let mut unknown = good.clone();
    unknown["app_id"] = serde_json::json!("RQNOSUCHAPP");
    cases.push((204, unknown));
    cases.push((205, widget(&s.partner, &now, "http://127.0.0.1:9", "share")));
    cases.push((206, widget(&s.partner, &stale, &origin, "share")));
    cases.push((207, widget(&save_only, &now, &origin, "share")));

    let browser = Browser::start().await;
    let c = &browser.client;
    for (code, request) in cases {
        let query: Vec<String> = ["app_id", "app_hash", "time_stamp", "origin"]
            .iter()
            .map(|k| format!("{k}={}", enc(request[k].as_str().unwrap())))
            .collect();
        c.goto(&s.server.url(&format!("/widget/share?{}", query.join("&"))))
            .await
            .unwrap();
        let text = browser
            .wait_for_text("[data-testid=widget-error]", &format!("Error {code}:"))
            .await;
        assert!(text.len() > 20, "a plain explanation: {text}");
        assert!(
            c.find(Locator::Css("[data-testid=login-username]")).await.is_err(),
            "{code}: no sign-in for a refused request"
        );
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_popup_whose_page_is_gone_says_so() {
    let s = Setup::new(&[]);
    let browser = Browser::start().await;
    let c = &browser.client;
    // Opened directly: no window.opener to answer.
    c.goto(&s.share_popup_url()).await.unwrap();
    sign_in(&browser).await;
    click(c, "[data-testid=consent-allow]").await;
    click(c, "[data-testid=doc-item][data-name='certificate.pdf']").await;
    click(c, "[data-testid=share-confirm]").await;
    browser
        .wait_for_text("[data-testid=popup-ended]", "no longer open")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_popup_closed_before_choosing_is_told_on_the_page() {
    let s = Setup::new(&[]);
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/apply", s.site.origin)).await.unwrap();
    let page = open_popup(c, "#attachment_poi button").await;
    find(c, "[data-testid=login-username]").await;
    c.close_window().await.unwrap();
    c.switch_to_window(page).await.unwrap();
    browser.wait_for_text("#attachment_poi .ol-dl-status", "closed").await;
    browser
        .wait_for_text("#events", "openlocker:share attachment_poi FAILURE")
        .await;
    assert!(s.callbacks().is_empty());
    browser.close().await;
}
