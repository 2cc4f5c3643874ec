//! Signing in and signing up, shown by the portal and the widget popups,
//! and a partner app's consent screen (the Authorized Partner API).

#[cfg(feature = "portal")]
pub mod consent;
pub mod sign_in;
#[cfg(feature = "portal")]
pub mod sign_up;

use crate::api;
use crate::state::{Action, Ctx, CtxExt};

/// After a session was opened (sign-in or sign-up): who is it? Says `key`.
pub async fn adopt_session(app: &Ctx, key: &'static str) {
    match api::me().await {
        Ok(me) => {
            app.dispatch(Action::SignedIn(me));
            app.say(key, "");
        }
        Err(e) => app.fail(&e),
    }
}

/// Whether the app runs in a widget popup (which shows no portal
/// navigation, and opens sign-up in a new tab).
pub fn in_popup(path: &str) -> bool {
    path.starts_with("/widget/")
}
