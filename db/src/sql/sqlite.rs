//! The SQLite backend's side of the value types and errors: rusqlite binds
//! a [`Value`] and reads a [`Cell`], and its errors become [`DbError`]s.

use rusqlite::types::{ToSqlOutput, ValueRef};

use super::value::{Cell, Value};
use crate::DbError;

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Value::Null => ValueRef::Null,
            Value::Int(v) => ValueRef::Integer(v),
            Value::Text(v) => ValueRef::Text(v.as_bytes()),
            Value::Blob(v) => ValueRef::Blob(v),
        }))
    }
}

/// Reads column `idx` of a rusqlite row as a [`Cell`].
pub(crate) fn cell<'a>(row: &'a rusqlite::Row<'_>, idx: usize) -> Result<Cell<'a>, DbError> {
    Ok(match row.get_ref(idx)? {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(v) => Cell::Int(v),
        ValueRef::Real(v) => Cell::Real(v),
        ValueRef::Text(v) => {
            Cell::Text(std::str::from_utf8(v).map_err(|e| DbError::Other(format!("column {idx} is not UTF-8: {e}")))?)
        }
        ValueRef::Blob(v) => Cell::Blob(v),
    })
}

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
