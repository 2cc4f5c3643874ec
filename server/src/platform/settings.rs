//! Settings: defaults, then `openlocker.toml` (`--config`), then
//! `OPENLOCKER_*` environment variables, then command-line flags.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::platform::error::Error;

/// Every setting of the server and the admin commands.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// SQLite database, secrets and stored files.
    pub data_dir: PathBuf,
    /// The database URL (`sqlite://FILE` or `postgres://...`); unset: the
    /// SQLite file in `data_dir`. Never shown: it may hold a password.
    pub database_url: Option<SecretText>,
    /// A file whose first line is the database URL (instead of `database_url`).
    pub database_url_file: Option<PathBuf>,
    /// Where stored files live: `file://DIR` or `s3://BUCKET?endpoint=…&region=…`;
    /// unset: the data folder. Credentials come from `AWS_*` variables.
    pub object_store_url: Option<String>,
    /// The master key, shared by the nodes of one deployment; unset:
    /// `secrets/master.key` in the data folder.
    pub master_key_file: Option<PathBuf>,
    /// How long a node's hold on an import file lasts unless renewed (each
    /// batch renews it), in seconds: a killed node's file is taken over after this.
    pub import_lease_seconds: u64,
    /// The static web folder: the resident portal's built app is served from
    /// its `pkg/` (built by `cargo xtask`, not in git).
    pub www_dir: PathBuf,
    /// Listen address.
    pub bind: String,
    /// The origin that browsers and issuers see; `http://<bind>` when unset.
    pub public_url: Option<String>,
    /// When the CSV import job runs: a cron expression with seconds.
    pub import_schedule: String,
    /// Largest Push CSV request body, in bytes.
    pub max_push_bytes: u64,
    /// Largest CSV file uploaded by hand in the issuer portal, in bytes.
    pub max_upload_bytes: u64,
    /// How long a rotated-out API key keeps working, in hours.
    pub key_grace_hours: u64,
    /// How far a request `ts` may be from the server clock, in minutes; also
    /// the window in which a reused `txn` counts as a replay.
    pub ts_window_minutes: u64,
    /// How long a sign-in lasts, in hours.
    pub session_hours: u64,
    /// Rows the importer commits at a time.
    pub import_batch_rows: usize,
    /// SQLite page cache of the importer, in MiB.
    pub import_cache_mib: u32,
    /// How long a call to an issuer's repository (or a locker) may take, in seconds.
    pub upstream_timeout_seconds: u64,
    /// Memory for the repository's most pulled documents, kept base64-encoded
    /// for Pull Doc answers, in MiB; 0 turns the cache off.
    pub repo_cache_mib: u32,
    /// Largest file a resident may upload to Uploaded Documents, in bytes.
    pub resident_file_max_bytes: u64,
    /// Room each resident has for Uploaded Documents, in bytes.
    pub resident_quota_bytes: u64,
    /// Failed sign-ins to one account within `login_throttle_minutes`
    /// before its sign-in is refused for a while.
    pub login_failures_per_account: u32,
    /// Failed sign-ins from one client address (an IPv6 /64) within
    /// `login_throttle_minutes` before its sign-ins are refused for a while.
    pub login_failures_per_address: u32,
    /// The window in which failed sign-ins are counted, in minutes.
    pub login_throttle_minutes: u64,
    /// Password hashes (argon2, 19 MiB each) computed at once; 0 means
    /// min(cores, 8).
    pub password_hash_concurrency: usize,
    /// Password checks that may wait for a free hash; past that, 503.
    pub password_hash_queue: usize,
    /// How long a password check waits for a free hash before a 503, in seconds.
    pub password_hash_wait_seconds: u64,
    /// A request body that sends nothing for this long is cut (408), in seconds.
    pub body_timeout_seconds: u64,
    /// Open connections one client address (an IPv6 /64) may hold; past
    /// it a connection gets a 503 and is closed. Benchmarks and reverse
    /// proxies need room.
    pub max_connections_per_address: usize,
    /// Bytes per second a request body must average after its first
    /// `body_timeout_seconds` (a slow trickle is cut too).
    pub body_min_bytes_per_second: u64,
    /// How long a shared document's public URL works, in minutes.
    pub share_minutes: u64,
    /// How many times a shared document's public URL may be fetched.
    pub share_max_fetches: u32,
    /// How long a verification link (an issued document's QR code) works, in days.
    pub verify_link_days: u64,
    /// The e-KYC provider behind the identity OTP (`POST {kyc_url}/otp`,
    /// `/verify`: INTERFACE section 10); no OTP verification when unset.
    pub kyc_url: Option<String>,
    /// How long a call to the e-KYC provider may take, in seconds.
    pub kyc_timeout_seconds: u64,
    /// When the repository pushes its new documents to a locker (cron with
    /// seconds); no scheduled push when unset. The other `repo_push_*`
    /// settings are then required.
    pub repo_push_schedule: Option<String>,
    /// The issuer whose documents are pushed.
    pub repo_push_issuer: Option<String>,
    /// The locker's base URL.
    pub repo_push_locker: Option<String>,
    /// The orgId the locker gave the issuer.
    pub repo_push_org_id: Option<String>,
    /// A file holding the Push API key the locker gave the issuer (kept out
    /// of the settings file).
    pub repo_push_api_key_file: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_url_file: None,
            object_store_url: None,
            master_key_file: None,
            import_lease_seconds: 30,
            www_dir: PathBuf::from("www"),
            bind: "127.0.0.1:8080".into(),
            public_url: None,
            import_schedule: "0 * * * * *".into(),
            max_push_bytes: 256 * 1024 * 1024,
            max_upload_bytes: 256 * 1024 * 1024,
            key_grace_hours: 24,
            ts_window_minutes: 30,
            session_hours: 12,
            import_batch_rows: 75_000,
            import_cache_mib: 128,
            upstream_timeout_seconds: 20,
            repo_cache_mib: 64,
            resident_file_max_bytes: 10_000_000,
            resident_quota_bytes: 1_000_000_000,
            login_failures_per_account: 5,
            login_failures_per_address: 20,
            login_throttle_minutes: 15,
            password_hash_concurrency: 0,
            password_hash_queue: 64,
            password_hash_wait_seconds: 10,
            body_timeout_seconds: 30,
            max_connections_per_address: 256,
            body_min_bytes_per_second: 1024,
            share_minutes: 15,
            share_max_fetches: 5,
            verify_link_days: 7,
            kyc_url: None,
            kyc_timeout_seconds: 15,
            repo_push_schedule: None,
            repo_push_issuer: None,
            repo_push_locker: None,
            repo_push_org_id: None,
            repo_push_api_key_file: None,
        }
    }
}

