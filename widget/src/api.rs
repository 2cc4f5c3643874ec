//! Every endpoint the app calls, as a typed function: the only place that
//! names a server URL. The JSON types come from `openlocker-proto`, which
//! the server uses too. Calls that change state take the session's CSRF
//! token.

mod transport;

use gloo_net::http::Method;
use openlocker_proto::locker::{
    ActivityPage, IssuedDoc, Login, Me, OtpSent, PullOutcome, PullRequest, SearchableIssuer, SignUp,
};
use openlocker_proto::oauth::{Connection, ConsentDecision, ConsentRedirect, ConsentRequest};
use openlocker_proto::signing::{Verdict, VerifyLinkCreated, VerifyLinkEntry, VerifySummary};
use openlocker_proto::uploads::{FileChange, Folder, FolderName, UploadedFile};
use openlocker_proto::widget::{CheckedRequester, Minted, SaveRequest, ShareEntry, ShareRequest, WidgetRequest};
use serde::de::IgnoredAny;
use transport::{call, encode, fetch_blob, get, get_text, post_form, post_public};

/// A refusal or failure, from the server's error body or the network.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The HTTP status; 0 when the server could not be reached.
    pub status: u16,
    pub message: String,
    /// The field a refused form value belongs to.
    pub field: Option<String>,
    /// Seconds to wait, for a throttled sign-in (429).
    pub retry_after: Option<String>,
    /// The widget error code (203 to 207) of a refused widget request.
    pub code: Option<u16>,
}

impl ApiError {
    /// The issuer's repository did not answer (502, 504).
    pub fn issuer_unavailable(&self) -> bool {
        matches!(self.status, 502 | 504)
    }
}

/// What the calls answer.
pub type ApiResult<T> = Result<T, ApiError>;

/// `GET /api/me`: who is signed in.
pub async fn me() -> ApiResult<Me> {
    get("/api/me").await
}

/// `POST /api/login`: opens a session (its cookie).
pub async fn sign_in(login: &Login) -> ApiResult<()> {
    post_public::<_, IgnoredAny>("/api/login", login).await.map(drop)
}

/// `POST /api/signup`: opens a locker and signs in.
pub async fn sign_up(form: &SignUp) -> ApiResult<()> {
    post_public::<_, IgnoredAny>("/api/signup", form).await.map(drop)
}

/// `POST /api/logout`, or with `everywhere` `POST /api/logout-everywhere`.
pub async fn sign_out(csrf: &str, everywhere: bool) -> ApiResult<()> {
    let url = if everywhere {
        "/api/logout-everywhere"
    } else {
        "/api/logout"
    };
    call::<(), IgnoredAny>(Method::POST, url, csrf, None).await.map(drop)
}

/// `POST /api/identity/otp`: asks the e-KYC provider to send an OTP to the
/// mobile number on the resident's Aadhaar.
pub async fn identity_otp(csrf: &str) -> ApiResult<OtpSent> {
    call(Method::POST, "/api/identity/otp", csrf, Some(&serde_json::json!({}))).await
}

/// `POST /api/identity/verify`: proves the number with the OTP.
pub async fn identity_verify(csrf: &str, txn: &str, otp: &str) -> ApiResult<()> {
    let body = serde_json::json!({ "txn": txn, "otp": otp });
    call::<_, IgnoredAny>(Method::POST, "/api/identity/verify", csrf, Some(&body))
        .await
        .map(drop)
}

/// `GET /api/issued`.
pub async fn issued() -> ApiResult<Vec<IssuedDoc>> {
    get("/api/issued").await
}

/// `GET /api/issued/{uri}/xml`: the document's certificate XML, `None` when
/// its issuer gave none.
pub async fn issued_xml(uri: &str) -> ApiResult<Option<String>> {
    get_text(&format!("/api/issued/{}/xml", encode(uri))).await
}

