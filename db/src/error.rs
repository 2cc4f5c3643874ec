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
    /// The database (SQLite or PostgreSQL) or the pool failed, or did not answer.
    #[error("database error: {0}")]
    Other(String),
}

/// Result of a storage call.
pub type DbResult<T> = Result<T, DbError>;

impl From<r2d2::Error> for DbError {
    fn from(err: r2d2::Error) -> Self {
        DbError::Other(format!("connection pool: {err}"))
    }
}
