//! Sign-in throttling: failed sign-ins are counted in SQLite (so a restart
//! forgets nothing) per account and per client address, in a sliding
//! window. Past a limit, sign-in is refused with 429 and `Retry-After`
//! until the oldest failure leaves the window. A refused attempt is not
//! counted and the password is not even checked, so a throttled attacker
//! learns nothing and costs no argon2 time. A sign-in's failure is reserved
//! before its password is checked, and taken back if it succeeds: parallel
//! attempts cannot all pass the count while the first are still hashing.

use std::net::IpAddr;

use openlocker_db::login_failures::{self, Reservation, Window};

use crate::app::App;
use crate::platform::dates;
use crate::platform::error::Error;

/// The throttle key of an account: the resident when the name is known,
/// else a keyed hash of the name (so unknown names are throttled alike and
/// no Aadhaar number is stored, not even as its look-up HMAC).
pub fn account_key(app: &App, resident_id: Option<i64>, username: &str) -> String {
    match resident_id {
        Some(id) => format!("account:{id}"),
        None => format!("account:?{}", app.keys.throttle_account_id(username)),
    }
}

/// The throttle key of a client address. An IPv6 client usually owns a
/// whole /64, so that is what is counted.
pub fn address_key(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("address:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(IpAddr::V6(v6)) => format!(
            "address:{}",
            v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default()
        ),
        Ok(IpAddr::V4(v4)) => format!("address:{v4}"),
        Err(_) => format!("address:{ip}"),
    }
}

/// Seconds to wait before `window` is under `limit` again; `None` when it
/// already is.
pub fn retry_after(window: Window, limit: u32, window_seconds: i64, now: i64) -> Option<u64> {
    if window.count < limit {
        return None;
    }
    let oldest = window.oldest.unwrap_or(now);
    Some((oldest + window_seconds - now).max(1) as u64)
}

fn window_seconds(app: &App) -> i64 {
    app.settings.login_throttle_minutes as i64 * 60
}

/// The window of Pull URI searches that found nothing or someone else's
/// document: counted like failed sign-ins, over an hour.
pub const PULL_WINDOW_SECONDS: i64 = 3600;

/// Refuses with 429 when any `(key, limit)` is at its limit of failed
/// sign-ins.
pub fn check(app: &App, keys: &[(&str, u32)]) -> Result<(), Error> {
    check_within(app, keys, window_seconds(app), "failed sign-ins")
}

/// Refuses with 429 when any `(key, limit)` is at its limit within the
/// sign-in window; `what` names what was counted, for the message ("wrong OTPs").
pub fn check_for(app: &App, keys: &[(&str, u32)], what: &str) -> Result<(), Error> {
    check_within(app, keys, window_seconds(app), what)
}

/// Refuses with 429 when any `(key, limit)` has had `limit` failures in the
/// last `span` seconds; `what` names the failures in the message.
pub fn check_within(app: &App, keys: &[(&str, u32)], span: i64, what: &str) -> Result<(), Error> {
    let now = dates::unix_now();
    let windows = keys
        .iter()
        .map(|(key, _)| login_failures::since(&app.db, key, now - span))
        .collect::<Result<Vec<_>, _>>()?;
    refuse_if_full(keys, &windows, now, span, what)
}

/// The 429 when one of `windows` (one per key) is at its key's limit.
fn refuse_if_full(keys: &[(&str, u32)], windows: &[Window], now: i64, span: i64, what: &str) -> Result<(), Error> {
    let wait = keys
        .iter()
        .zip(windows)
        .filter_map(|((_, limit), window)| retry_after(*window, *limit, span, now))
        .max();
    match wait {
        None => Ok(()),
        Some(retry_after) => {
            tracing::warn!(keys = ?keys.iter().map(|k| k.0).collect::<Vec<_>>(), retry_after, what, "throttled");
            Err(Error::TooManyRequests {
                message: format!("too many {what}; try again in {}", minutes(retry_after)),
                retry_after,
            })
        }
    }
}

