//! `openlocker repo`: the dedicated repository's clients, e-documents,
//! signing key, approvals and pushes.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;

use crate::app::App;
use crate::cli::admin::Output;
use crate::cli::secrets::ApiKeyArgs;
use crate::platform::error::Error;
use crate::repository;

#[derive(Debug, Subcommand)]
pub enum RepoCommand {
    /// Lockers allowed to call this repository's Pull APIs.
    #[command(subcommand)]
    Client(RepoClientCommand),
    /// E-documents.
    #[command(subcommand)]
    Doc(Box<RepoDocCommand>),
    /// The key that signs every document's certificate XML.
    #[command(subcommand)]
    Key(crate::cli::signing::RepoKeyCommand),
    /// Approve a document of a "verify by hand" doc type.
    Approve {
        #[arg(long)]
        uri: String,
    },
    /// Send every not-yet-pushed document of an issuer to a locker's Push CSV API.
    Push {
        #[arg(long)]
        issuer: String,
        /// The locker's base URL (or its full Push CSV API URL).
        #[arg(long)]
        locker: String,
        /// The orgId the locker gave this issuer.
        #[arg(long)]
        org_id: String,
        /// The Push API key the locker gave this issuer.
        #[command(flatten)]
        api_key: ApiKeyArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum RepoClientCommand {
    /// Make an orgId and API key for a locker (the key is shown once), or
    /// register the orgId and key a department already uses with DigiLocker.
    Add {
        #[arg(long)]
        name: String,
        /// The orgId already in use (with --api-key-file).
        #[arg(long, requires = "api_key_file")]
        org_id: Option<String>,
        /// A file holding the API key already in use (with --org-id).
        #[arg(long, requires = "org_id")]
        api_key_file: Option<PathBuf>,
    },
    /// Replace a client's API key; the old one stops working at once.
    Rotate {
        #[arg(long)]
        org_id: String,
    },
    /// Refuse a client's requests until it is enabled again.
    Disable {
        #[arg(long)]
        org_id: String,
    },
    /// Accept a disabled client's requests again.
    Enable {
        #[arg(long)]
        org_id: String,
    },
}

#[derive(Debug, Subcommand)]
// Parsed once per process: the size difference costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum RepoDocCommand {
    /// Store a PDF or XML e-document and mint its URI ISSUER-DOCTYPE-DOCID.
    Add(AddDocument),
    /// Store many documents from a CSV manifest; writes a per-row report.
    ///
    /// Columns (header row, any order): file, doc_type, owners, and optionally
    /// doc_name, issued_on, valid_from, valid_to, owner_name, owner_dob,
    /// owner_gender, owner_phone, udfs. owners and udfs take several values separated by
    /// ";" (udfs as FIELD=VALUE). File paths are relative to the manifest.
    Import {
        #[arg(long)]
        issuer: String,
        #[arg(long)]
        manifest: PathBuf,
        /// Where the report goes [default: MANIFEST.report.csv].
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

/// The flags of `repo doc add`.
#[derive(Debug, Args)]
pub struct AddDocument {
    #[arg(long)]
    issuer: String,
    #[arg(long)]
    doctype: String,
    /// The PDF or XML file (its type is checked by content).
    #[arg(long)]
    file: PathBuf,
    /// An owner's Aadhaar number (repeatable: a marriage certificate has two).
    #[arg(long = "owner", value_name = "AADHAAR", required = true)]
    owners: Vec<String>,
    /// A search field of the doc type (repeatable), e.g. RollNo=1234567.
    #[arg(long = "udf", value_name = "FIELD=VALUE")]
    udfs: Vec<String>,
    /// The document's name [default: the doc type's name].
    #[arg(long)]
    doc_name: Option<String>,
    /// Issue date, YYYY-MM-DD [default: today].
    #[arg(long)]
    issued_on: Option<String>,
    /// Valid from, YYYY-MM-DD.
    #[arg(long)]
    valid_from: Option<String>,
    /// Valid to, YYYY-MM-DD.
    #[arg(long)]
    valid_to: Option<String>,
    /// The owner's name as on the document.
    #[arg(long)]
    owner_name: Option<String>,
    /// The owner's date of birth, YYYY-MM-DD.
    #[arg(long)]
    owner_dob: Option<String>,
    /// The owner's gender as on the document (M, F, T).
    #[arg(long)]
    owner_gender: Option<String>,
    /// The owner's mobile number as on the issuer's record (10 digits).
    #[arg(long)]
    owner_phone: Option<String>,
}

/// Runs one `repo` subcommand.
pub fn run(app: &App, command: RepoCommand) -> Result<Output, Error> {
    match command {
        RepoCommand::Client(cmd) => client(app, cmd),
        RepoCommand::Doc(doc) => match *doc {
            RepoDocCommand::Add(args) => add_document(app, &args),
            RepoDocCommand::Import {
                issuer,
                manifest,
                report,
            } => import(app, &issuer, &manifest, report.as_deref()),
        },
        RepoCommand::Key(cmd) => crate::cli::signing::repo_key(app, cmd),
        RepoCommand::Approve { uri } => {
            repository::approve(app, &uri)?;
            Ok(Output {
                json: json!({ "uri": uri, "approved": true }),
                text: format!("approved {uri}"),
            })
        }
        RepoCommand::Push {
            issuer,
            locker,
            org_id,
            api_key,
        } => {
            let outcome = repository::push::push(app, &issuer, &locker, &org_id, &api_key.read()?)?;
            Ok(Output {
                text: format!(
                    "pushed {} row(s); the locker answered {}: {}",
                    outcome.rows, outcome.status, outcome.message
                ),
                json: serde_json::to_value(&outcome).unwrap_or_default(),
            })
        }
    }
}

fn client(app: &App, command: RepoClientCommand) -> Result<Output, Error> {
    match command {
        RepoClientCommand::Add {
            name,
            org_id,
            api_key_file,
        } => {
            let known = match (org_id, api_key_file) {
                (Some(org_id), Some(file)) => Some(repository::KnownCredentials {
                    org_id,
                    api_key: std::fs::read_to_string(&file)
                        .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", file.display())))?,
                }),
                _ => None,
            };
            let what = format!("added repository client {name}");
            Ok(client_credentials(repository::add_client(app, &name, known)?, &what))
        }
        RepoClientCommand::Rotate { org_id } => Ok(client_credentials(
            repository::rotate_client_key(app, &org_id)?,
            "rotated the client's key",
        )),
        RepoClientCommand::Disable { org_id } => set_client_disabled(app, org_id, true),
        RepoClientCommand::Enable { org_id } => set_client_disabled(app, org_id, false),
    }
}

/// A client's orgId and API key, shown once.
fn client_credentials(creds: repository::ClientCredentials, what: &str) -> Output {
    Output {
        text: format!(
            "{what}\norgId:   {}\nAPI key: {}\n(the API key is shown only now)",
            creds.org_id, creds.api_key
        ),
        json: serde_json::to_value(&creds).unwrap_or_default(),
    }
}

fn set_client_disabled(app: &App, org_id: String, disabled: bool) -> Result<Output, Error> {
    repository::set_client_disabled(app, &org_id, disabled)?;
    let done = if disabled { "disabled" } else { "enabled" };
    Ok(Output {
        json: json!({ "org_id": org_id, "disabled": disabled }),
        text: format!("{done} {org_id}"),
    })
}

fn add_document(app: &App, args: &AddDocument) -> Result<Output, Error> {
    let new = repository::NewDocument {
        issuer_id: &args.issuer,
        doc_type: &args.doctype,
        file: &args.file,
        owners: &args.owners,
        udfs: &args.udfs,
        doc_name: args.doc_name.as_deref(),
        issued_on: args.issued_on.as_deref(),
        valid_from: args.valid_from.as_deref(),
        valid_to: args.valid_to.as_deref(),
        owner_name: args.owner_name.as_deref(),
        owner_dob: args.owner_dob.as_deref(),
        owner_gender: args.owner_gender.as_deref(),
        owner_phone: args.owner_phone.as_deref(),
    };
    let uri = repository::add_doc(app, &new)?;
    Ok(Output {
        json: json!({ "uri": uri }),
        text: uri,
    })
}

fn import(
    app: &App,
    issuer: &str,
    manifest: &std::path::Path,
    report: Option<&std::path::Path>,
) -> Result<Output, Error> {
    let done = repository::manifest::import(app, issuer, manifest, report)?;
    Ok(Output {
        text: format!(
            "{} row(s): {} stored, {} refused; report in {}",
            done.rows,
            done.stored,
            done.refused,
            done.report.display()
        ),
        json: serde_json::to_value(&done).unwrap_or_default(),
    })
}
