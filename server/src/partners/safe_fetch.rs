//! Fetching a partner site's document on the server side, safely: only
//! from the app's registered origins, no redirect to another origin, no
//! private, link-local or loopback address unless the registered origin is
//! itself one (checked on the addresses actually connected to, so a DNS
//! answer cannot swap them afterwards), a size cap checked while streaming,
//! and a time limit. The bytes go to a sealed spool file.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::sync::atomic::Ordering;
use std::time::Duration;

use ureq::http::Uri;

use crate::app::App;
use crate::partners::registry::parse_origin;
use crate::platform::address_policy::{self, Reach};
use crate::platform::error::Error;
use crate::platform::sealed_file::SealedWriter;
use crate::platform::spool::SpoolFile;

/// Most redirects followed (within the same origin).
const MAX_REDIRECTS: usize = 5;

/// What a fetch may do.
pub struct Rules<'a> {
    /// The app's registered origins.
    pub origins: &'a [String],
    pub max_bytes: u64,
    pub timeout: Duration,
}

/// A fetched document, sealed on disk until it is stored or dropped.
pub struct Fetched {
    pub spool: SpoolFile,
    pub size: u64,
    /// From `Content-Disposition`, else the URL's last path segment.
    pub file_name: Option<String>,
}

/// Fetches `url` under `rules`.
pub fn fetch(app: &App, url: &str, rules: &Rules<'_>) -> Result<Fetched, Error> {
    let mut current: Uri = url
        .trim()
        .parse()
        .map_err(|_| Error::Invalid(format!("{url:?} is not a URL")))?;
    let origin = origin_of(&current)?;
    if !rules.origins.contains(&origin) {
        return Err(Error::Forbidden(format!(
            "the document at {origin} is not on one of the application's registered domains"
        )));
    }
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(rules.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build();
    let reach = if address_policy::host_is_private(current.host().unwrap_or_default()) {
        Reach::Any
    } else {
        Reach::PublicOnly
    };
    let (agent, blocked) = address_policy::agent(config, reach);
    for _ in 0..=MAX_REDIRECTS {
        let response = agent
            .get(&current.to_string())
            .call()
            .map_err(|e| call_failed(e, blocked.load(Ordering::Relaxed), &origin, rules))?;
        let status = response.status();
        if status.is_redirection() {
            current = redirect_target(&response, &current, &origin)?;
            continue;
        }
        if !status.is_success() {
            return Err(Error::Upstream(format!(
                "{origin} answered HTTP {} for the document",
                status.as_u16()
            )));
        }
        return read_body(app, response, &current, rules.max_bytes);
    }
    Err(Error::Upstream(format!(
        "{origin} redirected more than {MAX_REDIRECTS} times"
    )))
}

/// Why a call failed: the address policy, a timeout, or the network.
fn call_failed(e: ureq::Error, blocked: bool, origin: &str, rules: &Rules<'_>) -> Error {
    match e {
        _ if blocked => Error::Forbidden(format!(
            "{origin} resolves to a private, link-local or loopback address, which the locker does not fetch from"
        )),
        ureq::Error::Timeout(_) => Error::UpstreamTimeout(format!(
            "{origin} did not send the document within {} seconds",
            rules.timeout.as_secs()
        )),
        other => Error::Upstream(format!("{origin} could not be reached: {other}")),
    }
}

/// Where a redirect goes, which must be within `origin`.
fn redirect_target(response: &ureq::http::Response<ureq::Body>, current: &Uri, origin: &str) -> Result<Uri, Error> {
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or_else(|| Error::Upstream(format!("{origin} redirected without a Location")))?;
    let next = resolve_location(current, location)?;
    let next_origin = origin_of(&next)?;
    if next_origin != origin {
        return Err(Error::Forbidden(format!(
            "{origin} redirected to another origin ({next_origin}); the locker follows redirects within one origin only"
        )));
    }
    Ok(next)
}

fn too_large(max_bytes: u64) -> Error {
    Error::TooLarge(format!(
        "the document is larger than {:.0} MB, the most a locker takes",
        max_bytes as f64 / 1_000_000.0
    ))
}

fn read_body(
    app: &App,
    mut response: ureq::http::Response<ureq::Body>,
    url: &Uri,
    max_bytes: u64,
) -> Result<Fetched, Error> {
    let declared = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_bytes) {
        return Err(too_large(max_bytes));
    }
    let file_name = response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .and_then(disposition_file_name)
        .or_else(|| last_segment(url));
    let spool = SpoolFile::new_in(&app.incoming_dir());
    let mut writer = SealedWriter::new(BufWriter::new(File::create(spool.path())?), app.keys.file_cipher())?;
    let mut reader = response.body_mut().as_reader();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut chunk).map_err(body_read_failed)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        if size > max_bytes {
            return Err(too_large(max_bytes));
        }
        writer.write_all(&chunk[..n])?;
    }
    writer.finish()?.flush()?;
    Ok(Fetched { spool, size, file_name })
}

