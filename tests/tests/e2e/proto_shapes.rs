//! The JSON the real server sends, read into `openlocker-proto`'s types
//! (which the browser app reads it with) and written back: nothing is lost
//! or added, so the server can switch to the same types as they are.

use openlocker_proto::error::ErrorBody;
use openlocker_proto::locker::{ActivityPage, IssuedDoc, Me, PullOutcome, SearchableIssuer};
use openlocker_proto::signing::{Verdict, VerifyLinkCreated, VerifyLinkEntry, VerifySummary};
use openlocker_proto::uploads::{Folder, UploadedFile};
use openlocker_proto::widget::{CheckedRequester, Minted, ShareEntry};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::shares::{partner_at, unix_now, widget};
use crate::support::*;

const ORIGIN: &str = "http://127.0.0.1:9";

/// Reads `resp`'s JSON as `T` and checks that `T` writes the same JSON.
fn same_shape<T: Serialize + DeserializeOwned>(resp: &Resp) -> T {
    let json = resp.json();
    let read: T = serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(serde_json::to_value(&read).unwrap(), json);
    read
}

#[test]
fn every_resident_and_widget_answer_matches_the_shared_types() {
    let s = crate::pull_search::setup(None);
    let (locker, url) = (&s.locker, |path: &str| s.locker.url(path));
    let http = locker.login_resident("9876543210");
    let me: Me = same_shape(&http.get(&url("/api/me")));
    assert_eq!(me.mobile, "9876543210");
    let issuers: Vec<SearchableIssuer> = same_shape(&http.get(&url("/api/issuers")));
    assert!(!issuers.is_empty());
    let fields = serde_json::json!({ "RollNo": "1001", "Year": "2024" });
    let found = crate::pull_search::search(&http, locker, "HSCER", fields);
    assert!(matches!(same_shape(&found), PullOutcome::Saved { new: true, .. }));
    let docs: Vec<IssuedDoc> = same_shape(&http.get(&url("/api/issued")));
    assert_eq!(docs[0].uri, s.uri);

    assert_eq!(
        http.post_json(&url("/api/folders"), &serde_json::json!({ "name": "Jobs" }))
            .status,
        201
    );
    let folders: Vec<Folder> = same_shape(&http.get(&url("/api/folders")));
    let upload = format!("/api/uploaded?name=cv.pdf&folder={}", folders[0].id);
    let uploaded: UploadedFile = same_shape(&http.post(&url(&upload), "application/pdf", b"%PDF-1.4\n%%EOF\n"));
    assert_eq!(uploaded.folder.as_deref(), Some("Jobs"));
    let _: Vec<UploadedFile> = same_shape(&http.get(&url("/api/uploaded")));

    let p = partner_at(locker, ORIGIN, &[]);
    let request = widget(&p, &unix_now().to_string(), ORIGIN, "share");
    let checked: CheckedRequester = same_shape(&Http::new().post_json(&url("/widget/api/check"), &request));
    assert_eq!(checked.origin, ORIGIN);
    let body = serde_json::json!({ "widget": request, "doc": { "kind": "issued", "uri": s.uri } });
    let _: Minted = same_shape(&http.post_json(&url("/api/shares"), &body));
    let _: Vec<ShareEntry> = same_shape(&http.get(&url("/api/shares")));
    let _: ActivityPage = same_shape(&http.get(&url("/api/activity?limit=2")));
    let link_url = url(&format!("/api/issued/{}/verify-link", s.uri));
    let link: VerifyLinkCreated = same_shape(&http.post(&link_url, "application/json", b""));
    let _: Vec<VerifyLinkEntry> = same_shape(&http.get(&url("/api/verify-links")));
    let summary = url(&format!("/api/verify-links/{}/summary", link.token));
    let _: VerifySummary = same_shape(&Http::new().get(&summary));
    let xml = http.get(&url(&format!("/api/issued/{}/xml", s.uri))).body;
    let _: Verdict = same_shape(&Http::new().post(&url("/api/verify"), "application/xml", &xml));

    let refused = Http::new().post_json(&url("/widget/api/check"), &widget(&p, "0", ORIGIN, "share"));
    assert_eq!(same_shape::<ErrorBody>(&refused).code, Some(206));
    let bad = serde_json::json!({ "aadhaar": "1", "name": "A", "dob": "1990-01-01", "mobile": "9", "password": "p" });
    let refused = Http::new().post_json(&url("/api/signup"), &bad);
    assert_eq!(same_shape::<ErrorBody>(&refused).field.as_deref(), Some("aadhaar"));
}
