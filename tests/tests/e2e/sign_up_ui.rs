//! Sign-up in the resident web app (headless Chromium) with Aadhaar numbers
//! of every shape, made by the independent Verhoeff of `openlocker_tests`:
//! every digit 0 to 9 fifth from the right (the browser's own copy of the
//! tables once refused 6 to 9), every leading digit, typed with and without
//! spaces. A number with a wrong check digit is refused in the page, before
//! the server is asked.

use fantoccini::Client;

use crate::browser::Browser;
use crate::locker_ui::{click, fill};
use crate::support::*;

/// Eleven digits starting with `lead` whose fourth from the right (the
/// fifth of the whole number, with its check digit) is `fifth`.
fn body(lead: u8, fifth: u8, salt: u64) -> String {
    let middle = format!("{:09}", (salt * 7_919 + 1_234_567) % 1_000_000_000);
    let mut body = format!("{lead}{middle}0").into_bytes();
    body[7] = b'0' + fifth;
    body[10] = b'0' + (salt % 10) as u8;
    String::from_utf8(body).unwrap()
}

/// `1234 5678 9012`, as people copy it from the card.
fn grouped(number: &str) -> String {
    format!("{} {} {}", &number[..4], &number[4..8], &number[8..])
}

async fn fill_sign_up(c: &Client, aadhaar: &str, mobile: &str) {
    fill(c, "[data-testid=signup-aadhaar]", aadhaar).await;
    fill(c, "[data-testid=signup-name]", "Meera Nair").await;
    fill(c, "[data-testid=signup-dob]", "1987-11-23").await;
    fill(c, "[data-testid=signup-mobile]", mobile).await;
    fill(c, "[data-testid=signup-password]", PASSWORD).await;
    click(c, "[data-testid=signup-submit]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_accepts_valid_aadhaar_numbers_of_every_shape_and_refuses_a_wrong_check_digit() {
    let server = tokio::task::spawn_blocking(|| Server::start(&[])).await.unwrap();
    let browser = Browser::start().await;
    let c = &browser.client;
    let signup_page = server.url("/locker/signup");

    // A wrong check digit, in the range the old browser tables got wrong.
    let valid = openlocker_tests::verhoeff::aadhaar(&body(5, 7, 3));
    let wrong = format!("{}{}", &valid[..11], (valid.as_bytes()[11] - b'0' + 1) % 10);
    c.goto(&signup_page).await.unwrap();
    fill_sign_up(c, &wrong, "9100000000").await;
    browser
        .wait_for_text("[data-testid=status-message]", "not a valid Aadhaar")
        .await;
    assert_eq!(c.current_url().await.unwrap().path(), "/locker/signup");
    let logs = server.logs();
    assert!(logs.contains("/api/me"), "request lines are logged: {logs}");
    assert!(!logs.contains("/api/signup"), "the server was asked: {logs}");

    let mut numbers = Vec::new();

    for fifth in 0..=9u8 {
        let lead = 2 + fifth % 8;
        let number = openlocker_tests::verhoeff::aadhaar(&body(lead, fifth, u64::from(fifth)));
        assert_eq!(number.as_bytes()[7], b'0' + fifth);
        let typed = if fifth % 2 == 0 {
            grouped(&number)
        } else {
            number.clone()
        };
        c.delete_all_cookies().await.unwrap();
        c.goto(&signup_page).await.unwrap();
        fill_sign_up(c, &typed, &format!("91000000{fifth:02}")).await;
        browser
            .wait_for_text("[data-testid=status-message]", "locker is open")
            .await;
        numbers.push(number);
    }
    browser.close().await;
    // Each locker is there, under its own number.
    tokio::task::spawn_blocking(move || {
        for number in numbers {
            let me = server.login_resident(&number).get(&server.url("/api/me")).json();
            assert_eq!(me["aadhaar"], format!("XXXX XXXX {}", &number[8..]));
        }
    })
    .await
    .unwrap();
}
