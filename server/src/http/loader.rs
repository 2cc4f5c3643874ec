//! The partner-page loader: `GET /requester/api/1/dl.js` and
//! `GET /savelocker/api/1/savelocker.js` (one loader for both), and its wasm.
//!
//! wasm-bindgen's no-modules glue declares one variable; wrapped in a
//! function scope here, it declares none, and the page's globals gain only
//! `window.OpenLocker`, which also makes a second load do nothing.

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::app::App;
use crate::platform::error::Error;

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

/// A loader file as served: read, wrapped and gzip'd once per build of
/// the file, not once per partner page.
struct Prepared {
    /// The file's size and modification time when it was prepared.
    stamp: (u64, u128),
    /// From the same.
    etag: String,
    plain: web::Bytes,
    gzipped: web::Bytes,
}

/// The prepared files by path.
static PREPARED: Mutex<Vec<(PathBuf, Arc<Prepared>)>> = Mutex::new(Vec::new());

/// The prepared form of the file at `path`, made again only when the file
/// changed; `wrap` turns its bytes into what is served.
fn prepared(path: &Path, wrap: fn(Vec<u8>) -> Vec<u8>) -> std::io::Result<Arc<Prepared>> {
    let meta = std::fs::metadata(path)?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let stamp = (meta.len(), modified);
    let mut cache = PREPARED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, ready)) = cache.iter().find(|(p, ready)| p == path && ready.stamp == stamp) {
        return Ok(ready.clone());
    }
    let plain = wrap(std::fs::read(path)?);
    let ready = Arc::new(Prepared {
        stamp,
        etag: format!("\"{:x}-{modified:x}\"", meta.len()),
        gzipped: gzip_best(&plain)?.into(),
        plain: plain.into(),
    });
    cache.retain(|(p, _)| p != path);
    cache.push((path.to_owned(), ready.clone()));
    Ok(ready)
}

/// The prepared file as a response: 304 for a known ETag, gzip when the
/// browser takes it (the middleware leaves an encoded response alone).
fn respond(req: &HttpRequest, ready: &Prepared, content_type: &str, open_to_all: bool) -> HttpResponse {
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == ready.etag));
    let mut builder = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    builder
        .insert_header((header::ETAG, ready.etag.as_str()))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(CacheControl(vec![CacheDirective::NoCache]));
    if open_to_all {
        builder
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
            .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"));
    }
    if unchanged {
        return builder.finish();
    }
    builder.content_type(content_type);
    if accepts_gzip(req) {
        builder
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(ready.gzipped.clone())
    } else {
        builder.body(ready.plain.clone())
    }
}

/// `GET /requester/api/1/dl.js` and `GET /savelocker/api/1/savelocker.js`.
pub async fn script(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, Error> {
    let path = app.settings.www_dir.join("pkg").join(LOADER_DIR).join(GLUE);
    let wrap = |glue: Vec<u8>| wrapped(&String::from_utf8_lossy(&glue)).into_bytes();
    let found = web::block(move || prepared(&path, wrap)).await?;
    match found {
        Ok(ready) => Ok(respond(&req, &ready, "text/javascript; charset=utf-8", false)),
        Err(e) => {
            tracing::warn!(error = %e, "the widget loader is not built");
            Ok(HttpResponse::ServiceUnavailable()
                .content_type("text/javascript; charset=utf-8")
                .insert_header(("X-Content-Type-Options", "nosniff"))
                .body("console.error(\"OpenLocker: the widget loader is not built; run cargo xtask run\");\n"))
        }
    }
}

/// `GET /widget/loader.wasm`: fetched by partner pages, so open to every
/// origin (it holds no secret; the checks happen in the popup).
pub async fn wasm(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, Error> {
    let path = app.settings.www_dir.join("pkg").join(LOADER_DIR).join(WASM);
    let ready = web::block(move || prepared(&path, |bytes| bytes))
        .await?
        .map_err(|e| Error::NotFound(format!("the widget loader is not built: {e}")))?;
    Ok(respond(&req, &ready, "application/wasm", true))
}
