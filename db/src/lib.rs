//! OpenLocker storage. This crate is the only place that speaks SQL: it owns
//! the SQLite schema and its migrations, and exposes typed functions over
//! the [`Db`] handle, each borrowing a pooled connection inside. Callers
//! never hold a connection: where several statements must commit together,
//! one function here runs them in one transaction; the import's long-lived
//! connection is an [`import::ImportConn`] that only this crate can use.
//!
//! Every function here blocks; async callers run them on a blocking thread.
//! This boundary is where a PostgreSQL backend slots in.

mod error;
mod migrate;
mod pool;

pub mod activity;
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

/// Seconds since the Unix epoch, the time unit of every timestamp column.
pub type UnixTime = i64;
