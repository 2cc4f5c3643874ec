//! The checks every widget popup makes before a resident sees anything:
//! the app id (204), the app hash (203), the page's origin (205), the
//! time-stamp's freshness (206) and the service (207).

use openlocker_db::requesters::Requester;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::app::App;
use crate::partners::registry;
use crate::platform::crypto;
use crate::platform::error::Error;

/// How old a time-stamp may be.
const MAX_AGE_SECONDS: i64 = 30 * 60;
/// How far ahead of our clock a time-stamp may be.
const MAX_AHEAD_SECONDS: i64 = 5 * 60;

/// What the partner page gave the widget: the shared JSON type.
pub use openlocker_proto::widget::WidgetRequest;

/// A request that passed every check.
#[derive(Debug)]
pub struct Checked {
    pub requester: Requester,
    /// The page's origin, normalised; the popup talks to it alone.
    pub origin: String,
}

fn widget_error(code: u16, message: impl Into<String>) -> Error {
    Error::Widget {
        code,
        message: message.into(),
    }
}

/// Runs the checks in the order that reveals least to a stranger: the app
/// id and the hash first.
pub fn check(app: &App, request: &WidgetRequest) -> Result<Checked, Error> {
    let app_id = request.app_id.trim();
    let requester = match registry::get(app, app_id) {
        Ok(found) if !app_id.is_empty() => found,
        Ok(_) | Err(Error::NotFound(_)) => {
            return Err(widget_error(204, "invalid app id: no partner application has this id"));
        }
        Err(other) => return Err(other),
    };
    let stamp = request.time_stamp.trim();
    let sent = request.app_hash.trim().to_ascii_lowercase();
    let matches = registry::valid_keys(app, &requester.app_id)?.iter().any(|key| {
        let expected = crypto::sha256_hex(&[app_id.as_bytes(), key, stamp.as_bytes()]);
        crypto::constant_time_eq(expected.as_bytes(), sent.as_bytes())
    });
    if !matches {
        return Err(widget_error(
            203,
            "invalid app hash: it must be the lowercase hex SHA-256 of app id, app key and time-stamp",
        ));
    }
    let origin = registry::parse_origin(&request.origin)
        .ok()
        .filter(|o| requester.origins.contains(o))
        .ok_or_else(|| {
            widget_error(
                205,
                format!(
                    "the domain {} is not registered for this application",
                    request.origin.trim()
                ),
            )
        })?;
    check_fresh(stamp, crate::platform::dates::unix_now())?;
    let service = request.service.trim().to_ascii_lowercase();
    if !requester.services.contains(&service) {
        return Err(widget_error(
            207,
            format!("this application is not authorised for the {service} service"),
        ));
    }
    Ok(Checked { requester, origin })
}

/// Error 206 unless the time-stamp is at most 30 minutes old and at most 5
/// minutes ahead.
fn check_fresh(stamp: &str, now: i64) -> Result<(), Error> {
    let at = parse_time_stamp(stamp).ok_or_else(|| {
        widget_error(
            206,
            format!("time-stamp {stamp:?} is not Unix seconds, Unix milliseconds or an ISO-8601 time with offset"),
        )
    })?;
    if now - at > MAX_AGE_SECONDS {
        return Err(widget_error(
            206,
            "time-stamp is older than 30 minutes: reload the page",
        ));
    }
    if at - now > MAX_AHEAD_SECONDS {
        return Err(widget_error(206, "time-stamp is ahead of the locker's clock"));
    }
    Ok(())
}

/// Unix seconds of a time-stamp in one of the accepted forms.
fn parse_time_stamp(stamp: &str) -> Option<i64> {
    if !stamp.is_empty() && stamp.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = stamp.parse().ok()?;
        // Thirteen digits or more are milliseconds (seconds reach 13
        // digits only in the year 33658).
        return Some(if stamp.len() >= 13 { n / 1000 } else { n });
    }
    OffsetDateTime::parse(stamp, &Rfc3339).ok().map(|t| t.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<(), Error>) -> Option<u16> {
        match result {
            Err(Error::Widget { code, .. }) => Some(code),
            _ => None,
        }
    }

    #[test]
    fn time_stamps_in_each_form_are_read() {
        assert_eq!(parse_time_stamp("1764400000"), Some(1_764_400_000));
        assert_eq!(parse_time_stamp("1764400000123"), Some(1_764_400_000));
        assert_eq!(parse_time_stamp("2025-11-29T12:36:40+05:30"), Some(1_764_400_000));
        assert_eq!(parse_time_stamp("2025-11-29T07:06:40Z"), Some(1_764_400_000));
        assert_eq!(parse_time_stamp("yesterday"), None);
        assert_eq!(parse_time_stamp(""), None);
    }

    #[test]
    fn stale_future_and_unreadable_stamps_are_206() {
        let now = 1_764_400_000;
        assert_eq!(code(check_fresh("1764400000", now)), None);
        assert_eq!(code(check_fresh("1764398300", now)), None, "29 minutes old");
        assert_eq!(code(check_fresh("1764398199", now)), Some(206), "over 30 minutes old");
        assert_eq!(code(check_fresh("1764400301", now)), Some(206), "over 5 minutes ahead");
        assert_eq!(code(check_fresh("soon", now)), Some(206));
    }
}
