//! The resident portal (the Yew app at /locker/) in headless Chromium:
//! sign-up, sign-in, an issued document opened live from its repository,
//! folders and an upload downloaded back byte for byte, sign-out; the
//! Hindi switch; an unavailable issuer told in the page; a throttled
//! sign-in; Get documents; files and folders changed in the page.

mod documents; // sign-up, an issued document opened live, an upload kept; Get documents; an unavailable issuer
mod pages; // the Hindi switch, a throttled sign-in by keyboard, files and folders changed in the page

use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

use crate::browser::Browser;
use crate::live_pull::{PDF, pair};
use crate::support::*;

const MOBILE: &str = "9000000001";

pub async fn find(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
}

pub async fn fill(c: &Client, css: &str, text: &str) {
    let input = find(c, css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

pub async fn click(c: &Client, css: &str) {
    find(c, css).await.click().await.unwrap();
}

/// Picks the option shown as `label` in the select at `css`.
pub async fn select(c: &Client, css: &str, label: &str) {
    find(c, css).await.select_by_label(label).await.unwrap();
}

/// Picks the option of `value` in the select at `css`.
pub async fn select_value(c: &Client, css: &str, value: &str) {
    find(c, css).await.select_by_value(value).await.unwrap();
}

/// Waits for the status line to say `text`.
pub async fn status_says(browser: &Browser, text: &str) {
    browser.wait_for_text("[data-testid=status-message]", text).await;
}

/// Follows a navigation link by its (English) text.
pub async fn nav(c: &Client, text: &str) {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::LinkText(text))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub async fn sign_in(browser: &Browser, username: &str) {
    let c = &browser.client;
    fill(c, "[data-testid=login-username]", username).await;
    fill(c, "[data-testid=login-password]", PASSWORD).await;
    click(c, "[data-testid=login-submit]").await;
    browser.wait_for_text("[data-testid=status-message]", "Signed in").await;
}

async fn sign_out(browser: &Browser) {
    nav(&browser.client, "Profile").await;
    click(&browser.client, "[data-testid=sign-out]").await;
    status_says(browser, "Signed out").await;
    find(&browser.client, "[data-testid=login-username]").await;
}

/// Fetches `url` with the page's session and returns the bytes.
async fn page_fetch(c: &Client, url: &str) -> (u16, Vec<u8>) {
    let answer = c
        .execute_async(
            "const [url, done] = arguments;
             fetch(url).then(async r => done([r.status, Array.from(new Uint8Array(await r.arrayBuffer()))]))
               .catch(e => done([0, []]));",
            vec![serde_json::json!(url)],
        )
        .await
        .unwrap();
    let status = answer[0].as_u64().unwrap() as u16;
    let bytes = answer[1]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect();
    (status, bytes)
}

/// Waits for a second window and answers its handle.
pub async fn new_window(c: &Client, first: &fantoccini::wd::WindowHandle) -> fantoccini::wd::WindowHandle {
    for _ in 0..300 {
        let windows = c.windows().await.unwrap();
        if let Some(other) = windows.into_iter().find(|w| w != first) {
            return other;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no new tab opened");
}

/// Stands in for `GET /api/issuers` and `POST /api/pull` in the page (the
/// server side of Pull URI search is tested on its own): canned answers,
/// taken in order, and the requests kept for the test to read. An answer
/// with `"hold": true` waits until `window.releasePull()`.
const FAKE_PULL_API: &str = r#"
const [issuers, answers] = arguments;
const realFetch = window.fetch.bind(window);
window.pullRequests = [];
window.fetch = async (req, init) => {
  const url = typeof req === "string" ? req : req.url;
  if (url.endsWith("/api/issuers")) {
    return new Response(JSON.stringify(issuers), { status: 200, headers: { "Content-Type": "application/json" } });
  }
  if (url.endsWith("/api/pull")) {
    window.pullRequests.push({ body: JSON.parse(await req.clone().text()), csrf: req.headers.get("X-CSRF-Token") });
    const next = answers.shift();
    if (next.hold) await new Promise(resolve => { window.releasePull = resolve; });
    return new Response(JSON.stringify(next.body), { status: next.status, headers: { "Content-Type": "application/json" } });
  }
  return realFetch(req, init);
};
"#;
