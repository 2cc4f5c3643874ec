//! Documents in the page: sign-up, an issued document opened live from its
//! repository and an upload downloaded back; Get documents with each of its
//! outcomes; an unavailable issuer told in the page.

use super::*;

/// Sign-up, with a mistyped Aadhaar number caught in the page first.
async fn sign_up_after_a_typo(browser: &Browser) {
    let c = &browser.client;
    nav(c, "Sign up").await;
    let mut typo = aadhaar(1);
    typo.replace_range(11.., if typo.ends_with('0') { "1" } else { "0" });
    fill(c, "[data-testid=signup-aadhaar]", &typo).await;
    fill(c, "[data-testid=signup-name]", "Asha Devi").await;
    fill(c, "[data-testid=signup-dob]", "1990-04-01").await;
    fill(c, "[data-testid=signup-mobile]", MOBILE).await;
    fill(c, "[data-testid=signup-password]", PASSWORD).await;
    click(c, "[data-testid=signup-submit]").await;
    status_says(browser, "not a valid Aadhaar").await;
    fill(c, "[data-testid=signup-aadhaar]", &aadhaar(1)).await;
    click(c, "[data-testid=signup-submit]").await;
    status_says(browser, "locker is open").await;
}

/// Open: a new tab shows the document, pulled live, byte for byte; then it
/// downloads.
async fn open_in_a_new_tab(browser: &Browser, doc_css: &str, uri: &str) {
    let c = &browser.client;
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
    let (status, bytes) = page_fetch(c, &format!("/api/issued/{}/file", uri)).await;
    assert_eq!((status, bytes.as_slice()), (200, PDF));
    click(c, &format!("{doc_css} [data-testid=doc-download]")).await;
    status_says(browser, &format!("Downloaded: {}.pdf", uri)).await;
}

/// A folder, and a file uploaded into it; downloaded, the bytes are the
/// ones uploaded.
async fn upload_into_a_folder_and_download(browser: &Browser, scan: &std::path::Path, scan_bytes: &[u8]) {
    let c = &browser.client;
    nav(c, "Uploaded Documents").await;
    fill(c, "[data-testid=folder-new]", "Marksheets").await;
    click(c, "[data-testid=folder-create]").await;
    find(c, "[data-testid=folder-item][data-folder=Marksheets]").await;
    select(c, "[data-testid=upload-folder]", "Marksheets").await;
    find(c, "[data-testid=upload-file]")
        .await
        .send_keys(scan.to_str().unwrap())
        .await
        .unwrap();
    click(c, "[data-testid=upload-submit]").await;
    status_says(browser, "Uploaded: scan.pdf").await;
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
    status_says(browser, "Downloaded: scan.pdf").await;
    let (status, bytes) = page_fetch(c, &format!("/api/uploaded/{id}/file")).await;
    assert_eq!(status, 200);
    assert!(bytes == scan_bytes, "the downloaded bytes differ");
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
    sign_up_after_a_typo(&browser).await;
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

    open_in_a_new_tab(&browser, &doc_css, &pair.uri).await;

    upload_into_a_folder_and_download(&browser, &scan, &scan_bytes).await;

    // Sign out: the session is gone for the page too.
    sign_out(&browser).await;
    assert_eq!(page_fetch(c, "/api/me").await.0, 401);
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
    status_says(&browser, "issuer is unavailable").await;
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
    select(c, "[data-testid=pull-issuer]", "CBSE").await;
    select(c, "[data-testid=pull-doc-type]", "Class X mark sheet").await;
    fill(c, "[data-field=RollNo]", "1234567").await;
    fill(c, "[data-field=Year]", "2024").await;

    // Saved, with a progress indicator while the issuer is asked.
    click(c, "[data-testid=pull-submit]").await;
    find(c, "[data-testid=pull-progress]").await;
    status_says(&browser, "Asking the issuer").await;
    c.execute("window.releasePull()", vec![]).await.unwrap();
    status_says(&browser, "Found and saved to Issued Documents").await;
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
async fn get_documents_finds_a_document_at_a_real_repository_marks_it_pulled_and_shows_its_certificate() {
    let s = tokio::task::spawn_blocking(|| crate::pull_search::setup(None))
        .await
        .unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&s.locker.url("/locker/get")).await.unwrap();
    sign_in(&browser, "9876543210").await;
    select_value(c, "[data-testid=pull-issuer]", "cbse.nic.in").await;
    select_value(c, "[data-testid=pull-doc-type]", "HSCER").await;
    fill(c, "[data-field=RollNo]", "1001").await;
    fill(c, "[data-field=Year]", "2023").await;
    click(c, "[data-testid=pull-submit]").await;
    status_says(&browser, "No document matched").await;
    fill(c, "[data-field=Year]", "2024").await;
    click(c, "[data-testid=pull-submit]").await;
    status_says(&browser, "Found and saved to Issued Documents").await;
    // Found again: it was there already.
    click(c, "[data-testid=pull-submit]").await;
    status_says(&browser, "already in Issued Documents").await;
    // A doc type the department verifies by hand answers pending (Status 9).
    select_value(c, "[data-testid=pull-doc-type]", "VERIF").await;
    fill(c, "[data-field=RollNo]", "1001").await;
    fill(c, "[data-field=Year]", "2024").await;
    click(c, "[data-testid=pull-submit]").await;
    status_says(&browser, "still preparing this document (pending)").await;

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
