//! OpenLocker: a self-hostable Digital Locker. The binary `openlocker` is a
//! thin shell over this library; the services here take plain types and the
//! [`app::App`] context, so the HTTP handlers, the scheduler and the admin
//! CLI all call the same functions.

pub mod aadhaar;
pub mod accounts;
pub mod activity;
pub mod admin;
pub mod app;
pub mod cli;
pub mod crypto;
pub mod dates;
pub mod error;
pub mod folders;
pub mod http;
pub mod identity;
pub mod ids;
pub mod import;
pub mod issuer_client;
pub mod issuers;
pub mod jobs;
pub mod kyc;
pub mod kyc_sim;
pub mod logging;
pub mod passwords;
pub mod portal;
pub mod pull_search;
pub mod push;
pub mod replay;
pub mod repo;
pub mod requester_portal;
pub mod requesters;
pub mod residents;
pub mod routes;
pub mod safe_fetch;
pub mod saves;
pub mod sealed_file;
pub mod serve;
pub mod sessions;
pub mod settings;
pub mod shares;
pub mod throttle;
pub mod uploads;
pub mod upstream;
pub mod widget_check;
pub mod wire_auth;
pub mod xml_tree;
