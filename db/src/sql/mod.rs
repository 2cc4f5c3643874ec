//! The SQL layer under every query of this crate: one connection type over
//! both backends ([`conn`]), the values that cross it ([`value`]), and each
//! backend's conversions and errors ([`sqlite`], [`postgres`]).

pub mod conn;
pub(crate) mod postgres;
pub(crate) mod sqlite;
pub mod value;

pub use conn::Dialect;
pub(crate) use conn::{Conn, Row, Stmt, Tx};
pub(crate) use value::Param;

use crate::{DbError, DbResult};

/// The parameters of a statement, as rusqlite's `params!`.
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::sql::Param]
    };
    ($($param:expr),+ $(,)?) => {
        &[$(&$param as &dyn $crate::sql::Param),+] as &[&dyn $crate::sql::Param]
    };
}
pub(crate) use params;

/// Turns "no rows" into `None` for look-ups that may miss.
pub(crate) trait OptionalRow<T> {
    fn optional_row(self) -> DbResult<Option<T>>;
}

impl<T> OptionalRow<T> for DbResult<T> {
    fn optional_row(self) -> DbResult<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(DbError::NotFound) => Ok(None),
            Err(err) => Err(err),
        }
    }
}
