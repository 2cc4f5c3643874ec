//! The HTTP layer: thin handlers that extract, call a service on a blocking
//! thread, and answer JSON or XML. Route table: [`routes`]; HTTP statuses
//! and error bodies: [`error`].

pub mod accounts;
pub mod assets;
pub mod auth;
pub mod body;
pub mod client;
pub mod connection_cap;
pub mod connections;
pub mod error;
pub mod files;
pub mod headers;
pub mod health;
pub mod identity;
pub mod issuer_portal;
pub mod loader;
pub mod oauth;
pub mod oauth_resource;
pub mod pull_search;
pub mod push;
pub mod repository;
pub mod requester_portal;
pub mod residents;
pub mod routes;
pub mod shares;
pub mod slow_body;
pub mod uploads;
pub mod verify;
pub mod verify_links;
pub mod web_app;
pub mod xml;

use actix_web::web;

use crate::app::App;
use crate::platform::error::Error;

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
