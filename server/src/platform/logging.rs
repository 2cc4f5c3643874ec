//! Structured logs on stderr through `tracing`. Filter with OPENLOCKER_LOG
//! (e.g. `info`, `openlocker=debug`); `OPENLOCKER_LOG_FORMAT=json` for JSON.
//! Nothing logged here carries an Aadhaar number or an API key: the
//! `Aadhaar` type only ever prints masked, and keys are never passed to a
//! log macro.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the subscriber; `default_level` applies when OPENLOCKER_LOG is unset.
pub fn init(default_level: &str) {
    let filter = EnvFilter::try_from_env("OPENLOCKER_LOG").unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let json = std::env::var("OPENLOCKER_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    let result = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    if let Err(e) = result {
        eprintln!("openlocker: logging was already set up: {e}");
    }
}