/// `GET /api/issued/{uri}/file`: the document, pulled live from its issuer.
pub async fn issued_file(uri: &str) -> ApiResult<web_sys::Blob> {
    fetch_blob(&format!("/api/issued/{}/file", encode(uri))).await
}

/// `GET /api/issuers`: the issuers that can be searched (404 when this
/// locker has no Pull URI search).
pub async fn issuers() -> ApiResult<Vec<SearchableIssuer>> {
    get("/api/issuers").await
}

/// `POST /api/pull`: a Pull URI search.
pub async fn pull(csrf: &str, request: &PullRequest) -> ApiResult<PullOutcome> {
    call(Method::POST, "/api/pull", csrf, Some(request)).await
}

/// `GET /api/activity?limit=N&before=ID`: a page of the log.
pub async fn activity(before: Option<i64>, limit: u32) -> ApiResult<ActivityPage> {
    let mut url = format!("/api/activity?limit={limit}");
    if let Some(before) = before {
        url.push_str(&format!("&before={before}"));
    }
    get(&url).await
}

/// `GET /api/folders`.
pub async fn folders() -> ApiResult<Vec<Folder>> {
    get("/api/folders").await
}

/// `POST /api/folders`.
pub async fn create_folder(csrf: &str, name: &str) -> ApiResult<()> {
    let body = FolderName { name: name.to_owned() };
    call::<_, IgnoredAny>(Method::POST, "/api/folders", csrf, Some(&body))
        .await
        .map(drop)
}

/// `PUT /api/folders/{id}`.
pub async fn rename_folder(csrf: &str, id: i64, name: &str) -> ApiResult<()> {
    let body = FolderName { name: name.to_owned() };
    let url = format!("/api/folders/{id}");
    call::<_, IgnoredAny>(Method::PUT, &url, csrf, Some(&body))
        .await
        .map(drop)
}

/// `DELETE /api/folders/{id}` (an empty folder only).
pub async fn delete_folder(csrf: &str, id: i64) -> ApiResult<()> {
    let url = format!("/api/folders/{id}");
    call::<(), IgnoredAny>(Method::DELETE, &url, csrf, None).await.map(drop)
}

/// `GET /api/uploaded`.
pub async fn uploaded() -> ApiResult<Vec<UploadedFile>> {
    get("/api/uploaded").await
}

/// `GET /api/uploaded/{id}/file`.
pub async fn uploaded_file(id: i64) -> ApiResult<web_sys::Blob> {
    fetch_blob(&format!("/api/uploaded/{id}/file")).await
}

/// `POST /api/uploaded?name=N&folder=ID`, the file as the body; `progress`
/// gets (sent, total) bytes, `done` the outcome.
pub fn upload(
    csrf: &str,
    file: &web_sys::File,
    folder: Option<i64>,
    progress: impl Fn(f64, f64) + 'static,
    done: impl Fn(ApiResult<()>) + 'static,
) -> ApiResult<()> {
    let mut url = format!("/api/uploaded?name={}", encode(&file.name()));
    if let Some(folder) = folder {
        url.push_str(&format!("&folder={folder}"));
    }
    transport::upload(&url, csrf, file, progress, done)
}

/// `PUT /api/uploaded/{id}`: rename and/or move.
pub async fn change_file(csrf: &str, id: i64, change: &FileChange) -> ApiResult<()> {
    let url = format!("/api/uploaded/{id}");
    call::<_, IgnoredAny>(Method::PUT, &url, csrf, Some(change))
        .await
        .map(drop)
}

/// `DELETE /api/uploaded/{id}`.
pub async fn delete_file(csrf: &str, id: i64) -> ApiResult<()> {
    let url = format!("/api/uploaded/{id}");
    call::<(), IgnoredAny>(Method::DELETE, &url, csrf, None).await.map(drop)
}

/// `GET /api/shares`.
pub async fn shares() -> ApiResult<Vec<ShareEntry>> {
    get("/api/shares").await
}

