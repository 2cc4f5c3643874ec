//! Built browser files served as the xtask pre-compressed them: `NAME`
//! with its `NAME.br` and `NAME.gz` siblings, read once per build of the
//! files (not once per request), brotli or gzip as the browser's
//! `Accept-Encoding` allows, with `Vary: Accept-Encoding`, an ETag and a
//! 304 for it. The Compress middleware leaves an encoded answer alone.

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// One file and its compressed forms, as read.
pub struct Asset {
    /// Size and modification time of the file and each sibling.
    stamp: Vec<(u64, u128)>,
    etag: String,
    plain: web::Bytes,
    brotli: Option<web::Bytes>,
    gzip: Option<web::Bytes>,
}

/// The assets read so far, by path.
static READ: Mutex<Vec<(PathBuf, Arc<Asset>)>> = Mutex::new(Vec::new());

fn sibling(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

fn stamp_of(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Some((meta.len(), modified))
}

/// The asset at `path` (blocking: call it in `web::block`), read again only
/// when it or a sibling changed. A missing sibling is compressed by the
/// middleware instead.
pub fn read(path: &Path) -> std::io::Result<Arc<Asset>> {
    let plain_stamp = stamp_of(path).ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
    let siblings = [sibling(path, "br"), sibling(path, "gz")];
    let mut stamp = vec![plain_stamp];
    stamp.extend(siblings.iter().map(|s| stamp_of(s).unwrap_or_default()));
    let mut cache = READ.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, asset)) = cache.iter().find(|(p, a)| p == path && a.stamp == stamp) {
        return Ok(asset.clone());
    }
    let optional = |p: &Path| std::fs::read(p).ok().map(web::Bytes::from);
    let asset = Arc::new(Asset {
        etag: format!("\"{:x}-{:x}\"", plain_stamp.0, plain_stamp.1),
        plain: std::fs::read(path)?.into(),
        brotli: optional(&siblings[0]),
        gzip: optional(&siblings[1]),
        stamp,
    });
    cache.retain(|(p, _)| p != path);
    cache.push((path.to_owned(), asset.clone()));
    Ok(asset)
}

/// Whether `coding` is in the request's Accept-Encoding with a q above 0.
fn accepts(req: &HttpRequest, coding: &str) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let named = parts.next().is_some_and(|c| c.eq_ignore_ascii_case(coding));
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            named && !refused
        })
}

/// The asset as a response: 304 for a known ETag, else brotli, gzip or
/// plain by what the browser takes; `open_to_all` lets any origin read it.
pub fn respond(req: &HttpRequest, asset: &Asset, content_type: &str, open_to_all: bool) -> HttpResponse {
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == asset.etag));
    let mut builder = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    builder
        .insert_header((header::ETAG, asset.etag.as_str()))
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
    let encoded = [("br", &asset.brotli), ("gzip", &asset.gzip)]
        .into_iter()
        .find_map(|(coding, body)| body.as_ref().filter(|_| accepts(req, coding)).map(|b| (coding, b)));
    match encoded {
        Some((coding, body)) => builder
            .insert_header((header::CONTENT_ENCODING, coding))
            .body(body.clone()),
        None => builder.body(asset.plain.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::accepts;
    use actix_web::test::TestRequest;

    #[test]
    fn an_encoding_is_taken_unless_absent_or_refused_with_q_zero() {
        let with = |v: &str| {
            TestRequest::default()
                .insert_header(("Accept-Encoding", v))
                .to_http_request()
        };
        assert!(accepts(&with("gzip, deflate, br, zstd"), "br"));
        assert!(accepts(&with("gzip;q=0.5, BR;q=1"), "br"));
        assert!(!accepts(&with("gzip, br;q=0"), "br"));
        assert!(accepts(&with("gzip, br;q=0"), "gzip"));
        assert!(!accepts(&with("gzip"), "br"));
        assert!(!accepts(&TestRequest::default().to_http_request(), "gzip"));
    }
}