/// Environment variables that are read but are not settings.
const NOT_SETTINGS: &[&str] = &[
    "OPENLOCKER_CONFIG",
    "OPENLOCKER_LOG",
    "OPENLOCKER_LOG_FORMAT",
    "OPENLOCKER_FAULT",
];

impl Settings {
    /// Layers the file (if any), the environment and the flag values.
    /// `flags` holds `(key, value)` for every flag given on the command line.
    pub fn load(
        config_file: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
        flags: &[(&str, String)],
    ) -> Result<Settings, Error> {
        let mut table = toml::Table::new();
        if let Some(path) = config_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::Invalid(format!("cannot read config {}: {e}", path.display())))?;
            table = text
                .parse::<toml::Table>()
                .map_err(|e| Error::Invalid(format!("config {}: {e}", path.display())))?;
        }
        for (name, value) in env {
            let Some(key) = name.strip_prefix("OPENLOCKER_") else {
                continue;
            };
            if NOT_SETTINGS.contains(&name.as_str()) {
                continue;
            }
            table.insert(key.to_ascii_lowercase(), env_value(&value));
        }
        for (key, value) in flags {
            table.insert((*key).to_owned(), toml::Value::String(value.clone()));
        }
        coerce_numbers(&mut table);
        let settings: Settings = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| Error::Invalid(format!("settings: {}", e.message())))?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), Error> {
        if !(1..=1_000_000).contains(&self.import_batch_rows) {
            return Err(Error::Invalid("import_batch_rows must be between 1 and 1000000".into()));
        }
        if self.login_failures_per_account == 0
            || self.login_failures_per_address == 0
            || self.login_throttle_minutes == 0
        {
            return Err(Error::Invalid(
                "login_failures_per_account, login_failures_per_address and login_throttle_minutes must be at least 1"
                    .into(),
            ));
        }
        if self.body_timeout_seconds == 0 || self.password_hash_wait_seconds == 0 {
            return Err(Error::Invalid(
                "body_timeout_seconds and password_hash_wait_seconds must be at least 1".into(),
            ));
        }
        if self.repo_push_schedule.is_some()
            && (self.repo_push_issuer.is_none()
                || self.repo_push_locker.is_none()
                || self.repo_push_org_id.is_none()
                || self.repo_push_api_key_file.is_none())
        {
            return Err(Error::Invalid(
                "repo_push_schedule needs repo_push_issuer, repo_push_locker, repo_push_org_id and repo_push_api_key_file"
                    .into(),
            ));
        }
        for (key, url) in [("public_url", &self.public_url), ("kyc_url", &self.kyc_url)] {
            if let Some(url) = url
                && !(url.starts_with("http://") || url.starts_with("https://"))
            {
                return Err(Error::Invalid(format!(
                    "{key} must start with http:// or https://, not {url}"
                )));
            }
        }
        if self.kyc_timeout_seconds == 0 {
            return Err(Error::Invalid("kyc_timeout_seconds must be at least 1".into()));
        }
        if !(1..=3650).contains(&self.verify_link_days) {
            return Err(Error::Invalid("verify_link_days must be between 1 and 3650".into()));
        }
        Ok(())
    }

    /// The public origin, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    /// Whether browsers reach us over https, so cookies must be Secure.
    pub fn is_https(&self) -> bool {
        self.public_url().starts_with("https://")
    }

    /// The master key file: `master_key_file`, else the data folder's.
    pub fn master_key_path(&self) -> PathBuf {
        self.master_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("secrets/master.key"))
    }

    /// The database URL: `database_url`, else the first line of
    /// `database_url_file`, else the SQLite file in the data folder.
    pub fn database_url(&self) -> Result<String, Error> {
        match (&self.database_url, &self.database_url_file) {
            (Some(_), Some(_)) => Err(Error::Invalid("set database_url or database_url_file, not both".into())),
            (Some(url), None) => Ok(url.0.clone()),
            (None, Some(file)) => {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| Error::Invalid(format!("cannot read database_url_file {}: {e}", file.display())))?;
                Ok(text.lines().next().unwrap_or("").trim().to_owned())
            }
            (None, None) => Ok(format!("sqlite://{}", self.data_dir.join("openlocker.db").display())),
        }
    }
}

