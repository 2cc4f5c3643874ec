//! Sign-in throttling: failed sign-ins are counted in SQLite (so a restart
//! forgets nothing) per account and per client address, in a sliding
//! window. Past a limit, sign-in is refused with 429 and `Retry-After`
//! until the oldest failure leaves the window. A refused attempt is not
//! counted and the password is not even checked, so a throttled attacker
//! learns nothing and costs no argon2 time.

use std::net::IpAddr;

use openlocker_db::login_failures::{self, Window};

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

/// Refuses with 429 when any `(key, limit)` is at its limit.
pub fn check(app: &App, keys: &[(&str, u32)]) -> Result<(), Error> {
    let now = dates::unix_now();
    let span = window_seconds(app);
    let conn = app.db.conn()?;
    let mut wait = None;
    for (key, limit) in keys {
        let window = login_failures::since(&conn, key, now - span)?;
        wait = wait.max(retry_after(window, *limit, span, now));
    }
    match wait {
        None => Ok(()),
        Some(retry_after) => {
            tracing::warn!(keys = ?keys.iter().map(|k| k.0).collect::<Vec<_>>(), retry_after, "sign-in throttled");
            Err(Error::TooManyRequests {
                message: format!("too many failed sign-ins; try again in {}", minutes(retry_after)),
                retry_after,
            })
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
    login_failures::record(&mut *app.db.conn()?, keys, now, now - window_seconds(app))?;
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
    check(
        app,
        &[
            (&account, app.settings.login_failures_per_account),
            (&address, app.settings.login_failures_per_address),
        ],
    )?;
    match attempt() {
        Ok(signed_in) => {
            succeeded(app, &account)?;
            Ok(signed_in)
        }
        Err(Error::Unauthorized(message)) => {
            failed(app, &[&account, &address])?;
            Err(Error::Unauthorized(message))
        }
        Err(other) => Err(other),
    }
}

/// Forgets an account's failures after it signed in.
pub fn succeeded(app: &App, account_key: &str) -> Result<(), Error> {
    Ok(login_failures::clear(&*app.db.conn()?, account_key)?)
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
