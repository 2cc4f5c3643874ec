//! Signed e-documents in headless Chromium: the resident's badge (verified
//! for a document signed by a trusted repository, a warning for an issuer
//! that is not trusted), the public `/verify/` page with a good and a
//! tampered certificate XML, and the QR button, whose link shows the
//! verified summary until it is revoked on the Shares screen.

use fantoccini::Locator;

use crate::browser::Browser;
use crate::locker_ui::{click, find, nav, sign_in};
use crate::pull_search::{PDF, setup};
use crate::verify_links::{pulled, trusted_pulled};

/// Picks `path` in a file input (a single-file input takes the new one).
async fn pick(c: &fantoccini::Client, css: &str, path: &str) {
    find(c, css).await.send_keys(path).await.unwrap();
}

fn doc_css(uri: &str) -> String {
    format!("[data-testid=doc-item][data-uri='{uri}']")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_qr_link_shows_the_verified_summary_until_it_is_revoked() {
    let (s, _) = tokio::task::spawn_blocking(trusted_pulled).await.unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&s.locker.url("/locker/issued")).await.unwrap();
    sign_in(&browser, "9876543210").await;
    let doc = doc_css(&s.uri);
    let badge = browser
        .wait_for_text(&format!("{doc} [data-testid=signature-valid]"), "Verified: issued by")
        .await;
    assert!(badge.len() > "Verified: issued by ".len(), "{badge}");
    click(c, &format!("{doc} [data-testid=verify-qr-button]")).await;
    let qr = find(c, &format!("{doc} [data-testid=verify-qr]")).await;
    let src = qr.attr("src").await.unwrap().unwrap();
    assert!(src.starts_with("data:image/svg+xml"), "{src}");
    let link = find(c, &format!("{doc} [data-testid=verify-link-url]")).await;
    let url = link.attr("href").await.unwrap().unwrap();
    assert!(url.starts_with(&s.locker.url("/verify/")), "{url}");

    c.goto(&url).await.unwrap();
    find(c, "[data-testid=verify-valid]").await;
    browser
        .wait_for_text("[data-testid=verify-issuer]", "cbse.nic.in")
        .await;
    browser.wait_for_text("[data-testid=verify-uri]", &s.uri).await;

    c.goto(&s.locker.url("/locker/shares")).await.unwrap();
    click(c, "[data-testid=verify-link-row] [data-testid=verify-link-revoke]").await;
    browser
        .wait_for_text("[data-testid=status-message]", "Verification link revoked")
        .await;
    c.goto(&url).await.unwrap();
    browser
        .wait_for_text("[data-testid=verify-not-found]", "does not work")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_document_whose_issuer_is_not_trusted_shows_the_warning_and_no_qr() {
    let s = tokio::task::spawn_blocking(|| {
        let s = setup(None);
        pulled(&s);
        s
    })
    .await
    .unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&s.locker.url("/locker/issued")).await.unwrap();
    sign_in(&browser, "9876543210").await;
    let doc = doc_css(&s.uri);
    browser
        .wait_for_text(&format!("{doc} [data-testid=signature-invalid]"), "does not hold")
        .await;
    browser
        .wait_for_text(
            &format!("{doc} [data-testid=signature-reason]"),
            "no certificate is trusted",
        )
        .await;
    let qr = c
        .find(Locator::Css(&format!("{doc} [data-testid=verify-qr-button]")))
        .await;
    assert!(qr.is_err(), "no QR code for a document that is not valid");
    // The same in Hindi.
    click(c, "[data-testid=lang-switch]").await;
    browser
        .wait_for_text(&format!("{doc} [data-testid=signature-invalid]"), "चेतावनी")
        .await;
    click(c, "[data-testid=lang-switch]").await;
    nav(c, "Issued Documents").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_verify_page_tells_a_good_xml_from_a_tampered_one_and_checks_the_pdf() {
    let (s, http) = tokio::task::spawn_blocking(trusted_pulled).await.unwrap();
    let xml = http.get(&s.locker.url(&format!("/api/issued/{}/xml", s.uri))).text();
    assert!(xml.contains("Asha Devi"), "{xml}");
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let (good, pdf) = (write("good.xml", xml.as_bytes()), write("doc.pdf", PDF));
    let tampered = write("tampered.xml", xml.replace("Asha Devi", "Usha Devi").as_bytes());
    let wrong_pdf = write("wrong.pdf", b"%PDF-1.7 another document");

    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&s.locker.url("/verify/")).await.unwrap();
    pick(c, "[data-testid=verify-xml]", &good).await;
    pick(c, "[data-testid=verify-pdf]", &pdf).await;
    click(c, "[data-testid=verify-submit]").await;
    find(c, "[data-testid=verify-result] [data-testid=verify-valid]").await;
    browser
        .wait_for_text("[data-testid=verify-issuer]", "cbse.nic.in")
        .await;
    browser.wait_for_text("[data-testid=verify-uri]", &s.uri).await;
    let matches = find(c, "[data-testid=verify-pdf-matches]").await;
    assert_eq!(matches.attr("data-matches").await.unwrap().as_deref(), Some("true"));

    pick(c, "[data-testid=verify-pdf]", &wrong_pdf).await;
    click(c, "[data-testid=verify-submit]").await;
    browser
        .wait_for_text("[data-testid=verify-pdf-matches]", "NOT the one")
        .await;

    c.goto(&s.locker.url("/verify/")).await.unwrap();
    pick(c, "[data-testid=verify-xml]", &tampered).await;
    click(c, "[data-testid=verify-submit]").await;
    find(c, "[data-testid=verify-result] [data-testid=verify-invalid]").await;
    browser
        .wait_for_text("[data-testid=verify-reason]", "does not verify")
        .await;
    assert!(
        c.find(Locator::Css("[data-testid=verify-issuer]")).await.is_err(),
        "nothing unverified is shown"
    );
    browser.close().await;
}
