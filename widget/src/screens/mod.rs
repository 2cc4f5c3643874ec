//! The app's screens, one function component per file (a screen's parts
//! beside it): `account/` for signing in and up (the portal and the popups
//! both use them), `locker/` for the resident portal, `popup/` for the
//! partner widgets' popups, `verify/` for public verification.

pub mod account;
pub mod locker;
pub mod popup;
#[cfg(feature = "portal")]
pub mod verify;
