//! Crash points for the end-to-end tests: with `OPENLOCKER_FAULT=<point>`
//! set, the process aborts at that point, as a power cut would, so a test
//! can prove what a crash there keeps and loses. Unset, they do nothing.

/// Aborts the process when `OPENLOCKER_FAULT` names `point`.
pub fn crash_point(point: &str) {
    if std::env::var("OPENLOCKER_FAULT").is_ok_and(|v| v == point) {
        eprintln!("openlocker: OPENLOCKER_FAULT={point}: aborting");
        std::process::abort();
    }
}
