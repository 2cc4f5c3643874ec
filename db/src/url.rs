//! Database URLs: `sqlite://PATH` (the embedded default) or
//! `postgres://USER[:PASSWORD]@HOST:PORT/DB`. A URL is only ever shown
//! through [`DatabaseUrl::redacted`], which leaves out the password.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::{DbError, DbResult};

/// How long opening a PostgreSQL connection may take, unless the URL says
/// (`connect_timeout`): a database that is down is reported quickly.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the database is.
#[derive(Clone)]
pub enum DatabaseUrl {
    /// A SQLite file, created when absent.
    Sqlite(PathBuf),
    /// A PostgreSQL server; the configuration holds the password, if any.
    Postgres(Box<postgres::Config>),
}

impl DatabaseUrl {
    /// Parses a URL; the error never quotes the URL (it may hold a password).
    pub fn parse(url: &str) -> DbResult<DatabaseUrl> {
        let url = url.trim();
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(DbError::Other("the database URL sqlite:// names no file".into()));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut config = postgres::Config::from_str(url)
                .map_err(|e| DbError::Other(format!("the database URL is not a valid postgres:// URL: {e}")))?;
            if config.get_connect_timeout().is_none() {
                config.connect_timeout(CONNECT_TIMEOUT);
            }
            if config.get_application_name().is_none() {
                config.application_name("openlocker");
            }
            return Ok(DatabaseUrl::Postgres(Box::new(config)));
        }
        Err(DbError::Other(
            "the database URL must start with sqlite:// or postgres://".into(),
        ))
    }

    /// The URL without its password, for logs and messages.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(config) => {
                let user = config.get_user().unwrap_or("");
                let host = config
                    .get_hosts()
                    .first()
                    .map(|h| match h {
                        postgres::config::Host::Tcp(name) => name.clone(),
                        postgres::config::Host::Unix(path) => path.display().to_string(),
                    })
                    .unwrap_or_default();
                let port = config.get_ports().first().copied().unwrap_or(5432);
                let db = config.get_dbname().unwrap_or("");
                let password = if config.get_password().is_some() {
                    ":[redacted]"
                } else {
                    ""
                };
                format!("postgres://{user}{password}@{host}:{port}/{db}")
            }
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_url_shows_without_its_password() {
        let url = DatabaseUrl::parse("postgres://app:s3cret-pw@127.0.0.1:5433/locker").unwrap();
        assert_eq!(url.redacted(), "postgres://app:[redacted]@127.0.0.1:5433/locker");
        assert!(!format!("{url:?}").contains("s3cret-pw"));
    }

    #[test]
    fn sqlite_urls_name_a_file_and_others_are_refused_without_echo() {
        let DatabaseUrl::Sqlite(path) = DatabaseUrl::parse("sqlite://./data/openlocker.db").unwrap() else {
            panic!("sqlite")
        };
        assert_eq!(path, PathBuf::from("./data/openlocker.db"));
        let DatabaseUrl::Sqlite(path) = DatabaseUrl::parse("sqlite:///var/lib/ol.db").unwrap() else {
            panic!("sqlite")
        };
        assert_eq!(path, PathBuf::from("/var/lib/ol.db"));
        for bad in [
            "mysql://u:hunter22@h/db",
            "sqlite://",
            "postgres://u:hunter22@h:notaport/db",
        ] {
            let err = DatabaseUrl::parse(bad).err().unwrap().to_string();
            assert!(!err.contains("hunter22"), "{err}");
        }
    }
}
