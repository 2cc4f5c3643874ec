//! Structured logs on stderr through `tracing`. Filter with OPENLOCKER_LOG
//! (e.g. `info`, `openlocker=debug`); `OPENLOCKER_LOG_FORMAT=json` for JSON.
//! Nothing logged here carries an Aadhaar number or an API key: the
//! `Aadhaar` type only ever prints masked, and keys are never passed to a
//! log macro. Access-log lines go through [`redact_target`], so a share
//! or verification token in a path, or a secret in a query, is not written.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Paths whose segment after the prefix is a bearer token.
const TOKEN_PATHS: &[&str] = &["/share/", "/verify/", "/api/verify-links/"];

/// Query parameters whose values are secrets.
const SECRET_PARAMS: &[&str] = &[
    "token", "key", "api_key", "apikey", "keyhash", "password", "secret", "code", "hmac", "session", "csrf",
];

/// The request target (`/path?query`) as it may be logged: a token path
/// segment and the values of secret-looking query parameters become
/// `[redacted]`.
pub fn redact_target(target: &str) -> String {
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let mut out = match TOKEN_PATHS.iter().find(|prefix| path.starts_with(**prefix)) {
        Some(prefix) if path.len() > prefix.len() => {
            // What follows the token (`/summary`) stays, for the reader.
            let rest = path[prefix.len()..]
                .find('/')
                .map_or("", |at| &path[prefix.len() + at..]);
            format!("{prefix}[redacted]{rest}")
        }
        _ => path.to_owned(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if SECRET_PARAMS.iter().any(|s| name.eq_ignore_ascii_case(s)) => {
                    format!("{name}=[redacted]")
                }
                _ => pair.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

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

#[cfg(test)]
mod tests {
    use super::redact_target;

    #[test]
    fn bearer_tokens_are_not_logged() {
        assert_eq!(redact_target("/share/abcDEF123"), "/share/[redacted]");
        assert_eq!(redact_target("/verify/abc?x=1"), "/verify/[redacted]?x=1");
        assert_eq!(
            redact_target("/api/verify-links/0123abcd/summary"),
            "/api/verify-links/[redacted]/summary"
        );
        assert_eq!(redact_target("/api/verify-links"), "/api/verify-links");
        assert_eq!(
            redact_target("/api/x?name=a&token=s3cret&API_KEY=k"),
            "/api/x?name=a&token=[redacted]&API_KEY=[redacted]"
        );
        assert_eq!(redact_target("/api/issued"), "/api/issued");
        assert_eq!(redact_target("/share/"), "/share/");
    }
}
