//! The sign-in of the two portals' users (the issuer portal and the
//! requester portal) as one service, like residents' sign-in: the throttle,
//! the password check, the session, and what the portal shows of the user.
//! Each portal says only how its users are found and shown.

use openlocker_db::sessions::SessionKind;
use serde::Serialize;

use crate::app::App;
use crate::locker::sessions::{self, NewSession};
use crate::locker::throttle;
use crate::platform::error::Error;

/// A portal whose users sign in with a username and a password.
pub trait Portal {
    /// A signed-in user.
    type User;
    /// What the portal shows of the user after sign-in.
    type Overview: Serialize + Send + 'static;
    /// The portal's name in the throttle's account counters.
    const NAME: &'static str;
    /// The kind of session its users hold.
    const SESSION: SessionKind;
    /// The session cookie's name.
    const COOKIE: &'static str;

    /// The user that a username and password belong to, else `Unauthorized`.
    fn authenticate(app: &App, username: &str, password: &str) -> Result<Self::User, Error>;
    /// The user's id, the session's subject.
    fn user_id(user: &Self::User) -> i64;
    fn overview(app: &App, user: &Self::User) -> Result<Self::Overview, Error>;
}

/// Signs a portal user in from the client address `ip`, throttled like
/// residents (counters of the portal's own; the address counter is shared).
pub fn sign_in<P: Portal>(
    app: &App,
    username: &str,
    password: &str,
    ip: &str,
) -> Result<(P::Overview, NewSession), Error> {
    let user = throttle::portal_sign_in(app, P::NAME, username, ip, || P::authenticate(app, username, password))?;
    let overview = P::overview(app, &user)?;
    let session = sessions::start(app, P::SESSION, P::user_id(&user))?;
    Ok((overview, session))
}
