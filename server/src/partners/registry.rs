//! Requesters: partner sites that use the widgets or the Authorized Partner
//! API (one registry: a requester is also an OAuth client, its app id the
//! `client_id` and its key the `client_secret`). Each has an app id, a key
//! (sealed at rest, since the widget hash and the upload HMAC need it;
//! shown once), the origins its pages are served from, the services it may
//! use, and its OAuth redirect URIs, matched exactly.

use openlocker_db::requesters::{self, Requester};
use serde::Serialize;
use ureq::http::Uri;

use crate::app::App;
use crate::platform::crypto::{self, Purpose};
use crate::platform::dates;
use crate::platform::error::Error;

/// The widget services.
pub const SERVICES: &[&str] = &["share", "save"];

const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// An app id and key, shown once.
#[derive(Debug, Serialize)]
pub struct Credentials {
    pub app_id: String,
    pub app_key: String,
}

/// What a requester registers besides its name.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    /// `scheme://host[:port]`.
    pub origins: Vec<String>,
    /// `share`, `save`; none means all.
    pub services: Vec<String>,
    /// OAuth redirect URIs; `None` on an update keeps the registered ones.
    pub redirect_uris: Option<Vec<String>>,
}

/// Registers a requester; `services` defaults to all of them.
pub fn add(app: &App, name: &str, registration: &Registration) -> Result<Credentials, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::Invalid(
            "the requester needs a name of 1 to 200 characters".into(),
        ));
    }
    let requester = Requester {
        app_id: format!("RQ{}", crypto::random_string(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ", 10)),
        name: name.to_owned(),
        services: checked_services(&registration.services)?,
        origins: checked_origins(&registration.origins)?,
        redirect_uris: checked_redirect_uris(registration.redirect_uris.as_deref().unwrap_or_default())?,
    };
    let app_key = crypto::random_string(KEY_ALPHABET, 40);
    let sealed = app.keys.seal(Purpose::ApiKey, app_key.as_bytes());
    requesters::insert(&app.db, &requester, &sealed, dates::unix_now())?;
    tracing::info!(app_id = requester.app_id, origins = ?requester.origins, "added requester");
    Ok(Credentials {
        app_id: requester.app_id,
        app_key,
    })
}

/// A requester by app id.
pub fn get(app: &App, app_id: &str) -> Result<Requester, Error> {
    requesters::get(&app.db, app_id)?.ok_or_else(|| Error::NotFound(format!("there is no requester {app_id}")))
}

/// Every requester.
pub fn list(app: &App) -> Result<Vec<Requester>, Error> {
    let mut all = Vec::new();
    for app_id in requesters::app_ids(&app.db)? {
        all.extend(requesters::get(&app.db, &app_id)?);
    }
    Ok(all)
}

/// Replaces a requester's origins and services, and its redirect URIs
/// when given.
pub fn update(app: &App, app_id: &str, registration: &Registration) -> Result<Requester, Error> {
    let origins = checked_origins(&registration.origins)?;
    let services = checked_services(&registration.services)?;
    let redirect_uris = registration
        .redirect_uris
        .as_deref()
        .map(checked_redirect_uris)
        .transpose()?;
    requesters::update(&app.db, app_id, &origins, &services, redirect_uris.as_deref()).map_err(|e| match e {
        openlocker_db::DbError::NotFound => Error::NotFound(format!("there is no requester {app_id}")),
        other => other.into(),
    })?;
    get(app, app_id)
}

/// Gives a requester a new key. The old one keeps working for
/// `key_grace_hours`, so the partner can deploy the new one.
pub fn rotate_key(app: &App, app_id: &str) -> Result<(Credentials, i64), Error> {
    let app_key = crypto::random_string(KEY_ALPHABET, 40);
    let sealed = app.keys.seal(Purpose::ApiKey, app_key.as_bytes());
    let now = dates::unix_now();
    let old_valid_until = now + app.settings.key_grace_hours as i64 * 3600;
    requesters::rotate_key(&app.db, app_id, &sealed, now, old_valid_until).map_err(|e| match e {
        openlocker_db::DbError::NotFound => Error::NotFound(format!("there is no requester {app_id}")),
        other => other.into(),
    })?;
    tracing::info!(app_id, "rotated requester key");
    Ok((
        Credentials {
            app_id: app_id.to_owned(),
            app_key,
        },
        old_valid_until,
    ))
}

/// The opened keys of a requester that are valid now, newest first.
pub fn valid_keys(app: &App, app_id: &str) -> Result<Vec<Vec<u8>>, Error> {
    let sealed = requesters::valid_keys(&app.db, app_id, dates::unix_now())?;
    sealed.iter().map(|s| app.keys.open(Purpose::ApiKey, s)).collect()
}

fn checked_services(services: &[String]) -> Result<Vec<String>, Error> {
    if services.is_empty() {
        return Ok(SERVICES.iter().map(|s| (*s).to_owned()).collect());
    }
    let mut checked: Vec<String> = Vec::new();
    for service in services {
        let service = service.trim().to_ascii_lowercase();
        if !SERVICES.contains(&service.as_str()) {
            return Err(Error::Invalid(format!(
                "service {service:?} is not one of {}",
                SERVICES.join(", ")
            )));
        }
        if !checked.contains(&service) {
            checked.push(service);
        }
    }
    Ok(checked)
}

fn checked_origins(origins: &[String]) -> Result<Vec<String>, Error> {
    if origins.is_empty() {
        return Err(Error::Invalid("a requester needs at least one domain (origin)".into()));
    }
    let mut checked: Vec<String> = Vec::new();
    for origin in origins {
        let origin = parse_origin(origin)?;
        if !checked.contains(&origin) {
            checked.push(origin);
        }
    }
    Ok(checked)
}

fn checked_redirect_uris(uris: &[String]) -> Result<Vec<String>, Error> {
    let mut checked: Vec<String> = Vec::new();
    for uri in uris {
        let uri = check_redirect_uri(uri)?;
        if !checked.contains(&uri) {
            checked.push(uri);
        }
    }
    Ok(checked)
}

/// An OAuth redirect URI as registered: absolute, `https` (or `http` to a
/// loopback host, for a developer's machine), without user info or a
/// fragment (RFC 6749 §3.1.2). It is kept as written, since authorize
/// requests must match it exactly.
pub fn check_redirect_uri(text: &str) -> Result<String, Error> {
    let text = text.trim();
    let bad = |why: &str| Error::Invalid(format!("redirect URI {text:?} {why}"));
    let uri: Uri = text.parse().map_err(|_| bad("is not a URL"))?;
    let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(|| bad("has no host"))?;
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if loopback => {}
        _ => return Err(bad("must be https (or http to localhost)")),
    }
    if text.contains('#') || uri.authority().is_some_and(|a| a.as_str().contains('@')) || text.len() > 2000 {
        return Err(bad("may not carry a fragment or user info, or pass 2000 characters"));
    }
    Ok(text.to_owned())
}

