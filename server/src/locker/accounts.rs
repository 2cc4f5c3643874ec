//! Resident accounts: sign-up, throttled sign-in, and "sign out
//! everywhere". Each step lands in the activity log.

use openlocker_db::sessions::SessionKind;

use crate::app::App;
use crate::locker::activity::{self, Client, Kind};
use crate::locker::residents::{self, NewResident, Opening};
use crate::locker::sessions::{self, NewSession};
use crate::locker::throttle;
use crate::platform::error::Error;

/// Opens a locker (unverified: see [`crate::locker::identity`]) and signs its
/// resident in. Sign-ups that clash with an existing locker count against
/// the client address like failed sign-ins, so the 409 cannot be used to
/// test many numbers quickly.
pub fn sign_up(app: &App, new: &NewResident<'_>, client: &Client) -> Result<(i64, NewSession), Error> {
    let address = throttle::address_key(&client.ip);
    throttle::check(app, &[(&address, app.settings.login_failures_per_address)])?;
    let id = match residents::add(app, new, Opening::SignUp, client) {
        Err(Error::Conflict(message)) => {
            throttle::failed(app, &[&address])?;
            return Err(Error::Conflict(message));
        }
        other => other?,
    };
    activity::record(app, id, Kind::SignedUp, "", client)?;
    let session = sessions::start(app, SessionKind::Resident, id)?;
    activity::record(app, id, Kind::SignedIn, "", client)?;
    Ok((id, session))
}

/// Signs a resident in by Aadhaar or mobile number and password, unless
/// the account or the client address has failed too often lately. An
/// account closed because another proved the number theirs answers 409
/// `aadhaar_claimed`, and only to its own password.
pub fn sign_in(app: &App, username: &str, password: &str, client: &Client) -> Result<(i64, NewSession), Error> {
    let username = residents::normalize_username(username);
    let candidates = residents::candidates(app, &username)?;
    // One account: its own counter. Several claims of one number: the
    // counter of the name, so guessing cannot spread over the claims.
    let only_id = match candidates.as_slice() {
        [only] => Some(only.id),
        _ => None,
    };
    let account = throttle::account_key(app, only_id, &username);
    let address = throttle::address_key(&client.ip);
    let keys = [
        (account.as_str(), app.settings.login_failures_per_account),
        (address.as_str(), app.settings.login_failures_per_address),
    ];
    let resident = throttle::guarded(app, &keys, &account, || {
        match residents::password_match(candidates, password)? {
            Some(resident) => Ok(resident),
            None => {
                if let Some(id) = only_id {
                    activity::record(app, id, Kind::SignInFailed, "wrong password", client)?;
                }
                Err(residents::bad_credentials())
            }
        }
    })?;
    if resident.closed_at.is_some() {
        activity::record(app, resident.id, Kind::SignInFailed, "account closed", client)?;
        return Err(crate::locker::identity::claimed_error());
    }
    let session = sessions::start(app, SessionKind::Resident, resident.id)?;
    activity::record(app, resident.id, Kind::SignedIn, "", client)?;
    Ok((resident.id, session))
}

/// Ends every session of the resident, on every device.
pub fn sign_out_everywhere(app: &App, resident_id: i64, client: &Client) -> Result<usize, Error> {
    let ended = sessions::end_all(app, SessionKind::Resident, resident_id)?;
    activity::record(
        app,
        resident_id,
        Kind::SignedOutEverywhere,
        &format!("{ended} session(s) ended"),
        client,
    )?;
    Ok(ended)
}
