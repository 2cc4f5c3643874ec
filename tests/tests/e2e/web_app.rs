//! How the server serves the resident app: the HTML shell for every
//! `/locker/` path, the built files of `www/pkg` with their types and
//! nothing outside it, and a clear page when the app is not built.

use crate::support::*;

#[test]
fn the_app_is_served_with_its_types_and_no_way_out_of_pkg() {
    let server = Server::start(&[]);
    let http = Http::new();
    for path in ["/locker/", "/locker/uploaded", "/locker/some/deep/link"] {
        let shell = http.get(&server.url(path));
        assert_eq!(shell.status, 200, "{path}");
        assert!(shell.text().contains("openlocker-app"), "{path}");
        let csp = shell.header("content-security-policy").unwrap();
        assert!(
            csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
    }
    let wasm = http.get(&server.url("/pkg/openlocker_widget_bg.wasm"));
    assert_eq!(
        wasm.status, 200,
        "run `cargo xtask build-widget` (cargo xtask test does)"
    );
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert!(wasm.body.starts_with(b"\0asm"));
    let js = http.get(&server.url("/pkg/openlocker_widget.js"));
    assert_eq!(js.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert!(js.header("etag").is_some());
    for bad in [
        "/pkg/../index.html",
        "/pkg/..%2f..%2fCargo.toml",
        "/pkg/%2e%2e%2flocker.html",
        "/pkg/.gitignore",
        "/pkg/nothing.js",
    ] {
        assert_eq!(http.get(&server.url(bad)).status, 404, "{bad}");
    }
    let index = http.get(&server.url("/")).text();
    assert!(index.contains("href=\"/locker/\""), "{index}");
}

#[test]
fn a_server_without_the_built_app_says_how_to_build_it() {
    let empty = tempfile::tempdir().unwrap();
    let server = Server::start(&["--www-dir", empty.path().to_str().unwrap()]);
    let page = Http::new().get(&server.url("/locker/"));
    assert_eq!(page.status, 503);
    assert!(
        page.text().contains("web app is not built: run cargo xtask run"),
        "{}",
        page.text()
    );
}
