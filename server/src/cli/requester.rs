//! `openlocker requester`: partner sites that use the share and save
//! widgets and the Authorized Partner API.

use clap::Subcommand;
use serde_json::json;

use crate::app::App;
use crate::cli::admin::Output;
use crate::cli::secrets::PasswordArgs;
use crate::partners::{portal as requester_portal, registry as requesters};
use crate::platform::error::Error;

#[derive(Debug, Subcommand)]
pub enum RequesterCommand {
    /// Register a partner site; prints its app id and app key (shown once).
    Add {
        #[arg(long)]
        name: String,
        /// An origin its pages are served from, e.g. https://partner.example (repeatable).
        #[arg(long = "domain", value_name = "ORIGIN", required = true)]
        domains: Vec<String>,
        /// A service it may use: share or save (repeatable; default both).
        #[arg(long = "service", value_name = "SERVICE")]
        services: Vec<String>,
        /// An OAuth redirect URI of the Authorized Partner API, matched exactly (repeatable).
        #[arg(long = "redirect-uri", value_name = "URL")]
        redirect_uris: Vec<String>,
    },
    /// List the requesters with their origins, services and redirect URIs.
    List,
    /// Replace a requester's origins and services (and redirect URIs, when given).
    Update {
        #[arg(long)]
        app_id: String,
        #[arg(long = "domain", value_name = "ORIGIN", required = true)]
        domains: Vec<String>,
        #[arg(long = "service", value_name = "SERVICE")]
        services: Vec<String>,
        /// An OAuth redirect URI (repeatable); replaces the registered ones.
        #[arg(long = "redirect-uri", value_name = "URL")]
        redirect_uris: Vec<String>,
    },
    /// Give a requester a new app key; the old one works for key_grace_hours more.
    RotateKey {
        #[arg(long)]
        app_id: String,
    },
    /// The people who sign in to the requester portal.
    #[command(subcommand)]
    User(RequesterUserCommand),
}

#[derive(Debug, Subcommand)]
pub enum RequesterUserCommand {
    /// Add a person who signs in to the requester portal (/requester/).
    Add {
        #[arg(long)]
        app_id: String,
        #[arg(long)]
        username: String,
        #[command(flatten)]
        password: PasswordArgs,
    },
}

/// Runs one `requester` subcommand.
pub fn run(app: &App, command: RequesterCommand) -> Result<Output, Error> {
    match command {
        RequesterCommand::Add {
            name,
            domains,
            services,
            redirect_uris,
        } => {
            let registration = requesters::Registration {
                origins: domains,
                services,
                redirect_uris: Some(redirect_uris),
            };
            add(app, &name, &registration)
        }
        RequesterCommand::List => list(app),
        RequesterCommand::Update {
            app_id,
            domains,
            services,
            redirect_uris,
        } => {
            let registration = requesters::Registration {
                origins: domains,
                services,
                redirect_uris: (!redirect_uris.is_empty()).then_some(redirect_uris),
            };
            Ok(described(requesters::update(app, &app_id, &registration)?))
        }
        RequesterCommand::User(RequesterUserCommand::Add {
            app_id,
            username,
            password,
        }) => {
            let user = requester_portal::add_user(app, &app_id, &username, &password.read()?)?;
            Ok(Output {
                json: json!({ "user_id": user.id, "app_id": user.app_id, "username": user.username }),
                text: format!("added requester portal user {} to {}", user.username, user.app_id),
            })
        }
        RequesterCommand::RotateKey { app_id } => rotate_key(app, &app_id),
    }
}

/// One requester, as `list` and `update` print it.
fn described(r: openlocker_db::requesters::Requester) -> Output {
    Output {
        text: format!(
            "{} {}: {} ({})",
            r.app_id,
            r.name,
            r.origins.join(" "),
            r.services.join(", ")
        ),
        json: json!({ "app_id": r.app_id, "name": r.name, "domains": r.origins, "services": r.services,
                      "redirect_uris": r.redirect_uris }),
    }
}

fn add(app: &App, name: &str, registration: &requesters::Registration) -> Result<Output, Error> {
    let creds = requesters::add(app, name, registration)?;
    Ok(Output {
        text: format!(
            "added requester {name}\napp id:  {}\napp key: {} (shown once)",
            creds.app_id, creds.app_key
        ),
        json: json!({ "app_id": creds.app_id, "app_key": creds.app_key }),
    })
}

fn list(app: &App) -> Result<Output, Error> {
    let all: Vec<Output> = requesters::list(app)?.into_iter().map(described).collect();
    Ok(Output {
        text: all.iter().map(|o| o.text.as_str()).collect::<Vec<_>>().join("\n"),
        json: json!({ "requesters": all.into_iter().map(|o| o.json).collect::<Vec<_>>() }),
    })
}

fn rotate_key(app: &App, app_id: &str) -> Result<Output, Error> {
    let (creds, old_valid_until) = requesters::rotate_key(app, app_id)?;
    Ok(Output {
        text: format!(
            "new app key for {}: {} (shown once); the old key works until {}",
            creds.app_id,
            creds.app_key,
            crate::platform::dates::iso_unix(old_valid_until)
        ),
        json: json!({ "app_id": creds.app_id, "app_key": creds.app_key, "old_key_valid_until": old_valid_until }),
    })
}