/// Runs a sign-in `attempt` under the limits of `keys`. A failure is
/// recorded under each key first (429 when one is full, and the attempt is
/// not run); an attempt that fails with `Unauthorized` keeps it, any other
/// outcome takes it back, and a success forgets `account`'s failures.
pub fn guarded<T>(
    app: &App,
    keys: &[(&str, u32)],
    account: &str,
    attempt: impl FnOnce() -> Result<T, Error>,
) -> Result<T, Error> {
    let now = dates::unix_now();
    let span = window_seconds(app);
    let rows = match login_failures::reserve(&app.db, keys, now, now - span, now - span)? {
        Reservation::Reserved(rows) => rows,
        Reservation::Full(windows) => {
            refuse_if_full(keys, &windows, now, span, "failed sign-ins")?;
            return Err(Error::Internal("a full throttle window was not refused".into()));
        }
    };
    match attempt() {
        Ok(signed_in) => {
            login_failures::release(&app.db, &rows)?;
            succeeded(app, account)?;
            Ok(signed_in)
        }
        Err(Error::Unauthorized(message)) => Err(Error::Unauthorized(message)),
        Err(other) => {
            login_failures::release(&app.db, &rows)?;
            Err(other)
        }
    }
}

fn minutes(seconds: u64) -> String {
    match seconds.div_ceil(60) {
        1 => "1 minute".into(),
        n => format!("{n} minutes"),
    }
}

/// Counts a failure against each key.
pub fn failed(app: &App, keys: &[&str]) -> Result<(), Error> {
    let now = dates::unix_now();
    // Only failures older than every window may go.
    let longest = window_seconds(app).max(PULL_WINDOW_SECONDS);
    login_failures::record(&app.db, keys, now, now - longest)?;
    Ok(())
}

/// Runs a portal user's sign-in `attempt` (issuer or requester portal)
/// under the residents' limits, with counters of its own: `portal` keeps
/// its accounts apart from residents'; the address counter is shared.
pub fn portal_sign_in<T>(
    app: &App,
    portal: &str,
    username: &str,
    ip: &str,
    attempt: impl FnOnce() -> Result<T, Error>,
) -> Result<T, Error> {
    let name = username.trim().to_lowercase();
    let account = format!("{portal}:{}", app.keys.throttle_account_id(&name));
    let address = address_key(ip);
    let keys = [
        (account.as_str(), app.settings.login_failures_per_account),
        (address.as_str(), app.settings.login_failures_per_address),
    ];
    guarded(app, &keys, &account, attempt)
}

/// Forgets an account's failures after it signed in.
pub fn succeeded(app: &App, account_key: &str) -> Result<(), Error> {
    Ok(login_failures::clear(&app.db, account_key)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(count: u32, oldest: Option<i64>) -> Window {
        Window { count, oldest }
    }

    #[test]
    fn under_the_limit_passes() {
        assert_eq!(retry_after(window(0, None), 5, 900, 1000), None);
        assert_eq!(retry_after(window(4, Some(500)), 5, 900, 1000), None);
    }

    #[test]
    fn at_the_limit_waits_until_the_oldest_failure_leaves_the_window() {
        assert_eq!(retry_after(window(5, Some(500)), 5, 900, 1000), Some(400));
        assert_eq!(retry_after(window(7, Some(100)), 5, 900, 1000), Some(1));
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        assert_eq!(address_key("2001:db8:1:2:aaaa::1"), address_key("2001:db8:1:2:bbbb::9"));
        assert_ne!(address_key("2001:db8:1:2::1"), address_key("2001:db8:1:3::1"));
        assert_eq!(address_key("::ffff:10.0.0.1"), address_key("10.0.0.1"));
        assert_ne!(address_key("10.0.0.1"), address_key("10.0.0.2"));
    }
}
