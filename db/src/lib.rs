//! OpenLocker storage. This crate is the only place that speaks SQL: it owns
//! the SQLite schema and its migrations, and exposes typed functions that
//! take a [`rusqlite::Connection`] borrowed from the [`Db`] pool.
//!
//! Every function here blocks; async callers run them on a blocking thread.
//! This boundary is where a PostgreSQL backend would slot in.

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

pub use error::{DbError, DbResult};
pub use migrate::latest_version as schema_version;
pub use pool::{Conn, Db};
pub use rusqlite::Connection;

/// Seconds since the Unix epoch, the time unit of every timestamp column.
pub type UnixTime = i64;
