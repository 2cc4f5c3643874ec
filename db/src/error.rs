//! The storage error: small on purpose, so callers only decide between
//! "not there", "already there" and "something broke".

/// What can go wrong in a storage call.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The row that the call names does not exist.
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the text names what clashed.
    #[error("already exists: {0}")]
    Conflict(String),
    /// SQLite or the pool failed.
    #[error("database error: {0}")]
    Other(String),
}

/// Result of a storage call.
pub type DbResult<T> = Result<T, DbError>;

impl From<rusqlite::Error> for DbError {
    fn from(err: rusqlite::Error) -> Self {
        match err {
            rusqlite::Error::QueryReturnedNoRows => DbError::NotFound,
            rusqlite::Error::SqliteFailure(code, ref msg) if code.code == rusqlite::ErrorCode::ConstraintViolation => {
                DbError::Conflict(msg.clone().unwrap_or_else(|| err.to_string()))
            }
            other => DbError::Other(other.to_string()),
        }
    }
}

impl From<r2d2::Error> for DbError {
    fn from(err: r2d2::Error) -> Self {
        DbError::Other(format!("connection pool: {err}"))
    }
}

/// Turns "no rows" into `None` for look-ups that may miss.
pub(crate) trait OptionalRow<T> {
    fn optional_row(self) -> DbResult<Option<T>>;
}

impl<T> OptionalRow<T> for Result<T, rusqlite::Error> {
    fn optional_row(self) -> DbResult<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }
}
