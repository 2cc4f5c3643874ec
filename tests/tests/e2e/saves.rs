//! "Save to DigiLocker" through the API: the locker fetches a partner
//! site's document on the server side, under every limit, into Uploaded
//! Documents.

use crate::partner_site::{Page, PartnerSite};
use crate::shares::{Partner, partner_at, unix_now, widget, widget_code};
use crate::support::*;

const PDF: &[u8] = b"%PDF-1.4\n% a fee receipt\n%%EOF\n";

struct Setup {
    server: Server,
    site: PartnerSite,
    partner: Partner,
    http: Http,
    folder_id: i64,
    _dir: tempfile::TempDir,
}

/// A locker whose residents may upload at most 1,000 bytes a file, a
/// partner site registered for both services, and a signed-in resident with
/// a folder.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("openlocker.toml");
    std::fs::write(
        &config,
        "resident_file_max_bytes = 1000\nupstream_timeout_seconds = 5\n",
    )
    .unwrap();
    let server = Server::start(&["--config", config.to_str().unwrap()]);
    let site = PartnerSite::start();
    let partner = partner_at(&server, &site.origin, &[]);
    server.resident(&aadhaar(1), "9876543210");
    let http = server.login_resident("9876543210");
    let folder = http.post_json(&server.url("/api/folders"), &serde_json::json!({ "name": "Receipts" }));
    assert_eq!(folder.status, 201, "{}", folder.text());
    Setup {
        folder_id: folder.json()["id"].as_i64().unwrap(),
        server,
        site,
        partner,
        http,
        _dir: dir,
    }
}

impl Setup {
    fn save(&self, href: &str) -> Resp {
        self.save_as(&self.partner, &unix_now().to_string(), href)
    }

    fn save_as(&self, partner: &Partner, time_stamp: &str, href: &str) -> Resp {
        let body = serde_json::json!({
            "widget": widget(partner, time_stamp, &self.site.origin, "save"),
            "href": href,
            "folder_id": self.folder_id,
        });
        self.http.post_json(&self.server.url("/api/saves"), &body)
    }
}

#[test]
fn a_saved_document_lands_in_the_chosen_folder_with_identical_bytes() {
    let s = setup();
    let href = s.site.serve(
        "/receipts/download?id=7",
        Page::ok("application/octet-stream", PDF)
            .with_header("Content-Disposition", r#"attachment; filename="fee-receipt.pdf""#),
    );
    let saved = s.save(&href);
    assert_eq!(saved.status, 201, "{}", saved.text());
    assert_eq!(saved.json()["name"], "fee-receipt.pdf");
    assert_eq!(saved.json()["folder"], "Receipts");
    assert_eq!(saved.json()["content_type"], "application/pdf");
    let fetches: Vec<_> = s
        .site
        .received()
        .into_iter()
        .filter(|r| r.path == "/receipts/download?id=7")
        .collect();
    assert_eq!(fetches.len(), 1, "the locker fetched it once, itself");
    assert_eq!((fetches[0].method.as_str(), fetches[0].body.len()), ("GET", 0));

    let listed = s.http.get(&s.server.url("/api/uploaded")).json();
    let file = &listed.as_array().unwrap()[0];
    assert_eq!(file["name"], "fee-receipt.pdf");
    let bytes = s.http.get(&s.server.url(&format!("/api/uploaded/{}/file", file["id"])));
    assert_eq!(bytes.body, PDF);

    // Saved again: a second file beside the first, not a clash.
    let again = s.save(&href);
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.json()["name"], "fee-receipt (2).pdf");
    // Named from the URL when there is no Content-Disposition; same-origin
    // redirects are followed.
    s.site
        .serve("/files/admit%20card.pdf", Page::ok("application/pdf", PDF));
    let moved = s.site.serve("/old", Page::redirect("/files/admit%20card.pdf"));
    let by_url = s.save(&moved);
    assert_eq!(by_url.status, 201, "{}", by_url.text());
    assert_eq!(by_url.json()["name"], "admit card.pdf");

    let activity = s.http.get(&s.server.url("/api/activity")).json();
    assert!(activity.to_string().contains("\"saved\""), "{activity}");
}

