//! The admin subcommands: each calls a service and prints its result, as
//! one JSON object with `--json` or as plain text. Each group's flags and
//! work live in its own file ([`issuer`](crate::cli::issuer),
//! [`resident`](crate::cli::resident), [`repo`](crate::cli::repo),
//! [`requester`](crate::cli::requester)).

use serde_json::Value;

use crate::app::App;
use crate::cli::{Command, ImportCommand, issuer, repo, requester, resident};
use crate::issuers::import;
use crate::platform::error::Error;

/// What a subcommand prints: a JSON object and its plain-text form.
pub struct Output {
    pub json: Value,
    pub text: String,
}

/// Runs one admin subcommand against the data folder.
pub fn run(app: &App, command: Command) -> Result<Output, Error> {
    match command {
        Command::Serve | Command::Conformance(_) | Command::KycSim { .. } => {
            Err(Error::Internal("not an admin subcommand".into()))
        }
        Command::Issuer(cmd) => issuer::run(app, cmd),
        Command::Resident(cmd) => resident::run(app, cmd),
        Command::Repo(cmd) => repo::run(app, cmd),
        Command::Requester(cmd) => requester::run(app, cmd),
        Command::Demo(crate::cli::DemoCommand::Seed) => crate::cli::demo::seed(app),
        Command::Db(crate::cli::DbCommand::Copy { to }) => crate::cli::db_copy::run(app, &to),
        Command::Import(ImportCommand::Run) => {
            let summary = import::run_pending(app)?;
            Ok(Output {
                json: serde_json::to_value(summary).unwrap_or_default(),
                text: format!(
                    "imported {} file(s): {} row(s) imported, {} rejected",
                    summary.files, summary.rows_imported, summary.rows_rejected
                ),
            })
        }
    }
}
