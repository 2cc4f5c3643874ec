//! The built browser files as sent: brotli or gzip by the browser's
//! Accept-Encoding (pre-compressed by the xtask), each decoding to the
//! very bytes sent plain, with `Vary: Accept-Encoding`.

use std::io::Read;

use super::*;

/// `url` fetched with `accept` as Accept-Encoding: its Content-Encoding,
/// Vary and body as received.
fn fetch(url: &str, accept: &str) -> (Option<String>, Option<String>, Vec<u8>) {
    let mut resp = ureq::get(url).header("Accept-Encoding", accept).call().unwrap();
    assert_eq!(resp.status(), 200, "{url}");
    let header = |name: &str| {
        let values = resp.headers().get_all(name).iter();
        let joined: Vec<String> = values.map(|v| v.to_str().unwrap().to_ascii_lowercase()).collect();
        (!joined.is_empty()).then(|| joined.join(", "))
    };
    let (encoding, vary) = (header("content-encoding"), header("vary"));
    let body = resp.body_mut().with_config().limit(10 << 20).read_to_vec().unwrap();
    (encoding, vary, body)
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).unwrap();
    out
}

#[test]
fn the_app_and_the_loader_are_sent_as_brotli_or_gzip_of_the_same_bytes() {
    let server = Server::start(&[]);
    for path in [
        "/pkg/openlocker_widget_bg.wasm",
        "/pkg/openlocker_widget.js",
        "/requester/api/1/dl.js",
        "/savelocker/api/1/savelocker.js",
    ] {
        let url = server.url(path);
        let (encoding, vary, plain) = fetch(&url, "identity");
        assert_eq!(encoding, None, "{path}");
        assert_eq!(vary.as_deref(), Some("accept-encoding"), "{path}");
        assert!(plain.len() > 1000, "{path}");
        let (encoding, vary, brotli) = fetch(&url, "gzip, deflate, br, zstd");
        assert_eq!(encoding.as_deref(), Some("br"), "{path}");
        assert_eq!(vary.as_deref(), Some("accept-encoding"), "{path}");
        assert!(brotli.len() < plain.len() / 2, "{path}");
        assert!(unbrotli(&brotli) == plain, "{path}: the brotli body is another file");
        for accept in ["gzip", "gzip, br;q=0"] {
            let (encoding, _, gzipped) = fetch(&url, accept);
            assert_eq!(encoding.as_deref(), Some("gzip"), "{path} {accept}");
            assert!(gunzip(&gzipped) == plain, "{path}: the gzip body is another file");
        }
    }
}
