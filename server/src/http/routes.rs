//! The route table, used by `serve` and nothing else: every endpoint of the
//! server is listed here, one function per URL scope.

use actix_web::{HttpResponse, web};

use crate::http::{
    accounts, auth, connections, health, identity, issuer_portal, oauth, oauth_resource, pull_search, push, repository,
    requester_portal, residents, shares, uploads, verify_links, web_app,
};
use crate::issuers::portal::IssuerPortal;
use crate::partners::portal::RequesterPortal;
use crate::platform::error::{Error, OAuthCode};

/// Registers every route. Actix matches in registration order, so the
/// order of these calls is the order of the table.
pub fn configure(cfg: &mut web::ServiceConfig) {
    extractor_errors(cfg);
    public_endpoints(cfg);
    cfg.service(resident_api())
        .route("/.well-known/openid-configuration", web::get().to(oauth::discovery))
        .service(partner_api())
        .service(issuer_api())
        .service(requester_portal_api());
    pages(cfg);
}

/// Bad JSON, queries and paths answer in our error shape.
fn extractor_errors(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(64 * 1024)
            .error_handler(|err, _| Error::Invalid(format!("bad JSON body: {err}")).into()),
    )
    .app_data(web::QueryConfig::default().error_handler(|err, _| Error::Invalid(format!("bad query: {err}")).into()))
    .app_data(web::PathConfig::default().error_handler(|err, _| Error::NotFound(format!("bad path: {err}")).into()));
}

/// The endpoints outside any scope: health, the widget and its loader,
/// shared and verified documents, and the DigiLocker XML APIs.
fn public_endpoints(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/widget/api/check", web::post().to(shares::check))
        .route("/requester/api/1/dl.js", web::get().to(crate::http::loader::script))
        .route(
            "/savelocker/api/1/savelocker.js",
            web::get().to(crate::http::loader::script),
        )
        .route("/widget/loader.wasm", web::get().to(crate::http::loader::wasm))
        // The widget popups are routes of the one web app.
        .route("/widget/share", web::get().to(web_app::shell))
        .route("/widget/save", web::get().to(web_app::shell))
        .route("/share/{token}", web::get().to(shares::fetch))
        // Public verification: the page, and what a QR code opens.
        .route("/verify/", web::get().to(web_app::shell))
        .route("/verify/{token}", web::get().to(verify_links::page))
        .route("/public/issuer/api/csvupload/1/xml", web::post().to(push::push_csv))
        .route("/repository/api/pulldoc/1/xml", web::post().to(repository::pull_doc))
        .route("/repository/api/pulluri/1/xml", web::post().to(repository::pull_uri));
}

/// The resident web app's JSON API.
fn resident_api() -> actix_web::Scope {
    web::scope("/api")
        .route("/signup", web::post().to(accounts::signup))
        .route("/login", web::post().to(residents::login))
        .route("/logout", web::post().to(residents::logout))
        .route("/logout-everywhere", web::post().to(accounts::logout_everywhere))
        .route("/me", web::get().to(residents::me))
        .route("/identity/otp", web::post().to(identity::otp))
        .route("/identity/verify", web::post().to(identity::verify))
        .route("/activity", web::get().to(accounts::activity))
        .route("/folders", web::get().to(uploads::folders))
        .route("/folders", web::post().to(uploads::create_folder))
        .route("/folders/{id}", web::put().to(uploads::rename_folder))
        .route("/folders/{id}", web::delete().to(uploads::delete_folder))
        .route("/uploaded", web::get().to(uploads::list))
        .route("/uploaded", web::post().to(uploads::upload))
        .route("/uploaded/{id}", web::put().to(uploads::update))
        .route("/uploaded/{id}", web::delete().to(uploads::delete))
        .route("/uploaded/{id}/file", web::get().to(uploads::download))
        .route("/issued", web::get().to(residents::issued))
        .route("/issued/{uri}/file", web::get().to(residents::issued_file))
        .route("/issued/{uri}/xml", web::get().to(residents::issued_xml))
        .route("/issued/{uri}/verify-link", web::post().to(verify_links::create))
        .route("/verify-links", web::get().to(verify_links::list))
        .route("/verify-links/{id}/revoke", web::post().to(verify_links::revoke))
        .route("/verify-links/{token}/summary", web::get().to(verify_links::summary))
        .route("/issuers", web::get().to(pull_search::issuers))
        .route("/pull", web::post().to(pull_search::pull))
        .route("/shares", web::get().to(shares::list))
        .route("/shares", web::post().to(shares::create))
        .route("/shares/{id}/revoke", web::post().to(shares::revoke))
        .route("/saves", web::post().to(shares::save))
        .route("/verify", web::post().to(crate::http::verify::verify))
        .route("/oauth/requests/{id}", web::get().to(oauth::consent_view))
        .route("/oauth/requests/{id}", web::post().to(oauth::consent_decide))
        .route("/connections", web::get().to(connections::list))
        .route("/connections/{id}/revoke", web::post().to(connections::revoke))
}

