//! The widgets in headless Chromium, with the partner page (www/demo/
//! partner.html) on a second loopback origin: the share popup from the
//! button to the upload callback and the document URL's bytes, the Shares
//! screen's revoke, every widget error code in the popup, a closed popup,
//! a popup without its page,
//! two buttons and one added later, the save popup (saved and refused),
//! the loader's size and manners on the page, the built files sent
//! pre-compressed, and the popup's first stage handing over to its app.

mod compression; // the app and the loader sent as brotli or gzip of the same bytes
mod first_stage; // the popup's sign-in drawn by its first stage, in Hindi, handed over to the app as typed
mod save; // saving through the popup, a refused save, the loader's size and single global
mod share; // sharing through the popup, each widget error, a lost page, a popup closed early

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

    /// The share popup's URL with a good request, as the loader opens it.
    fn share_popup_url(&self) -> String {
        let request = widget(&self.partner, &unix_now().to_string(), &self.site.origin, "share");
        let query: Vec<String> = ["app_id", "app_hash", "time_stamp", "origin"]
            .iter()
            .map(|k| format!("{k}={}", enc(request[k].as_str().unwrap())))
            .collect();
        self.server.url(&format!("/widget/share?{}", query.join("&")))
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
