//! The HTTP layer: thin handlers that extract, call a service on a blocking
//! thread, and answer JSON or XML. Route table: [`crate::routes`].

pub mod accounts;
pub mod auth;
pub mod body;
pub mod client;
pub mod connection_cap;
pub mod files;
pub mod headers;
pub mod health;
pub mod loader;
pub mod portal;
pub mod pull_search;
pub mod push;
pub mod repository;
pub mod requester_portal;
pub mod residents;
pub mod shares;
pub mod slow_body;
pub mod uploads;
pub mod web_app;
pub mod xml;

use actix_web::web;

use crate::app::App;
use crate::error::Error;

/// Runs a blocking service call (SQLite, argon2, file I/O) off the async
/// workers.
pub async fn blocking<T, F>(app: &web::Data<App>, f: F) -> Result<T, Error>
where
    F: FnOnce(&App) -> Result<T, Error> + Send + 'static,
    T: Send + 'static,
{
    let app = app.clone();
    web::block(move || f(&app)).await?
}
