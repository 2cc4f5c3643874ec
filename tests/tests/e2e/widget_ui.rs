//! The widgets in headless Chromium, with the partner page (www/demo/
//! partner.html) on a second loopback origin: the share popup from the
//! button to the upload callback and the document URL's bytes, the Shares
//! screen's revoke, every widget error code in the popup, a closed popup,
//! a popup without its page,
//! two buttons and one added later, the save popup (saved and refused),
//! and the loader's size and manners on the page.

use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, Locator};

use crate::browser::Browser;
use crate::partner_site::{Page, PartnerSite};
use crate::shares::{Partner, open_db, partner_at, unix_now, widget};
use crate::support::*;

const MOBILE: &str = "9000000042";
const CERTIFICATE: &[u8] = b"%PDF-1.4\n% a certificate shared through the popup\n%%EOF\n";
const RECEIPT: &[u8] = b"%PDF-1.4\n% a fee receipt saved through the popup\n%%EOF\n";

/// A locker with a resident who has one uploaded PDF, and a partner site
/// registered as a requester, serving the demo page at `/apply`.
struct Setup {
    server: Server,
    site: PartnerSite,
    partner: Partner,
}

impl Setup {
    fn new(services: &[&str]) -> Setup {
        let server = Server::start(&[]);
        let site = PartnerSite::start();
        let partner = partner_at(&server, &site.origin, services);
        server.resident(&aadhaar(7), MOBILE);
        let http = server.login_resident(MOBILE);
        let uploaded = http.post(
            &server.url("/api/uploaded?name=certificate.pdf"),
            "application/pdf",
            CERTIFICATE,
        );
        assert_eq!(uploaded.status, 201, "{}", uploaded.text());
        site.serve("/upload", Page::ok("text/plain", b"SUCCESS"));
        let setup = Setup { server, site, partner };
        setup.serve_page("/apply", "");
        setup
    }

    /// Serves the demo page at `path`, with `extra_head` before `</head>`.
    fn serve_page(&self, path: &str, extra_head: &str) -> String {
        let time_stamp = unix_now().to_string();
        let request = widget(&self.partner, &time_stamp, &self.site.origin, "share");
        let doc_url = self.site.serve("/receipt.pdf", Page::ok("application/pdf", RECEIPT));
        let html = std::fs::read_to_string(format!("{WWW_DIR}/demo/partner.html"))
            .unwrap()
            .replace("{{LOCKER}}", &self.server.base)
            .replace("{{APP_ID}}", &self.partner.app_id)
            .replace("{{APP_HASH}}", request["app_hash"].as_str().unwrap())
            .replace("{{TIME_STAMP}}", &time_stamp)
            .replace("{{UPLOAD_URL}}", &format!("{}/upload", self.site.origin))
            .replace("{{DOC_URL}}", &doc_url)
            .replace("</head>", &format!("{extra_head}</head>"));
        self.site
            .serve(path, Page::ok("text/html; charset=utf-8", html.as_bytes()))
    }

    /// The form bodies of the upload callbacks received so far.
    fn callbacks(&self) -> Vec<Vec<(String, String)>> {
        self.site
            .received()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path == "/upload")
            .map(|r| form(&String::from_utf8(r.body).unwrap()))
            .collect()
    }
}

/// Decodes an `application/x-www-form-urlencoded` body.
fn form(body: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let bytes = s.replace('+', " ").into_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {form:?}"))
}

/// Percent-encodes a query value.
fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn find(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
}

async fn click(c: &Client, css: &str) {
    find(c, css).await.click().await.unwrap();
}