/// A setting that may hold a secret (a password in a URL): its `Debug`
/// form is redacted, so no settings dump can leak it.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct SecretText(pub String);

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// An environment value is a number when it reads as one, else a string.
fn env_value(value: &str) -> toml::Value {
    value
        .parse::<i64>()
        .map(toml::Value::Integer)
        .unwrap_or_else(|_| toml::Value::String(value.to_owned()))
}

/// The settings that are numbers.
const NUMERIC: &[&str] = &[
    "max_push_bytes",
    "max_upload_bytes",
    "key_grace_hours",
    "ts_window_minutes",
    "session_hours",
    "import_batch_rows",
    "import_cache_mib",
    "import_lease_seconds",
    "repo_cache_mib",
    "share_minutes",
    "share_max_fetches",
    "verify_link_days",
    "upstream_timeout_seconds",
    "kyc_timeout_seconds",
    "resident_file_max_bytes",
    "resident_quota_bytes",
    "login_failures_per_account",
    "login_failures_per_address",
    "login_throttle_minutes",
    "password_hash_concurrency",
    "password_hash_queue",
    "password_hash_wait_seconds",
    "body_timeout_seconds",
    "max_connections_per_address",
    "body_min_bytes_per_second",
];

/// Flags arrive as strings; numeric settings given that way become numbers.
fn coerce_numbers(table: &mut toml::Table) {
    for key in NUMERIC {
        if let Some(toml::Value::String(s)) = table.get(*key)
            && let Ok(n) = s.trim().parse::<i64>()
        {
            table.insert((*key).to_owned(), toml::Value::Integer(n));
        }
    }
    for key in [
        "bind",
        "public_url",
        "import_schedule",
        "data_dir",
        "database_url",
        "object_store_url",
        "master_key_file",
        "www_dir",
        "repo_push_org_id",
        "kyc_url",
    ] {
        if let Some(toml::Value::Integer(n)) = table.get(key) {
            let text = n.to_string();
            table.insert(key.to_owned(), toml::Value::String(text));
        }
    }
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
