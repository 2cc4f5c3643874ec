//! The save popup, and the loader: a document saved and a refused one, and
//! the loader small, loaded once, adding one global.

use super::*;

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

#[tokio::test(flavor = "multi_thread")]
async fn the_loader_is_small_loads_once_and_adds_one_global() {
    let s = Setup::new(&[]);
    let script = gzip_size(&s.server.url("/requester/api/1/dl.js"));
    let wasm = gzip_size(&s.server.url("/widget/loader.wasm"));
    assert!(
        script + wasm <= 4 * 1024,
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
