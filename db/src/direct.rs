//! Direct statements on the database, for the test suites that check data
//! at rest (sealed columns, stored hashes) or put a row in a state no API
//! reaches (an expired session), and for diagnostics. The server never uses
//! it. Statements are written as everywhere in this crate: `?N`
//! placeholders, run on either backend.

use crate::sql::Conn;
use crate::sql::value::{FromCell, Param};
use crate::{Db, DbError, DbResult};

/// A connection for direct statements ([`Db::direct`]).
pub struct Direct(Conn);

impl Db {
    /// Borrows a connection for direct statements (tests, diagnostics).
    pub fn direct(&self) -> DbResult<Direct> {
        Ok(Direct(self.conn()?))
    }
}

impl Direct {
    /// Runs one statement; returns the number of rows it changed.
    pub fn execute(&self, sql: &str, params: &[&dyn Param]) -> DbResult<usize> {
        self.0.execute(sql, params)
    }

    /// The first column of the first row; `NotFound` when there is no row.
    pub fn query_one<T: FromCell>(&self, sql: &str, params: &[&dyn Param]) -> DbResult<T> {
        self.0.query_row(sql, params, |r| r.get(0))
    }

    /// The first column of every row.
    pub fn query_column<T: FromCell>(&self, sql: &str, params: &[&dyn Param]) -> DbResult<Vec<T>> {
        let mut stmt = self.0.prepare(sql)?;
        let rows = stmt.query_map(params, |r| r.get(0))?;
        rows.collect::<Result<_, DbError>>()
    }
}