/// `scheme://host[:port]` in lowercase, without a default port: the form
/// browsers give as `location.origin` and `event.origin`.
pub fn parse_origin(text: &str) -> Result<String, Error> {
    let bad = || {
        Error::Invalid(format!(
            "{text:?} is not an origin: write it as https://host or https://host:port, without a path"
        ))
    };
    let uri: Uri = text.trim().parse().map_err(|_| bad())?;
    let scheme = uri.scheme_str().map(str::to_ascii_lowercase).ok_or_else(bad)?;
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(bad)?
        .to_ascii_lowercase();
    let path_is_empty = matches!(uri.path(), "" | "/");
    let has_user_info = uri.authority().is_some_and(|a| a.as_str().contains('@'));
    if !(scheme == "http" || scheme == "https") || !path_is_empty || uri.query().is_some() || has_user_info {
        return Err(bad());
    }
    Ok(origin(&scheme, &host, uri.port_u16()))
}

fn origin(scheme: &str, host: &str, port: Option<u16>) -> String {
    let default_port = if scheme == "https" { 443 } else { 80 };
    match port {
        Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    }
}

/// The origin (`scheme://host[:port]`, as [`parse_origin`] writes it) of a
/// registered redirect URI, which the consent screen shows.
pub fn origin_of(url: &str) -> Result<String, Error> {
    let uri: Uri = url
        .parse()
        .map_err(|_| Error::Invalid(format!("{url:?} is not a URL")))?;
    match (uri.scheme_str(), uri.host()) {
        (Some(scheme), Some(host)) => Ok(origin(
            &scheme.to_ascii_lowercase(),
            &host.to_ascii_lowercase(),
            uri.port_u16(),
        )),
        _ => Err(Error::Invalid(format!("{url:?} is not an absolute URL"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_as_browsers_write_them() {
        assert_eq!(
            parse_origin("HTTPS://Partner.Example/").unwrap(),
            "https://partner.example"
        );
        assert_eq!(
            parse_origin("https://partner.example:443").unwrap(),
            "https://partner.example"
        );
        assert_eq!(parse_origin("http://127.0.0.1:8081").unwrap(), "http://127.0.0.1:8081");
        for bad in [
            "partner.example",
            "ftp://partner.example",
            "https://partner.example/path",
            "https://partner.example?x=1",
            "https://user@partner.example",
            "",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redirect_uris_are_https_or_loopback_and_kept_as_written() {
        assert_eq!(
            check_redirect_uri(" https://Partner.example/cb?x=1 ").unwrap(),
            "https://Partner.example/cb?x=1"
        );
        assert!(check_redirect_uri("http://127.0.0.1:8081/cb").is_ok());
        for bad in [
            "http://partner.example/cb",
            "https://partner.example/cb#frag",
            "https://user@partner.example/cb",
            "partner.example/cb",
            "javascript:alert(1)",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn services_default_to_all_and_unknown_ones_are_refused() {
        assert_eq!(checked_services(&[]).unwrap(), vec!["share", "save"]);
        assert_eq!(checked_services(&["SAVE".into(), "save".into()]).unwrap(), vec!["save"]);
        assert!(checked_services(&["print".into()]).is_err());
    }
}
