//! The resident's locker: accounts and sessions, sign-in throttling, the
//! activity log, Issued Documents pulled from issuers (Pull URI search and
//! the issuer client), Uploaded Documents and their folders, and identity
//! assurance (who may see the documents of an Aadhaar number; e-KYC OTP).

pub mod accounts;
pub mod activity;
pub mod activity_behind;
pub mod identity;
pub mod issued_files;
pub mod issued_signature;
pub mod issuer_client;
pub mod kept_copy;
pub mod kyc;
pub mod portal_sign_in;
pub mod pull_match;
pub mod pull_search;
pub mod residents;
pub mod sessions;
pub mod throttle;
pub mod uploads;
pub mod verify_gate;
pub mod verify_links;
pub mod views;
