//! The issuer and requester portals in headless Chromium, driven through
//! chromedriver: sign in, upload a CSV by hand, watch the task finish, read
//! the result; a partner edits its registered domains.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::support::*;

/// A chromedriver process with a headless Chromium session.
pub struct Browser {
    driver: Child,
    pub client: Client,
    _profile: tempfile::TempDir,
}

/// A tool named by `var` (set by `cargo xtask test`), else found on PATH.
fn tool(var: &str, name: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(var) {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} is needed for the browser tests: run `cargo xtask test`, which installs it"))
}

impl Browser {
    pub async fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(tool("OL_TEST_CHROMEDRIVER", "chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is needed for the browser tests: run `cargo xtask test`, which installs it");
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": tool("OL_TEST_CHROMIUM", "chromium"),
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--no-first-run", "--disable-component-update",
                         format!("--user-data-dir={}", profile.path().display())],
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        driver,
                        client,
                        _profile: profile,
                    };
                }
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not start a Chromium session: {last_error}");
    }

    pub async fn text_of(&self, css: &str) -> String {
        self.client.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
    }

    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        for _ in 0..300 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
                && text.contains(needle)
            {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} never showed {needle:?}; it shows {:?}", self.text_of(css).await);
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A wrong password is told plainly; the right one signs the issuer in.
async fn sign_in_after_a_wrong_password(browser: &Browser, issuer: &Issuer) {
    let c = &browser.client;
    type_into(c, "login-username", &issuer.username).await;
    type_into(c, "login-password", "wrong-password!").await;
    click_on(c, "login-submit").await;
    browser
        .wait_for_text("[data-testid=status-message]", "do not match")
        .await;

    type_into(c, "login-password", PASSWORD).await;
    click_on(c, "login-submit").await;
    browser.wait_for_text("#who", "cbse.nic.in").await;
    // The org id is in the portal section, shown (and so readable) only
    // once the tasks and doc types have loaded too.
    let org_id = browser.wait_for_text("#org-id", &issuer.org_id).await;
    assert_eq!(org_id, issuer.org_id);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_issuer_signs_in_uploads_a_csv_and_sees_the_task_finish() {
    let server = Server::start(&[]);
    let issuer = server.issuer("cbse.nic.in", &["MSTN"]);
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("june-marks.csv");
    let csv = row(&aadhaar(1), "cbse.nic.in", "MSTN", "W1", "A") + &row("123", "cbse.nic.in", "MSTN", "W2", "A");
    std::fs::write(&csv_path, csv).unwrap();

    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/issuer/")).await.unwrap();
    sign_in_after_a_wrong_password(&browser, &issuer).await;

    let file_input = c.find(Locator::Css("[data-testid=upload-file]")).await.unwrap();
    file_input.send_keys(csv_path.to_str().unwrap()).await.unwrap();
    click_on(c, "upload-submit").await;
    browser
        .wait_for_text("[data-testid=status-message]", "Uploaded june-marks.csv as task")
        .await;
    browser.wait_for_text("[data-testid=task-status]", "pending").await;

    let summary = tokio::task::spawn_blocking(move || {
        let summary = server.import_run();
        (server, summary)
    })
    .await
    .unwrap();
    let (server, summary) = summary;
    assert_eq!(summary["rows_rejected"], 1);
    browser.wait_for_text("[data-testid=task-status]", "done").await;
    let row_text = browser.text_of("[data-testid=task-row]").await;
    assert!(
        row_text.contains("june-marks.csv") && row_text.contains("upload"),
        "{row_text}"
    );

    // The rejected row is listed with its line, field and reason.
    c.find(Locator::XPath("//button[text()='Rejected rows']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let rejected = browser.wait_for_text("#rejections", "Aadhaar").await;
    assert!(rejected.contains('2') && rejected.contains("12 digits"), "{rejected}");
    browser.close().await;
    drop(server);
}

/// Clicks the element with this `data-testid`.
async fn click_on(c: &Client, testid: &str) {
    let element = c.find(Locator::Css(&format!("[data-testid={testid}]"))).await.unwrap();
    element.click().await.unwrap();
}

/// Types into the element with this `data-testid`, replacing its text.
async fn type_into(c: &Client, testid: &str, text: &str) {
    let field = c.find(Locator::Css(&format!("[data-testid={testid}]"))).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partner_signs_in_to_the_requester_portal_and_changes_its_domains() {
    let server = Server::start(&[]);
    let add = [
        "requester",
        "add",
        "--name",
        "Job portal",
        "--domain",
        "https://jobs.example.gov.in",
    ];
    let app_id = server.cli(&add).json()["app_id"].as_str().unwrap().to_owned();
    server.add_requester_user(&app_id, "hr@jobs");

    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/requester/")).await.unwrap();
    type_into(c, "login-username", "hr@jobs").await;
    type_into(c, "login-password", PASSWORD).await;
    click_on(c, "login-submit").await;
    browser.wait_for_text("#who", "Job portal").await;
    assert_eq!(browser.text_of("[data-testid=app-id]").await, app_id);

    type_into(
        c,
        "domains",
        "https://jobs.example.gov.in\nhttps://apply.example.gov.in",
    )
    .await;
    click_on(c, "settings-save").await;
    browser
        .wait_for_text("[data-testid=status-message]", "Saved your domains")
        .await;
    let listed = server.cli(&["requester", "list"]).json();
    assert_eq!(
        listed["requesters"][0]["domains"],
        serde_json::json!(["https://apply.example.gov.in", "https://jobs.example.gov.in"])
    );
    browser.close().await;
    drop(server);
}