/// The issuer portal's JSON API.
fn issuer_api() -> actix_web::Scope {
    web::scope("/issuer/api")
        .route("/login", web::post().to(auth::portal_login::<IssuerPortal>))
        .route("/logout", web::post().to(issuer_portal::logout))
        .route("/me", web::get().to(issuer_portal::me))
        .route("/key/rotate", web::post().to(issuer_portal::rotate_key))
        .route("/residents/verify", web::post().to(issuer_portal::verify_resident))
        .route("/pull", web::get().to(issuer_portal::pull_settings))
        .route("/pull", web::put().to(issuer_portal::set_pull_settings))
        .route("/doctypes", web::get().to(issuer_portal::doc_types))
        .route("/doctypes", web::post().to(issuer_portal::add_doc_type))
        .route("/doctypes/{code}", web::put().to(issuer_portal::update_doc_type))
        .route("/doctypes/{code}", web::delete().to(issuer_portal::delete_doc_type))
        .route("/uploads", web::post().to(issuer_portal::upload))
        .route("/tasks", web::get().to(issuer_portal::tasks))
        .route("/tasks/{id}", web::get().to(issuer_portal::task))
        .route("/tasks/{id}/rejections", web::get().to(issuer_portal::rejections))
        .route(
            "/tasks/{id}/rejections.csv",
            web::get().to(issuer_portal::rejections_csv),
        )
}

/// The requester (partner) portal's JSON API.
fn requester_portal_api() -> actix_web::Scope {
    web::scope("/requester/portal/api")
        .route("/login", web::post().to(auth::portal_login::<RequesterPortal>))
        .route("/logout", web::post().to(requester_portal::logout))
        .route("/me", web::get().to(requester_portal::me))
        .route("/settings", web::put().to(requester_portal::update))
        .route("/key/rotate", web::post().to(requester_portal::rotate_key))
        .route("/shares", web::get().to(requester_portal::shares))
}

/// The pages and their scripts and style: the portals' pages ship inside
/// the binary, the resident web app is served from the www folder.
fn pages(cfg: &mut web::ServiceConfig) {
    const JS: &str = "text/javascript; charset=utf-8";
    cfg.route("/", web::get().to(|| page(INDEX_HTML)))
        .route("/requester", add_slash("/requester/"))
        .route("/requester/", web::get().to(|| page(REQUESTER_HTML)))
        .route("/requester/portal.js", web::get().to(|| asset(REQUESTER_JS, JS)))
        .route("/issuer", add_slash("/issuer/"))
        .route("/issuer/", web::get().to(|| page(ISSUER_HTML)))
        .route("/verify", add_slash("/verify/"))
        .route("/locker", add_slash("/locker/"))
        .route("/locker/", web::get().to(web_app::shell))
        .route("/locker/{tail:.*}", web::get().to(web_app::shell))
        .route("/pkg/{name}", web::get().to(web_app::pkg_file))
        .route("/static/locker.js", web::get().to(web_app::start_js))
        .route("/issuer/portal.js", web::get().to(|| asset(ISSUER_JS, JS)))
        .route(
            "/static/portal-common.js",
            web::get().to(|| asset(PORTAL_COMMON_JS, JS)),
        )
        .route(
            "/static/style.css",
            web::get().to(|| asset(STYLE_CSS, "text/css; charset=utf-8")),
        );
}

/// A permanent redirect from a folder's bare name to the folder.
fn add_slash(location: &'static str) -> actix_web::Route {
    web::get().to(move || async move {
        HttpResponse::PermanentRedirect()
            .insert_header(("Location", location))
            .finish()
    })
}

/// The Authorized Partner API (INTERFACE section 8), its errors in the
/// specification's shape.
fn partner_api() -> actix_web::Scope {
    let bad_form = |err: actix_web::error::UrlencodedError, _: &actix_web::HttpRequest| {
        Error::oauth(OAuthCode::InvalidRequest, format!("bad form body: {err}"))
            .in_oauth()
            .into()
    };
    let bad_path = |err: actix_web::error::PathError, _: &actix_web::HttpRequest| {
        Error::oauth(OAuthCode::InvalidUri, format!("bad path: {err}"))
            .in_oauth()
            .into()
    };
    web::scope("/public/oauth2")
        .app_data(web::FormConfig::default().limit(16 * 1024).error_handler(bad_form))
        .app_data(web::PathConfig::default().error_handler(bad_path))
        .route("/1/authorize", web::get().to(oauth::authorize))
        .route("/1/token", web::post().to(oauth::token_v1))
        .route("/2/token", web::post().to(oauth::token_v2))
        .route("/1/revoke", web::post().to(oauth::revoke))
        .route("/jwks", web::get().to(oauth::jwks))
        .route("/1/user", web::get().to(oauth_resource::user))
        .route("/{version:[123]}/files/issued", web::get().to(oauth_resource::issued))
        .route("/1/files", web::get().to(oauth_resource::uploaded_top))
        .route("/1/files/", web::get().to(oauth_resource::uploaded_top))
        .route("/1/files/{id}", web::get().to(oauth_resource::uploaded_folder))
        .route("/1/file/upload", web::post().to(oauth_resource::upload))
        .route("/1/file/{uri}", web::get().to(oauth_resource::file))
        .route("/1/xml/{uri}", web::get().to(oauth_resource::xml))
}

// The portal pages are small and ship inside the binary.
const INDEX_HTML: &str = include_str!("../../../www/index.html");
const ISSUER_HTML: &str = include_str!("../../../www/issuer/index.html");
const ISSUER_JS: &str = include_str!("../../../www/issuer/portal.js");
const REQUESTER_HTML: &str = include_str!("../../../www/requester/index.html");
const REQUESTER_JS: &str = include_str!("../../../www/requester/portal.js");
const PORTAL_COMMON_JS: &str = include_str!("../../../www/portal-common.js");
const STYLE_CSS: &str = include_str!("../../../www/style.css");

async fn page(html: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        // The pages load only our own script and style.
        .insert_header(("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(html)
}

async fn asset(body: &'static str, content_type: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(body)
}
