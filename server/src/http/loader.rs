//! The partner-page loader: `GET /requester/api/1/dl.js` and
//! `GET /savelocker/api/1/savelocker.js` (one plain-JS loader for both,
//! which the xtask builds from `widget/loader/loader.js` into
//! `<www_dir>/pkg/loader/`, wrapped in a function scope and pre-compressed),
//! and `GET /widget/loader.wasm`, which the loader no longer needs.

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::app::App;
use crate::http::assets;
use crate::platform::error::Error;

/// Where the xtask puts the loader, under `<www_dir>/pkg`.
const LOADER: &str = "loader/dl.js";

/// An empty wasm module (magic and version only). Until the loader was
/// plain JS its glue fetched `/widget/loader.wasm`; a page still running
/// that glue gets a module that instantiates and does nothing, and the
/// route stays for partners whose CSP or checks name it.
const EMPTY_MODULE: &[u8] = b"\0asm\x01\0\0\0";

/// `GET /requester/api/1/dl.js` and `GET /savelocker/api/1/savelocker.js`.
pub async fn script(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, Error> {
    let path = app.settings.www_dir.join("pkg").join(LOADER);
    match web::block(move || assets::read(&path)).await? {
        Ok(asset) => Ok(assets::respond(&req, &asset, "text/javascript; charset=utf-8", false)),
        Err(e) => {
            tracing::warn!(error = %e, "the widget loader is not built");
            Ok(HttpResponse::ServiceUnavailable()
                .content_type("text/javascript; charset=utf-8")
                .insert_header(("X-Content-Type-Options", "nosniff"))
                .body("console.error(\"OpenLocker: the widget loader is not built; run cargo xtask run\");\n"))
        }
    }
}

/// `GET /widget/loader.wasm`: open to every origin, as it always was.
pub async fn wasm() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/wasm")
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(CacheControl(vec![CacheDirective::NoCache]))
        .body(EMPTY_MODULE)
}
