//! Stored XSS (issue 15) in headless Chromium: an issuer's XML that is
//! XHTML with a script runs neither when its file URL is opened straight
//! nor when the resident opens it in the app.

use std::time::Duration;

use crate::browser::Browser;
use crate::hardening::XHTML;
use crate::live_pull::pair_with_document;
use crate::locker_ui::{click, new_window, sign_in};
use crate::support::*;

const MOBILE: &str = "9000000001";

/// What the document's script would have left in the locker origin's storage.
async fn script_trace(c: &fantoccini::Client) -> serde_json::Value {
    c.execute("return localStorage.getItem('xss')", vec![]).await.unwrap()
}

/// Opened in the app: a new tab shows it as text, and its script does not run.
async fn open_in_the_app_as_text(browser: &Browser, doc_css: &str) {
    let c = &browser.client;
    let main = c.window().await.unwrap();
    click(c, &format!("{doc_css} [data-testid=doc-open]")).await;
    browser.wait_for_text("[data-testid=status-message]", "Opened").await;
    c.switch_to_window(new_window(c, &main).await).await.unwrap();
    for _ in 0..100 {
        if c.current_url().await.unwrap().as_str().starts_with("blob:") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let shown_as = c.execute("return document.contentType", vec![]).await.unwrap();
    assert_eq!(shown_as, "text/plain", "the app shows an issuer's XML as text");
    assert_eq!(
        script_trace(c).await,
        serde_json::Value::Null,
        "the script ran in the app's tab"
    );
    c.close_window().await.unwrap();
    c.switch_to_window(main).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_script_in_an_issued_xhtml_document_does_not_run() {
    let pair = tokio::task::spawn_blocking(|| {
        let pair = pair_with_document(None, &[], "cert.xml", XHTML);
        let pushed = pair.push_with(&pair.push.api_key).json();
        assert_eq!(pushed["status"], 1, "{pushed}");
        pair.locker.import_run();
        pair.locker.resident(&aadhaar(1), MOBILE);
        pair
    })
    .await
    .unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&pair.locker.url("/locker/")).await.unwrap();
    sign_in(&browser, MOBILE).await;
    let doc_css = format!("[data-testid=doc-item][data-uri='{}']", pair.uri);
    browser.wait_for_text(&doc_css, "CBSE").await;

    open_in_the_app_as_text(&browser, &doc_css).await;

    // Its file URL opened straight (a link, a bookmark): a download, inert.
    let file_url = pair.locker.url(&format!("/api/issued/{}/file", pair.uri));
    let _ = tokio::time::timeout(Duration::from_secs(10), c.goto(&file_url)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    c.goto(&pair.locker.url("/locker/")).await.unwrap();
    assert_eq!(
        script_trace(c).await,
        serde_json::Value::Null,
        "the script ran at its file URL"
    );
    browser.close().await;
}