async fn fill(c: &Client, css: &str, text: &str) {
    let input = find(c, css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Clicks `button_css` on the partner page and switches to the popup it
/// opens; answers the page's window handle.
async fn open_popup(c: &Client, button_css: &str) -> WindowHandle {
    let page = c.window().await.unwrap();
    click(c, button_css).await;
    for _ in 0..300 {
        if let Some(popup) = c.windows().await.unwrap().into_iter().find(|w| *w != page) {
            c.switch_to_window(popup).await.unwrap();
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no popup opened");
}

async fn sign_in(browser: &Browser) {
    let c = &browser.client;
    fill(c, "[data-testid=login-username]", MOBILE).await;
    fill(c, "[data-testid=login-password]", PASSWORD).await;
    click(c, "[data-testid=login-submit]").await;
    browser.wait_for_text("[data-testid=status-message]", "Signed in").await;
}

/// Waits for the popup to be gone (it closes itself after its answer).
async fn popup_closed(c: &Client, page: &WindowHandle) {
    for _ in 0..300 {
        if c.windows().await.unwrap() == vec![page.clone()] {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the popup stayed open");
}

/// Waits for an attribute of the element at `css` to be `value`.
async fn wait_for_attr(c: &Client, css: &str, name: &str, value: &str) {
    let mut seen = None;
    for _ in 0..300 {
        seen = find(c, css).await.attr(name).await.unwrap();
        if seen.as_deref() == Some(value) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} has {name}={seen:?}, not {value:?}");
}

/// One share through the popup, from `button_css` on the page.
async fn share_through_popup(browser: &Browser, button_css: &str, first: bool) {
    let c = &browser.client;
    let page = open_popup(c, button_css).await;
    if first {
        sign_in(browser).await;
    }
    let consent = browser
        .wait_for_text("[data-testid=consent-requester]", "Job portal")
        .await;
    assert!(consent.contains("http://127.0.0.1:"), "{consent}");
    click(c, "[data-testid=consent-allow]").await;
    click(c, "[data-testid=doc-item][data-name='certificate.pdf']").await;
    click(c, "[data-testid=share-confirm]").await;
    c.switch_to_window(page.clone()).await.unwrap();
    popup_closed(c, &page).await;
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

    // The first share revoked on the Shares screen answers 410; the
    // second, expired, too.
    c.goto(&s.server.url("/locker/shares")).await.unwrap();
    let older = "[data-testid=share-row]:last-child";
    browser.wait_for_text(older, "Job portal").await;
    click(c, &format!("{older} [data-testid=share-revoke]")).await;
    browser
        .wait_for_text(&format!("{older} [data-testid=share-state]"), "Revoked")
        .await;
    let revoked = Http::new().get(&first_url);
    assert_eq!(revoked.status, 410, "{}", revoked.text());
    let db = open_db(&s.server);
    db.execute(
        "UPDATE shares SET expires_at = 1 WHERE id = (SELECT max(id) FROM shares)",
        &[],
    )
    .unwrap();
    let expired = Http::new().get(&second_url);
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
    let request = widget(&s.partner, &unix_now().to_string(), &s.site.origin, "share");
    let query: Vec<String> = ["app_id", "app_hash", "time_stamp", "origin"]
        .iter()
        .map(|k| format!("{k}={}", enc(request[k].as_str().unwrap())))
        .collect();
    let browser = Browser::start().await;
    let c = &browser.client;
    // Opened directly: no window.opener to answer.
    c.goto(&s.server.url(&format!("/widget/share?{}", query.join("&"))))
        .await
        .unwrap();
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

#[tokio::test(flavor = "multi_thread")]
async fn a_document_is_saved_through_the_popup_and_a_refused_one_fails() {
    let s = Setup::new(&[]);
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/apply", s.site.origin)).await.unwrap();
    let page = open_popup(c, "a#receipt").await;
    sign_in(&browser).await;
    browser.wait_for_text("[data-testid=consent-requester]", "save").await;
    click(c, "[data-testid=consent-allow]").await;
    fill(c, "[data-testid=folder-new]", "Receipts").await;
    click(c, "[data-testid=folder-create]").await;
    click(c, "[data-testid=folder-item][data-folder='Receipts']").await;
    click(c, "[data-testid=save-confirm]").await;
    c.switch_to_window(page.clone()).await.unwrap();
    popup_closed(c, &page).await;
    wait_for_attr(c, "a#receipt", "result", "SUCCESS").await;
    browser
        .wait_for_text("#events", "openlocker:save receipt SUCCESS")
        .await;
    let http = s.server.login_resident(MOBILE);
    let files = http.get(&s.server.url("/api/uploaded")).json();
    let saved = files
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == "Receipts")
        .unwrap_or_else(|| panic!("{files}"));
    let bytes = http.get(&s.server.url(&format!("/api/uploaded/{}/file", saved["id"])));
    assert_eq!(bytes.body, RECEIPT);

    // An href on an origin the partner did not register is refused.
    c.execute(
        "const a = document.createElement('a'); a.className = 'locker-saver'; a.id = 'elsewhere';
         a.href = arguments[0]; document.body.appendChild(a);",
        vec![serde_json::json!(s.server.url("/healthz"))],
    )
    .await
    .unwrap();
    let page = open_popup(c, "a#elsewhere").await;
    click(c, "[data-testid=consent-allow]").await;
    click(c, "[data-testid=folder-item][data-folder='']").await;
    click(c, "[data-testid=save-confirm]").await;
    browser.wait_for_text("[data-testid=popup-ended]", "not saved").await;
    c.switch_to_window(page).await.unwrap();
    wait_for_attr(c, "a#elsewhere", "result", "FAILURE").await;
    browser
        .wait_for_text("#events", "openlocker:save elsewhere FAILURE")
        .await;
    browser.close().await;
}

/// The bytes a browser that accepts gzip receives for `url`.
fn gzip_size(url: &str) -> usize {
    let mut resp = ureq::get(url).header("Accept-Encoding", "gzip").call().unwrap();
    assert_eq!(resp.status(), 200, "{url}");
    let encoding = resp
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(encoding.as_deref(), Some("gzip"), "{url}");
    let body = resp.body_mut().with_config().limit(10 << 20).read_to_vec().unwrap();
    body.len()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_loader_is_small_loads_once_and_adds_one_global() {
    let s = Setup::new(&[]);
    let script = gzip_size(&s.server.url("/requester/api/1/dl.js"));
    let wasm = gzip_size(&s.server.url("/widget/loader.wasm"));
    assert!(
        script + wasm <= 30 * 1024,
        "the loader fetches {script} + {wasm} bytes before its button works"
    );

    // dl.js loaded a second time, as savelocker.js.
    let twice = format!(
        "<script src=\"{}/savelocker/api/1/savelocker.js\"></script>",
        s.server.base
    );
    let url = s.serve_page("/twice", &twice);
    let plain = s.site.serve(
        "/plain",
        Page::ok("text/html", b"<!doctype html><title>plain</title><p>plain</p>"),
    );
    let browser = Browser::start().await;
    let c = &browser.client;
    // The globals a page without the loader gains (the iframe below, the
    // driver's own helpers) are the baseline.
    c.goto(&plain).await.unwrap();
    find(c, "p").await;
    let baseline = globals_report(c).await;
    c.goto(&url).await.unwrap();
    find(c, "#attachment_poi button.ol-dl-btn").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let report = globals_report(c).await;
    let added: Vec<&serde_json::Value> = report["added"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| !baseline["added"].as_array().unwrap().contains(k))
        .collect();
    assert_eq!(added, [&serde_json::json!("OpenLocker")], "{report} over {baseline}");
    assert_eq!(report["buttons"], 1, "{report}");
    assert_eq!(report["styles"], 1, "{report}");
    assert_eq!(report["jquery"], "undefinedundefined", "{report}");
    browser.close().await;
}

/// The page's own globals (those a blank frame lacks), and what the loader
/// put on it.
async fn globals_report(c: &Client) -> serde_json::Value {
    c.execute(
        "const frame = document.createElement('iframe');
         document.body.appendChild(frame);
         const added = Object.keys(window).filter(k => !(k in frame.contentWindow));
         frame.remove();
         return {
           added,
           buttons: document.querySelectorAll('#attachment_poi button').length,
           styles: document.querySelectorAll('#openlocker-loader-style').length,
           jquery: typeof window.jQuery + typeof window.$,
         };",
        vec![],
    )
    .await
    .unwrap()
}
