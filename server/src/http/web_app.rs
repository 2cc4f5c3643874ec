//! The resident portal's Yew app: the HTML shell for every `/locker/...`
//! route (deep links included), the widget popups and the public `/verify/`
//! pages and the built files of `<www_dir>/pkg`
//! (`cargo xtask` builds and pre-compresses them; they are not in git).

use std::path::PathBuf;

use actix_web::http::StatusCode;
use actix_web::http::header::{CacheControl, CacheDirective, ContentType};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::app::App;
use crate::http::assets;
use crate::platform::error::Error;

/// The shell page; the app mounts on its `#openlocker-app`.
const SHELL_HTML: &str = include_str!("../../../www/locker.html");
/// The shell page when `pkg/` is missing.
const NOT_BUILT_HTML: &str = include_str!("../../../www/locker-not-built.html");
/// The module that starts the app (inline scripts are refused by the CSP).
const START_JS: &str = include_str!("../../../www/locker.js");

/// Scripts from our origin and our wasm only; no inline code, no framing.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The wasm file whose presence says the app is built.
const BUILT_MARKER: &str = "openlocker_widget_bg.wasm";

fn pkg_dir(app: &App) -> PathBuf {
    app.settings.www_dir.join("pkg")
}

/// What a widget popup's shell fetches at once, beside `/static/locker.js`
/// (which imports it): the first stage, which fetches the rest itself.
const POPUP_PRELOADS: &str = "<link rel=\"modulepreload\" href=\"/pkg/popup_first.js\">\n</head>";

/// The shell of the widget popups: the app's, with the first stage preloaded.
static POPUP_SHELL: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| SHELL_HTML.replacen("</head>", POPUP_PRELOADS, 1));

/// `GET /locker/`, `/locker/{tail}`, the widget popups and `/verify/`: the
/// shell, or a page that says how to build the app.
pub async fn shell(app: web::Data<App>, req: HttpRequest) -> HttpResponse {
    let html = if req.path().starts_with("/widget/") {
        POPUP_SHELL.as_str()
    } else {
        SHELL_HTML
    };
    shell_page(&app, StatusCode::OK, html)
}

/// The shell answered with `status` (the app then says what went wrong).
pub fn shell_with_status(app: &App, status: StatusCode) -> HttpResponse {
    shell_page(app, status, SHELL_HTML)
}

fn shell_page(app: &App, status: StatusCode, shell: &'static str) -> HttpResponse {
    let built = pkg_dir(app).join(BUILT_MARKER).is_file();
    let (status, html) = if built {
        (status, shell)
    } else {
        tracing::warn!(www_dir = %app.settings.www_dir.display(), "the web app is not built");
        (StatusCode::SERVICE_UNAVAILABLE, NOT_BUILT_HTML)
    };
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .insert_header(("Content-Security-Policy", CSP))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "same-origin"))
        .insert_header(CacheControl(vec![CacheDirective::NoCache]))
        .body(html)
}

/// `GET /static/locker.js`.
pub async fn start_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(START_JS)
}

/// The content type of a servable pkg file, by its name; `None` refuses it.
/// Only one plain path segment (no `/`, no leading dot, so no traversal).
pub fn pkg_content_type(name: &str) -> Option<&'static str> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !plain {
        return None;
    }
    match name.rsplit_once('.')?.1 {
        "wasm" => Some("application/wasm"),
        "js" => Some("text/javascript; charset=utf-8"),
        _ => None,
    }
}

/// `GET /pkg/{name}`: a built file, brotli or gzip as the xtask
/// pre-compressed it, with an ETag; the browser revalidates each time (the
/// names do not change between builds).
pub async fn pkg_file(app: web::Data<App>, name: web::Path<String>, req: HttpRequest) -> Result<HttpResponse, Error> {
    let name = name.into_inner();
    let content_type = pkg_content_type(&name).ok_or_else(|| Error::NotFound(format!("no file {name}")))?;
    let path = pkg_dir(&app).join(&name);
    let asset = web::block(move || assets::read(&path))
        .await?
        .map_err(|e| Error::NotFound(format!("no file {name}: {e}")))?;
    Ok(assets::respond(&req, &asset, content_type, false))
}

#[cfg(test)]
mod tests {
    use super::pkg_content_type;

    #[test]
    fn only_plain_js_and_wasm_names_are_served() {
        assert_eq!(pkg_content_type("openlocker_widget_bg.wasm"), Some("application/wasm"));
        assert_eq!(
            pkg_content_type("openlocker_widget.js"),
            Some("text/javascript; charset=utf-8")
        );
        for bad in [
            "",
            ".js",
            "../secrets.js",
            "a/b.js",
            "x.html",
            "x",
            "..%2f.js",
            "a\\b.js",
        ] {
            assert_eq!(pkg_content_type(bad), None, "{bad}");
        }
    }
}