/// A failed read of the body: a timeout (ureq's, which its reader wraps in
/// an `io::Error` of kind `Other`) is a 504, anything else a 502.
fn body_read_failed(err: std::io::Error) -> Error {
    match ureq::Error::from(err) {
        ureq::Error::Timeout(_) => Error::UpstreamTimeout("the partner site stopped sending the document".into()),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
            Error::UpstreamTimeout("the partner site stopped sending the document".into())
        }
        other => Error::Upstream(format!("the document could not be read: {other}")),
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(uri: &Uri) -> Result<String, Error> {
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(Error::Invalid(format!("{uri} is not an absolute http(s) URL")));
    };
    parse_origin(&format!("{scheme}://{authority}"))
}

/// A redirect's target, absolute or relative to the current URL.
fn resolve_location(current: &Uri, location: &str) -> Result<Uri, Error> {
    let bad = || {
        Error::Upstream(format!(
            "the partner site redirected to an unusable address {location:?}"
        ))
    };
    if location.starts_with("http://") || location.starts_with("https://") {
        return location.parse().map_err(|_| bad());
    }
    let scheme = current.scheme_str().unwrap_or("https");
    let absolute = if location.starts_with("//") {
        format!("{scheme}:{location}")
    } else {
        let authority = current.authority().map(|a| a.as_str()).unwrap_or_default();
        let path = if location.starts_with('/') {
            location.to_owned()
        } else {
            let base = current.path();
            format!("{}{location}", &base[..base.rfind('/').map_or(0, |i| i + 1)])
        };
        format!("{scheme}://{authority}{path}")
    };
    absolute.parse().map_err(|_| bad())
}

/// `filename*=UTF-8''...` (preferred) or `filename="..."`.
fn disposition_file_name(header: &str) -> Option<String> {
    let mut plain = None;
    for part in header.split(';').map(str::trim) {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                let encoded = value
                    .trim()
                    .strip_prefix("UTF-8''")
                    .or_else(|| value.trim().strip_prefix("utf-8''"))?;
                return percent_decode(encoded).filter(|n| !n.is_empty());
            }
            "filename" => plain = Some(value.trim().trim_matches('"').to_owned()).filter(|n| !n.is_empty()),
            _ => {}
        }
    }
    plain
}

fn last_segment(url: &Uri) -> Option<String> {
    let segment = url.path().rsplit('/').next()?;
    percent_decode(segment).filter(|s| !s.is_empty())
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok())
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if let Some(byte) = escaped {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_resolve_against_the_current_url() {
        let current: Uri = "https://p.example/docs/a/cert.pdf".parse().unwrap();
        let at = |l: &str| resolve_location(&current, l).unwrap().to_string();
        assert_eq!(at("/other.pdf"), "https://p.example/other.pdf");
        assert_eq!(at("b.pdf"), "https://p.example/docs/a/b.pdf");
        assert_eq!(at("https://q.example/x"), "https://q.example/x");
        assert_eq!(at("//q.example/x"), "https://q.example/x");
    }

    #[test]
    fn file_names_come_from_content_disposition_then_the_url() {
        assert_eq!(
            disposition_file_name(r#"attachment; filename="marks.pdf""#).as_deref(),
            Some("marks.pdf")
        );
        assert_eq!(
            disposition_file_name("attachment; filename=x.pdf; filename*=UTF-8''%E0%A4%85.pdf").as_deref(),
            Some("अ.pdf")
        );
        let url: Uri = "https://p.example/files/my%20cert.pdf?x=1".parse().unwrap();
        assert_eq!(last_segment(&url).as_deref(), Some("my cert.pdf"));
    }
}
