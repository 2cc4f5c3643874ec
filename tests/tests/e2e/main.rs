//! OpenLocker's end-to-end tests: one test binary (each file would be a
//! binary of its own, and slow to link). Every test drives the real
//! `openlocker` binary on a loopback port with a real SQLite file, or with
//! `OL_TEST_DATABASE=postgres` a real PostgreSQL database (see `backend`).

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backend; // the database under test (SQLite, or PostgreSQL by OL_TEST_DATABASE) and reading it at rest
mod support; // spawns servers, runs the CLI, builds Push requests, HTTP helpers

mod accounts; // sign-up, sign-in throttling, CSRF, expired sessions, sign out everywhere, activity
mod browser; // the issuer and requester portals in headless Chromium (and the driver the other browser tests use)
mod cli; // admin subcommands: --json, exit codes, --help, the data folder
mod cluster; // two nodes on one PostgreSQL and one S3 bucket (moto): sessions, txns, files, clients and a killed importer
mod conformance; // the issuer conformance kit: passes our repository, names what a sloppy issuer skips
mod database; // PostgreSQL: the database URL's settings, its password never logged, the database going away and back
mod db_copy; // `db copy`: a SQLite deployment moved up to PostgreSQL and S3, served from there; a second copy refused
mod demo; // `demo seed`: an empty data folder becomes a sandbox; a second seed is refused
mod field; // the locker against a strict Issuer API v1.13 repository written from the specification (Python)
mod hardening; // the security review's findings: inert documents, JSON headers, no tokens in logs
mod hardening_auth; // bounded password hashing (503), throttle slots reserved before the check
mod hardening_push; // Push checked before it spends, stalled bodies cut, a crash between txn and task
mod hardening_ui; // a script in an issued XHTML document runs neither at its URL nor in the app (Chromium)
mod identity; // identity assurance with kyc-sim: the squatter story, racing verifications, OTP checks, in person
mod identity_ui; // the verify screen in headless Chromium, in English and Hindi
mod import; // the import job: row checks, actions, idempotency, resume after kill -9
mod kyc_provider; // an e-KYC provider written from the protocol text: down, slow, garbage, another uid
mod live_pull; // repository and locker on loopback: push, import, live Pull Doc, issuer failures
mod locker_ui; // the resident portal app in headless Chromium
mod object_store; // stored files in an S3 bucket (moto): a missing bucket, a store down at start and mid-run (503, no row), recovery
mod partner_api; // the Authorized Partner API with the oauth2 crate as the partner: PKCE, consent, tokens, refresh, reuse, revoke, OIDC
mod partner_api_files; // the partner API's Uploaded Documents: the list by folder and the HMAC-signed upload
mod partner_api_isolation; // another client's code or refresh token, another resident's documents
mod partner_api_ui; // the same flow's sign-in and consent in headless Chromium
mod partner_client; // the partner side: the oauth2 crate over ureq, jsonwebtoken against the JWKS, consent by the JSON API
mod partner_site; // a partner site on its own loopback port, for server-side fetches
mod portal; // the issuer portal API: uploads, tasks, rejections, keys, doc types, CSRF
mod proto_shapes; // every JSON answer of the resident and widget APIs read and written back unchanged by openlocker-proto's types
mod pull_search; // residents search a repository by Pull URI; found URIs saved as pulled
mod push_api; // the Push CSV API: tolerant reading and every refusal
mod repository; // the dedicated repository: URI minting, clients, Pull Doc
mod requester_portal; // partners sign in, see their app id, edit domains and services, rotate keys, see shares
mod residents; // sign-in, sessions and Issued Documents
mod saves; // Save to DigiLocker: the locker's safe server-side fetch into Uploaded Documents
mod secrets; // no Aadhaar number or API key in plaintext in the database or logs
mod shares; // requesters, the widget checks (203-207), shares and their public URLs
mod sign_up_ui; // browser sign-up with Aadhaar numbers of every shape, checked by the shared Verhoeff
mod signing; // signed e-documents: xmlsec1 verifies ours, PKCS#12 import, RSA-SHA1, the locker's marks, /api/verify
mod signing_ui; // the signature badge, the /verify/ page and the QR link with its revocation, in headless Chromium
mod uploads; // Uploaded Documents: folders, type by content, size and quota limits, residents kept apart
mod verify_links; // verification links (QR codes): session, CSRF and verified resident; the summary; revoked, expired, logs
mod web_app; // serving the resident app: the shell on deep links, pkg files and their types, not built
mod widget_ui; // the widget popups in headless Chromium with a partner page on a second origin
