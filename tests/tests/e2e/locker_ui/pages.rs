//! The page itself: the Hindi switch, a throttled sign-in done with the
//! keyboard alone, and files and folders changed in the page.

use super::*;

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

/// Upload at the top level, then rename the file and move it to
/// Certificates.
async fn upload_rename_and_move(browser: &Browser, png: &std::path::Path) {
    let c = &browser.client;
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
    select(c, &format!("{item} select"), "Certificates").await;
    click(c, &format!("{item} form.inline:last-child button[type=submit]")).await;
    find(
        c,
        "[data-testid=doc-item][data-name='passport photo.png'][data-folder=Certificates]",
    )
    .await;
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

    upload_rename_and_move(&browser, &png).await;
    let item = "[data-testid=doc-item][data-name='passport photo.png']";
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
    status_says(&browser, "Folder deleted").await;
    // Delete the file.
    click(c, &format!("{item} [data-testid=file-delete]")).await;
    status_says(&browser, "Deleted: passport photo.png").await;
    let http = server.login_resident("9000000009");
    assert_eq!(http.get(&server.url("/api/uploaded")).json(), serde_json::json!([]));
    let folders = http.get(&server.url("/api/folders")).json();
    assert_eq!(folders.as_array().unwrap().len(), 1, "{folders}");
    assert_eq!(folders[0]["name"], "Certificates");
    browser.close().await;
}
