//! The partner-page loader: `GET /requester/api/1/dl.js` and
//! `GET /savelocker/api/1/savelocker.js` (one loader for both), and its wasm.
//!
//! wasm-bindgen's no-modules glue declares one variable; wrapped in a
//! function scope here, it declares none, and the page's globals gain only
//! `window.OpenLocker`, which also makes a second load do nothing.

use actix_web::http::header::{self, CacheControl, CacheDirective, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::app::App;
use crate::error::Error;

/// Where the xtask puts the loader, under `<www_dir>/pkg`.
const LOADER_DIR: &str = "loader";
const GLUE: &str = "openlocker_loader.js";
const WASM: &str = "openlocker_loader_bg.wasm";

/// The script around the glue: a second load does nothing, and the wasm is
/// fetched from the host the script came from.
fn wrapped(glue: &str) -> String {
    format!(
        "/* OpenLocker widget loader: a drop-in for dl.js and savelocker.js. */\n\
         (function () {{\n\
         \"use strict\";\n\
         if (window.OpenLocker) return;\n\
         var script = document.currentScript;\n\
         window.OpenLocker = {{ loader: 1 }};\n\
         {glue}\n\
         OpenLockerLoader({{ module_or_path: new URL(\"/widget/loader.wasm\", script.src) }}).catch(function (e) {{\n\
         console.error(\"OpenLocker loader:\", e);\n\
         }});\n\
         }})();\n"
    )
}

/// `GET /requester/api/1/dl.js` and `GET /savelocker/api/1/savelocker.js`.
pub async fn script(app: web::Data<App>) -> HttpResponse {
    let path = app.settings.www_dir.join("pkg").join(LOADER_DIR).join(GLUE);
    let (status, body) = match tokio::fs::read_to_string(&path).await {
        Ok(glue) => (actix_web::http::StatusCode::OK, wrapped(&glue)),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "the widget loader is not built");
            (
                actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                "console.error(\"OpenLocker: the widget loader is not built; run cargo xtask run\");\n".to_owned(),
            )
        }
    };
    HttpResponse::build(status)
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(CacheControl(vec![CacheDirective::NoCache]))
        .body(body)
}

/// `GET /widget/loader.wasm`: fetched by partner pages, so open to every
/// origin (it holds no secret; the checks happen in the popup).
pub async fn wasm(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, Error> {
    let path = app.settings.www_dir.join("pkg").join(LOADER_DIR).join(WASM);
    let file = actix_files::NamedFile::open_async(&path)
        .await
        .map_err(|e| Error::NotFound(format!("the widget loader is not built: {e}")))?;
    let mut response = file
        .set_content_type(
            "application/wasm"
                .parse()
                .map_err(|_| Error::Internal("bad content type".into()))?,
        )
        .disable_content_disposition()
        .use_etag(true)
        .use_last_modified(true)
        .into_response(&req);
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(response)
}