#[test]
fn documents_off_the_registered_origin_are_refused() {
    let s = setup();
    let elsewhere = PartnerSite::start();
    let foreign = elsewhere.serve("/x.pdf", Page::ok("application/pdf", PDF));
    let refused = s.save(&foreign);
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert!(refused.text().contains("registered domains"), "{}", refused.text());

    let hop = s.site.serve("/hop.pdf", Page::redirect(&foreign));
    let redirected = s.save(&hop);
    assert_eq!(redirected.status, 403, "{}", redirected.text());
    assert!(redirected.text().contains("another origin"), "{}", redirected.text());
    let listed = s.http.get(&s.server.url("/api/uploaded")).json();
    assert_eq!(listed, serde_json::json!([]), "nothing was saved");
}

#[test]
fn too_large_wrong_type_and_unreachable_documents_are_refused() {
    let s = setup();
    let mut big = PDF.to_vec();
    big.resize(1001, b' ');
    let too_large = s.save(&s.site.serve("/big.pdf", Page::ok("application/pdf", &big)));
    assert_eq!(too_large.status, 413, "{}", too_large.text());

    let text = s.save(
        &s.site
            .serve("/fake.pdf", Page::ok("application/pdf", b"just some text, not a PDF")),
    );
    assert_eq!(text.status, 415, "{}", text.text());

    let missing = s.save(&format!("{}/nothing-here.pdf", s.site.origin));
    assert_eq!(missing.status, 502, "{}", missing.text());
    assert!(missing.text().contains("HTTP 404"), "{}", missing.text());

    let listed = s.http.get(&s.server.url("/api/uploaded")).json();
    assert_eq!(listed, serde_json::json!([]), "nothing was saved");
}

#[test]
fn a_partner_site_that_stalls_mid_document_is_a_gateway_timeout() {
    let s = setup();
    let mut slow = Page::ok("application/pdf", PDF);
    slow.stall = Some(std::time::Duration::from_secs(8));
    let stalled = s.save(&s.site.serve("/slow.pdf", slow));
    assert_eq!(stalled.status, 504, "{}", stalled.text());
    let listed = s.http.get(&s.server.url("/api/uploaded")).json();
    assert_eq!(listed, serde_json::json!([]), "nothing was saved");
}

#[test]
fn a_save_needs_good_widget_details() {
    let s = setup();
    let href = s.site.serve("/r.pdf", Page::ok("application/pdf", PDF));
    let stale = (unix_now() - 3600).to_string();
    assert_eq!(widget_code(&s.save_as(&s.partner, &stale, &href)), 206);
    let share_only = partner_at(&s.server, &s.site.origin, &["share"]);
    assert_eq!(
        widget_code(&s.save_as(&share_only, &unix_now().to_string(), &href)),
        207
    );
    let wrong_key = Partner {
        app_id: s.partner.app_id.clone(),
        app_key: "not-the-key".into(),
    };
    assert_eq!(widget_code(&s.save_as(&wrong_key, &unix_now().to_string(), &href)), 203);
    let unknown_app = Partner {
        app_id: "RQNOSUCHAPP0".into(),
        app_key: s.partner.app_key.clone(),
    };
    assert_eq!(
        widget_code(&s.save_as(&unknown_app, &unix_now().to_string(), &href)),
        204
    );
    // A page on an origin the app did not register.
    let mut elsewhere = widget(&s.partner, &unix_now().to_string(), "https://evil.example", "save");
    elsewhere = serde_json::json!({ "widget": elsewhere, "href": href, "folder_id": s.folder_id });
    assert_eq!(
        widget_code(&s.http.post_json(&s.server.url("/api/saves"), &elsewhere)),
        205
    );
    let listed = s.http.get(&s.server.url("/api/uploaded")).json();
    assert_eq!(listed, serde_json::json!([]), "nothing was saved");
}
