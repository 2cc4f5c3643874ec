//! The PostgreSQL backend's side: a connection manager for the r2d2 pool
//! whose connections keep their prepared statements, the translation of
//! SQLite-style `?N` placeholders into `$N`, the value conversions and the
//! error mapping. The `postgres` crate is blocking, like rusqlite.

use std::collections::HashMap;
use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls, Statement};

use super::value::{Cell, Value};
use crate::DbError;

/// Prepared statements kept per connection before the cache starts over
/// (queries built with a variable number of parameters would grow it).
const STATEMENT_CACHE: usize = 512;

/// A PostgreSQL connection and the statements prepared on it, by SQL text.
pub(crate) struct PgConn {
    pub(crate) client: Client,
    statements: HashMap<String, Statement>,
}

impl PgConn {
    /// The prepared form of `sql` (written with `?N` placeholders).
    pub(crate) fn prepare(&mut self, sql: &str) -> Result<Statement, DbError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&placeholders(sql))?;
        if self.statements.len() >= STATEMENT_CACHE {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

/// Opens pooled connections from a parsed configuration.
pub(crate) struct PgManager {
    pub(crate) config: postgres::Config,
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConn;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConn, postgres::Error> {
        Ok(PgConn {
            client: self.config.connect(NoTls)?,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), postgres::Error> {
        conn.client.simple_query("")?;
        Ok(())
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.client.is_closed()
    }
}

/// Rewrites `?N` (and bare `?`) placeholders as PostgreSQL's `$N`, leaving
/// string literals and quoted names alone.
pub(crate) fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    let mut next_bare = 1;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '?') => {
                out.push('$');
                if chars.peek().is_some_and(char::is_ascii_digit) {
                    while let Some(d) = chars.next_if(char::is_ascii_digit) {
                        out.push(d);
                    }
                } else {
                    out.push_str(&next_bare.to_string());
                    next_bare += 1;
                }
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

type BoxError = Box<dyn StdError + Sync + Send>;

impl ToSql for Value<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match *self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(v)?.to_sql(ty, out),
                Type::BOOL => (v != 0).to_sql(ty, out),
                _ => Err(format!("an integer cannot be sent as {ty}").into()),
            },
            Value::Text(v) => v.to_sql(ty, out),
            Value::Blob(v) => v.to_sql(ty, out),
        }
    }

    // The server infers each parameter's type from the statement; the
    // conversion above refuses what does not fit.
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A column read as a [`Cell`], whatever its type.
pub(crate) struct PgCell<'a>(pub(crate) Cell<'a>);

impl<'a> FromSql<'a> for PgCell<'a> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(PgCell(match *ty {
            Type::INT8 => Cell::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Cell::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Cell::Int(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Cell::Int(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Cell::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Cell::Real(f32::from_sql(ty, raw)?.into()),
            Type::BYTEA => Cell::Blob(raw),
            // TEXT, VARCHAR, NAME and extension types such as citext.
            _ if <&str as FromSql>::accepts(ty) => Cell::Text(<&str as FromSql>::from_sql(ty, raw)?),
            _ => return Err(format!("cannot read a column of type {ty}; cast it in the query").into()),
        }))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(PgCell(Cell::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

impl From<postgres::Error> for DbError {
    fn from(err: postgres::Error) -> Self {
        if let Some(db) = err.as_db_error() {
            // Class 23: integrity constraint violation (unique, foreign key,
            // check, not null), as SQLite's SQLITE_CONSTRAINT.
            if db.code().code().starts_with("23") {
                let what = match db.constraint() {
                    Some(name) => format!("{} ({name})", db.message()),
                    None => db.message().to_owned(),
                };
                return DbError::Conflict(what);
            }
            return DbError::Other(format!("postgresql: {}: {}", db.code().code(), db.message()));
        }
        if err.is_closed() {
            return DbError::Other("postgresql: the connection to the database is closed".into());
        }
        DbError::Other(format!("postgresql: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_become_dollar_numbers_outside_literals() {
        assert_eq!(
            placeholders("SELECT ?1, ?12 FROM t WHERE a = '?2' AND \"b?\" = ?3"),
            "SELECT $1, $12 FROM t WHERE a = '?2' AND \"b?\" = $3"
        );
        assert_eq!(placeholders("VALUES (?, ?)"), "VALUES ($1, $2)");
        assert_eq!(placeholders("x = 'it''s ?' OR y = ?1"), "x = 'it''s ?' OR y = $1");
    }
}