/// `POST /api/shares/{id}/revoke`.
pub async fn revoke_share(csrf: &str, id: i64) -> ApiResult<()> {
    let url = format!("/api/shares/{id}/revoke");
    call::<(), IgnoredAny>(Method::POST, &url, csrf, None).await.map(drop)
}

/// `GET /api/oauth/requests/{id}`: what a partner app asks.
pub async fn consent_request(id: &str) -> ApiResult<ConsentRequest> {
    get(&format!("/api/oauth/requests/{}", encode(id))).await
}

/// `POST /api/oauth/requests/{id}`: allow or deny; where to go next.
pub async fn consent_decide(csrf: &str, id: &str, allow: bool) -> ApiResult<ConsentRedirect> {
    let url = format!("/api/oauth/requests/{}", encode(id));
    call(Method::POST, &url, csrf, Some(&ConsentDecision { allow })).await
}

/// `GET /api/connections`: the connected apps.
pub async fn connections() -> ApiResult<Vec<Connection>> {
    get("/api/connections").await
}

/// `POST /api/connections/{id}/revoke`.
pub async fn revoke_connection(csrf: &str, id: i64) -> ApiResult<()> {
    let url = format!("/api/connections/{id}/revoke");
    call::<(), IgnoredAny>(Method::POST, &url, csrf, None).await.map(drop)
}

/// `POST /api/shares`: mints the document URL for the partner.
pub async fn share(csrf: &str, request: &ShareRequest) -> ApiResult<Minted> {
    call(Method::POST, "/api/shares", csrf, Some(request)).await
}

/// `POST /api/saves`: the locker fetches the partner's document.
pub async fn save(csrf: &str, request: &SaveRequest) -> ApiResult<UploadedFile> {
    call(Method::POST, "/api/saves", csrf, Some(request)).await
}

/// `POST /widget/api/check`: whether a partner page's request is good.
pub async fn check_widget(request: &WidgetRequest) -> ApiResult<CheckedRequester> {
    post_public("/widget/api/check", request).await
}

/// `POST /api/verify` (no sign-in): the verdict on a certificate XML and,
/// when given, its PDF, sent as the multipart parts `xml` and `pdf`.
pub async fn verify_document(xml: &web_sys::File, pdf: Option<&web_sys::File>) -> ApiResult<Verdict> {
    let fail = |e: wasm_bindgen::JsValue| ApiError::network(format!("{e:?}"));
    let form = web_sys::FormData::new().map_err(fail)?;
    form.append_with_blob("xml", xml).map_err(fail)?;
    if let Some(pdf) = pdf {
        form.append_with_blob("pdf", pdf).map_err(fail)?;
    }
    post_form("/api/verify", form).await
}

/// `POST /api/issued/{uri}/verify-link`: a verification link and its QR code.
pub async fn create_verify_link(csrf: &str, uri: &str) -> ApiResult<VerifyLinkCreated> {
    let url = format!("/api/issued/{}/verify-link", encode(uri));
    call::<(), _>(Method::POST, &url, csrf, None).await
}

/// `GET /api/verify-links`: the resident's links that still work.
pub async fn verify_links() -> ApiResult<Vec<VerifyLinkEntry>> {
    get("/api/verify-links").await
}

/// `POST /api/verify-links/{id}/revoke`.
pub async fn revoke_verify_link(csrf: &str, id: i64) -> ApiResult<()> {
    let url = format!("/api/verify-links/{id}/revoke");
    call::<(), IgnoredAny>(Method::POST, &url, csrf, None).await.map(drop)
}

/// `GET /api/verify-links/{token}/summary` (no sign-in); `None` when the
/// link does not work (404: unknown, expired or revoked).
pub async fn verify_summary(token: &str) -> ApiResult<Option<VerifySummary>> {
    match get(&format!("/api/verify-links/{}/summary", encode(token))).await {
        Err(e) if e.status == 404 => Ok(None),
        other => other.map(Some),
    }
}
