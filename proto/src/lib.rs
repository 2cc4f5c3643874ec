//! What the OpenLocker server and its browser code (the Yew app and the
//! partner-page loader) share, so the two sides cannot drift apart:
//! - [`aadhaar`]: the one Aadhaar check (12 digits, Verhoeff) and masking;
//! - [`locker`]: the resident API's JSON (profile, Issued Documents, Pull
//!   URI search, activity);
//! - [`signing`]: public verification and verification links (QR codes);
//! - [`uploads`]: Uploaded Documents' folders and files;
//! - [`widget`]: the partner widgets: the request a page makes, the check's
//!   answer, shares, saves and the popup's answer to the page;
//! - [`oauth`]: the Authorized Partner API's consent request and connected
//!   apps;
//! - [`error`]: the JSON error body.
//!
//! serde only (no serde_json, no web-sys, no actix): the loader's size
//! budget counts every byte this crate brings.

pub mod aadhaar;
pub mod error;
pub mod locker;
pub mod oauth;
pub mod signing;
pub mod uploads;
pub mod widget;
