//! The resident's locker: accounts and sessions, sign-in throttling, the
//! activity log, Issued Documents pulled from issuers (Pull URI search and
//! the issuer client), Uploaded Documents and their folders.

pub mod accounts;
pub mod activity;
pub mod folders;
pub mod issued_files;
pub mod issuer_client;
pub mod kept_copy;
pub mod pull_match;
pub mod pull_search;
pub mod residents;
pub mod sessions;
pub mod throttle;
pub mod uploads;
