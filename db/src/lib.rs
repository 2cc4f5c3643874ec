//! OpenLocker storage. This crate is the only place that speaks SQL: it owns
//! the schema and migrations of both backends, SQLite (the embedded
//! default) and PostgreSQL, and exposes typed functions over
//! the [`Db`] handle, each borrowing a pooled connection inside. Callers
//! never hold a connection: where several statements must commit together,
//! one function here runs them in one transaction; the import's long-lived
//! connection is an [`import::ImportConn`] that only this crate can use.
//!
//! Every function here blocks; async callers run them on a blocking thread.
//! Each function is written once, against [`sql::Conn`], which runs it on
//! either backend; where the dialects differ, the function gives each its
//! own SQL text (`conn.dialect()`), so adding a query to both is one edit.

mod error;
mod migrate;
mod pool;
mod sql;
#[cfg(test)]
mod testing;
mod url;

pub mod activity;
pub mod changes;
pub mod copy;
pub mod direct;
pub mod docs;
pub mod import;
pub mod issuers;
pub mod login_failures;
pub mod oauth;
pub mod repo;
pub mod requesters;
pub mod residents;
pub mod sessions;
pub mod shares;
pub mod signing;
pub mod tasks;
pub mod txns;
pub mod uploads;
pub mod verify_links;

pub use error::{DbError, DbResult};
pub use migrate::latest_version as schema_version;
pub use pool::Db;
pub use sql::Dialect;
pub use sql::value::{FromCell, Param};
pub use url::DatabaseUrl;

/// Seconds since the Unix epoch, the time unit of every timestamp column.
pub type UnixTime = i64;
