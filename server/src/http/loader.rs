//! The partner-page loader: `GET /requester/api/1/dl.js` and
//! `GET /savelocker/api/1/savelocker.js` (one loader for both), and its wasm.
//!
//! wasm-bindgen's no-modules glue declares one variable; wrapped in a
//! function scope here, it declares none, and the page's globals gain only
//! `window.OpenLocker`, which also makes a second load do nothing.

use actix_web::http::header::{self, CacheControl, CacheDirective};
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

/// Whether the browser takes a gzip body.
fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            coding
                .split(';')
                .next()
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("gzip"))
        })
}

/// `bytes` gzip'd at the best level. The loader compresses itself: the
/// Compress middleware uses its fastest level, which would cost some 4 KB
/// of the loader's 30 KB budget.
fn gzip_best(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// A 200 with `body`, gzip'd when the browser takes it (the middleware
/// leaves a response that has a `Content-Encoding` alone).
fn loader_response(
    req: &HttpRequest,
    mut builder: actix_web::HttpResponseBuilder,
    body: Vec<u8>,
) -> Result<HttpResponse, Error> {
    builder
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(CacheControl(vec![CacheDirective::NoCache]));
    if !accepts_gzip(req) {
        return Ok(builder.body(body));
    }
    let gzipped = gzip_best(&body).map_err(|e| Error::Internal(format!("gzip of the loader: {e}")))?;
    Ok(builder.insert_header((header::CONTENT_ENCODING, "gzip")).body(gzipped))
}

/// `GET /requester/api/1/dl.js` and `GET /savelocker/api/1/savelocker.js`.
pub async fn script(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, Error> {
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
    let mut builder = HttpResponse::build(status);
    builder.content_type("text/javascript; charset=utf-8");
    loader_response(&req, builder, body.into_bytes())
}

/// `GET /widget/loader.wasm`: fetched by partner pages, so open to every
/// origin (it holds no secret; the checks happen in the popup). Revalidated
/// by an ETag from the file's size and time.
pub async fn wasm(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, Error> {
    let path = app.settings.www_dir.join("pkg").join(LOADER_DIR).join(WASM);
    let not_built = |e: std::io::Error| Error::NotFound(format!("the widget loader is not built: {e}"));
    let meta = tokio::fs::metadata(&path).await.map_err(not_built)?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let etag = format!("\"{:x}-{modified:x}\"", meta.len());
    let mut builder = HttpResponse::Ok();
    builder
        .insert_header((header::ETAG, etag.as_str()))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"));
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    if unchanged {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag.as_str()))
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
            .finish());
    }
    let bytes = tokio::fs::read(&path).await.map_err(not_built)?;
    builder.content_type("application/wasm");
    loader_response(&req, builder, bytes)
}
