//! OpenLocker: a self-hostable Digital Locker. The binary `openlocker` is a
//! thin shell over this library; the services here take plain types and the
//! [`app::App`] context, so the HTTP handlers, the scheduler and the admin
//! CLI all call the same functions.

// The composition root: the context every service takes.
pub mod app;
// The command line (clap) and the admin subcommands, one file per group.
pub mod cli;
// actix-web only: thin handlers named after their URL scopes, the route table, HTTP errors.
pub mod http;
// The issuers' side: the issuer registry, the issuer portal, Push CSV, the import queue and job.
pub mod issuers;
// `openlocker kyc-sim`: an e-KYC provider simulator (another party, for tests and sandboxes).
pub mod kyc_sim;
// The scheduled jobs (import, repository push): registration only.
pub mod jobs;
// The resident's locker: accounts, sessions, throttle, portal sign-in, activity, issued and uploaded documents.
pub mod locker;
// Partner sites: the requester registry and portal, widget checks, shares, saves, safe_fetch.
pub mod partners;
// What every role stands on: error, settings, crypto, sealed and spool files, passwords, Aadhaar, ids, dates, logs.
pub mod platform;
// The dedicated-repository role: a department's documents, Pull Doc and Pull URI, its push.
pub mod repository;
// `openlocker serve`: the HTTP server and the scheduler.
pub mod serve;
// The DigiLocker XML protocol: the hardened reader, writer, signed envelope, Status-0 refusal, request checks,
// replay guard, Push CSV columns, outgoing POST.
pub mod wire;
