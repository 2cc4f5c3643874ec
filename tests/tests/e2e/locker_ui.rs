//! The resident portal (the Yew app at /locker/) in headless Chromium:
//! sign-up, sign-in, an issued document opened live from its repository,
//! folders and an upload downloaded back byte for byte, sign-out; the
//! Hindi switch; an unavailable issuer told in the page; a throttled
//! sign-in; Get documents; files and folders changed in the page.

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
    browser
        .wait_for_text("[data-testid=status-message]", "Signed out")
        .await;
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

#[tokio::test(flavor = "multi_thread")]
async fn a_resident_signs_up_opens_an_issued_document_and_keeps_an_uploaded_file() {
    let pair = tokio::task::spawn_blocking(|| {
        let pair = pair(None, &[]);
        let pushed = pair.push_with(&pair.push.api_key).json();
        assert_eq!(pushed["status"], 1, "{pushed}");
        pair.locker.import_run();
        pair
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("scan.pdf");
    let scan_bytes = b"%PDF-1.4\n% my own scan\n%%EOF\n".repeat(2000);
    std::fs::write(&scan, &scan_bytes).unwrap();

    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&pair.locker.url("/locker/")).await.unwrap();
    // Sign-up, with a mistyped Aadhaar number caught in the page first.
    nav(c, "Sign up").await;
    let mut typo = aadhaar(1);
    typo.replace_range(11.., if typo.ends_with('0') { "1" } else { "0" });
    fill(c, "[data-testid=signup-aadhaar]", &typo).await;
    fill(c, "[data-testid=signup-name]", "Asha Devi").await;
    fill(c, "[data-testid=signup-dob]", "1990-04-01").await;
    fill(c, "[data-testid=signup-mobile]", MOBILE).await;
    fill(c, "[data-testid=signup-password]", PASSWORD).await;
    click(c, "[data-testid=signup-submit]").await;
    browser
        .wait_for_text("[data-testid=status-message]", "not a valid Aadhaar")
        .await;
    fill(c, "[data-testid=signup-aadhaar]", &aadhaar(1)).await;
    click(c, "[data-testid=signup-submit]").await;
    browser
        .wait_for_text("[data-testid=status-message]", "locker is open")
        .await;
    // A sign-up is an unverified claim: an operator verifies it in person.
    pair.locker.verify_in_person(&aadhaar(1));

    // Sign out and in again; the issued document is listed.
    sign_out(&browser).await;
    sign_in(&browser, MOBILE).await;
    let doc_css = format!("[data-testid=doc-item][data-uri='{}']", pair.uri);
    let doc = browser.wait_for_text(&doc_css, "CBSE").await;
    assert!(
        doc.contains("Marks") && doc.contains("2024-05-01") && doc.contains("Valid"),
        "{doc}"
    );
    // The profile shows the Aadhaar number masked only.
    nav(c, "Profile").await;
    let masked = browser.wait_for_text("[data-testid=profile-aadhaar]", "XXXX").await;
    assert!(masked.ends_with(&aadhaar(1)[8..]), "{masked}");
    assert!(!c.source().await.unwrap().contains(&aadhaar(1)));

    // Open: a new tab shows the document, pulled live, byte for byte.
    nav(c, "Issued Documents").await;
    let main = c.window().await.unwrap();
    click(c, &format!("{doc_css} [data-testid=doc-open]")).await;
    browser.wait_for_text("[data-testid=status-message]", "Opened").await;
    let tab = new_window(c, &main).await;
    c.switch_to_window(tab).await.unwrap();
    let mut shown = String::new();
    for _ in 0..300 {
        shown = c.current_url().await.unwrap().to_string();
        if shown.starts_with("blob:") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(shown.starts_with("blob:"), "the tab shows {shown}");
    c.close_window().await.unwrap();
    c.switch_to_window(main).await.unwrap();
    // (The page's CSP keeps fetch() away from blob: URLs, so the bytes are
    // checked at the URL the app fetched them from, with its session.)
    let (status, bytes) = page_fetch(c, &format!("/api/issued/{}/file", pair.uri)).await;
    assert_eq!((status, bytes.as_slice()), (200, PDF));
    click(c, &format!("{doc_css} [data-testid=doc-download]")).await;
    browser
        .wait_for_text("[data-testid=status-message]", &format!("Downloaded: {}.pdf", pair.uri))
        .await;

    // A folder, and a file uploaded into it.
    nav(c, "Uploaded Documents").await;
    fill(c, "[data-testid=folder-new]", "Marksheets").await;
    click(c, "[data-testid=folder-create]").await;
    find(c, "[data-testid=folder-item][data-folder=Marksheets]").await;
    find(c, "[data-testid=upload-folder]")
        .await
        .select_by_label("Marksheets")
        .await
        .unwrap();
    find(c, "[data-testid=upload-file]")
        .await
        .send_keys(scan.to_str().unwrap())
        .await
        .unwrap();
    click(c, "[data-testid=upload-submit]").await;
    browser
        .wait_for_text("[data-testid=status-message]", "Uploaded: scan.pdf")
        .await;
    let item = find(
        c,
        "[data-testid=doc-item][data-name='scan.pdf'][data-folder=Marksheets]",
    )
    .await;
    let id = item.attr("data-id").await.unwrap().unwrap();

    // Download it: the bytes are the ones uploaded.
    click(
        c,
        "[data-testid=doc-item][data-name='scan.pdf'] [data-testid=file-download]",
    )
    .await;
    browser
        .wait_for_text("[data-testid=status-message]", "Downloaded: scan.pdf")
        .await;
    let (status, bytes) = page_fetch(c, &format!("/api/uploaded/{id}/file")).await;
    assert_eq!(status, 200);
    assert!(bytes == scan_bytes, "the downloaded bytes differ");

    // Sign out: the session is gone for the page too.
    sign_out(&browser).await;
    assert_eq!(page_fetch(c, "/api/me").await.0, 401);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_portal_switches_to_hindi_and_remembers_the_choice() {
    let server = Server::start(&[]);
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/locker/")).await.unwrap();
    browser.wait_for_text("[data-testid=login-submit]", "Sign in").await;
    click(c, "[data-testid=lang-switch]").await;
    browser.wait_for_text("[data-testid=login-submit]", "साइन इन करें").await;
    let label = browser.text_of("label[for=login-password]").await;
    assert_eq!(label, "पासवर्ड");
    // A reload keeps Hindi, and the page says so to screen readers.
    c.goto(&server.url("/locker/signup")).await.unwrap();
    browser.wait_for_text("[data-testid=signup-submit]", "साइन अप करें").await;
    let lang = find(c, "html").await.attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("hi"));
    // And back.
    click(c, "[data-testid=lang-switch]").await;
    browser.wait_for_text("[data-testid=signup-submit]", "Sign up").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unavailable_issuer_is_told_in_the_page() {
    let pair = tokio::task::spawn_blocking(|| {
        let pair = pair(Some("http://127.0.0.1:9/repository/api/pulldoc/1/xml"), &[]);
        pair.deliver();
        pair
    })
    .await
    .unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&pair.locker.url("/locker/issued")).await.unwrap();
    // A deep link asks for sign-in, then shows its screen.
    sign_in(&browser, MOBILE).await;
    let doc_css = format!("[data-testid=doc-item][data-uri='{}']", pair.uri);
    click(c, &format!("{doc_css} [data-testid=doc-open]")).await;
    browser
        .wait_for_text("[data-testid=status-message]", "issuer is unavailable")
        .await;
    // The tab opened for the document is closed again.
    for _ in 0..100 {
        if c.windows().await.unwrap().len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(c.windows().await.unwrap().len(), 1);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_throttled_sign_in_says_how_long_to_wait_with_the_keyboard_alone() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(7), "9000000007");
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/locker/")).await.unwrap();
    fill(c, "[data-testid=login-username]", &aadhaar(7)).await;
    let mut shown = String::new();
    for _ in 0..8 {
        let status = find(c, "[data-testid=status-message]").await;
        let before = status.attr("data-seq").await.unwrap();
        // Enter in the password field submits: no mouse needed.
        fill(c, "[data-testid=login-password]", "not-the-password\u{E007}").await;
        for _ in 0..300 {
            if status.attr("data-seq").await.unwrap() != before {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        shown = status.text().await.unwrap();
        if shown.contains("Too many failed sign-ins") {
            break;
        }
        assert!(shown.contains("do not match"), "{shown}");
    }
    assert!(
        shown.contains("Too many failed sign-ins") && shown.contains("seconds"),
        "{shown}"
    );
    browser.close().await;
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

#[tokio::test(flavor = "multi_thread")]
async fn get_documents_tells_saved_no_match_pending_and_unavailable_apart() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(8), "9000000008");
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/locker/")).await.unwrap();
    sign_in(&browser, "9000000008").await;
    let issuers = serde_json::json!([{ "issuer_id": "cbse.nic.in", "name": "CBSE", "doc_types": [
        { "code": "MSTN", "name": "Class X mark sheet", "fields": ["RollNo", "Year"], "sends_uid": false }
    ]}]);
    let answers = serde_json::json!([
        { "status": 201, "hold": true, "body": { "status": "saved", "uri": "cbse.nic.in-MSTN-1", "new": true, "message": "saved" } },
        { "status": 200, "body": { "status": "no_match", "message": "no match" } },
        { "status": 202, "body": { "status": "pending", "message": "pending" } },
        { "status": 502, "body": { "error": "upstream", "message": "issuer cbse.nic.in is unavailable" } },
    ]);
    c.execute(FAKE_PULL_API, vec![issuers, answers]).await.unwrap();
    nav(c, "Get documents").await;
    find(c, "[data-testid=pull-issuer]")
        .await
        .select_by_label("CBSE")
        .await
        .unwrap();
    find(c, "[data-testid=pull-doc-type]")
        .await
        .select_by_label("Class X mark sheet")
        .await
        .unwrap();
    fill(c, "[data-field=RollNo]", "1234567").await;
    fill(c, "[data-field=Year]", "2024").await;

    // Saved, with a progress indicator while the issuer is asked.
    click(c, "[data-testid=pull-submit]").await;
    find(c, "[data-testid=pull-progress]").await;
    browser
        .wait_for_text("[data-testid=status-message]", "Asking the issuer")
        .await;
    c.execute("window.releasePull()", vec![]).await.unwrap();
    browser
        .wait_for_text("[data-testid=status-message]", "Found and saved to Issued Documents")
        .await;
    let sent = c.execute("return window.pullRequests[0]", vec![]).await.unwrap();
    assert_eq!(
        sent["body"],
        serde_json::json!({ "issuer_id": "cbse.nic.in", "doc_type": "MSTN",
                            "fields": { "RollNo": "1234567", "Year": "2024" } })
    );
    assert!(sent["csrf"].as_str().is_some_and(|t| t.len() >= 16), "{sent}");

    for expected in [
        "No document matched",
        "still preparing this document (pending)",
        "issuer is unavailable",
    ] {
        click(c, "[data-testid=pull-submit]").await;
        browser.wait_for_text("[data-testid=status-message]", expected).await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn files_and_folders_are_renamed_moved_and_deleted_in_the_page() {
    let server = Server::start(&[]);
    server.resident(&aadhaar(9), "9000000009");
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("photo.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR a small picture").unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/locker/uploaded")).await.unwrap();
    sign_in(&browser, "9000000009").await;
    for name in ["Old", "Other"] {
        fill(c, "[data-testid=folder-new]", name).await;
        click(c, "[data-testid=folder-create]").await;
        find(c, &format!("[data-testid=folder-item][data-folder={name}]")).await;
    }
    // Rename a folder.
    click(
        c,
        "[data-testid=folder-item][data-folder=Old] button[aria-label='Rename Old']",
    )
    .await;
    fill(c, "#content form.inline input[type=text]", "Certificates").await;
    click(c, "[data-testid=folder-item] form.inline button[type=submit]").await;
    find(c, "[data-testid=folder-item][data-folder=Certificates]").await;

    // Upload at the top level, then rename and move the file.
    find(c, "[data-testid=upload-file]")
        .await
        .send_keys(png.to_str().unwrap())
        .await
        .unwrap();
    click(c, "[data-testid=upload-submit]").await;
    let item = "[data-testid=doc-item][data-name='photo.png']";
    find(c, item).await;
    click(c, &format!("{item} button.secondary")).await; // Rename
    fill(c, &format!("{item} input[type=text]"), "passport photo.png").await;
    click(c, &format!("{item} form.inline button[type=submit]")).await;
    let item = "[data-testid=doc-item][data-name='passport photo.png']";
    find(c, item).await;
    find(c, &format!("{item} select"))
        .await
        .select_by_label("Certificates")
        .await
        .unwrap();
    click(c, &format!("{item} form.inline:last-child button[type=submit]")).await;
    find(
        c,
        "[data-testid=doc-item][data-name='passport photo.png'][data-folder=Certificates]",
    )
    .await;
    // A folder with a file cannot be deleted; an empty one can.
    let delete_full = find(
        c,
        "[data-testid=folder-item][data-folder=Certificates] button[aria-label='Delete Certificates']",
    )
    .await;
    assert_eq!(delete_full.attr("disabled").await.unwrap().as_deref(), Some("true"));
    click(
        c,
        "[data-testid=folder-item][data-folder=Other] button[aria-label='Delete Other']",
    )
    .await;
    browser
        .wait_for_text("[data-testid=status-message]", "Folder deleted")
        .await;
    // Delete the file.
    click(c, &format!("{item} [data-testid=file-delete]")).await;
    browser
        .wait_for_text("[data-testid=status-message]", "Deleted: passport photo.png")
        .await;
    let http = server.login_resident("9000000009");
    assert_eq!(http.get(&server.url("/api/uploaded")).json(), serde_json::json!([]));
    let folders = http.get(&server.url("/api/folders")).json();
    assert_eq!(folders.as_array().unwrap().len(), 1, "{folders}");
    assert_eq!(folders[0]["name"], "Certificates");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn get_documents_finds_a_document_at_a_real_repository_marks_it_pulled_and_shows_its_certificate() {
    let s = tokio::task::spawn_blocking(|| crate::pull_search::setup(None))
        .await
        .unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&s.locker.url("/locker/get")).await.unwrap();
    sign_in(&browser, "9876543210").await;
    find(c, "[data-testid=pull-issuer]")
        .await
        .select_by_value("cbse.nic.in")
        .await
        .unwrap();
    find(c, "[data-testid=pull-doc-type]")
        .await
        .select_by_value("HSCER")
        .await
        .unwrap();
    fill(c, "[data-field=RollNo]", "1001").await;
    fill(c, "[data-field=Year]", "2023").await;
    click(c, "[data-testid=pull-submit]").await;
    browser
        .wait_for_text("[data-testid=status-message]", "No document matched")
        .await;
    fill(c, "[data-field=Year]", "2024").await;
    click(c, "[data-testid=pull-submit]").await;
    browser
        .wait_for_text("[data-testid=status-message]", "Found and saved to Issued Documents")
        .await;
    // Found again: it was there already.
    click(c, "[data-testid=pull-submit]").await;
    browser
        .wait_for_text("[data-testid=status-message]", "already in Issued Documents")
        .await;
    // A doc type the department verifies by hand answers pending (Status 9).
    find(c, "[data-testid=pull-doc-type]")
        .await
        .select_by_value("VERIF")
        .await
        .unwrap();
    fill(c, "[data-field=RollNo]", "1001").await;
    fill(c, "[data-field=Year]", "2024").await;
    click(c, "[data-testid=pull-submit]").await;
    browser
        .wait_for_text(
            "[data-testid=status-message]",
            "still preparing this document (pending)",
        )
        .await;

    nav(c, "Issued Documents").await;
    let doc_css = format!("[data-testid=doc-item][data-uri='{}']", s.uri);
    browser
        .wait_for_text(&format!("{doc_css} [data-testid=pulled]"), "Pulled")
        .await;
    // Its details come from the certificate XML the issuer sent (DataContent).
    click(c, &format!("{doc_css} [data-testid=doc-details]")).await;
    let doc_id = s.uri.rsplit('-').next().unwrap();
    browser
        .wait_for_text(&format!("{doc_css} [data-testid=cert-number]"), doc_id)
        .await;
    browser
        .wait_for_text(&format!("{doc_css} [data-testid=cert-issued-to]"), "Asha Devi")
        .await;
    browser.close().await;
}
