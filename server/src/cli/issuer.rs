//! `openlocker issuer`: registration, doc types, portal users, API keys and
//! trusted certificates.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::app::App;
use crate::cli::admin::Output;
use crate::cli::secrets::{PasswordArgs, optional_secret};
use crate::issuers::registry as issuers;
use crate::locker::issued_signature;
use crate::platform::error::Error;

#[derive(Debug, Subcommand)]
pub enum IssuerCommand {
    /// Register an issuer; prints its Push API orgId and API key (shown once).
    Add(AddIssuer),
    /// List the registered issuers.
    List,
    /// Doc types of an issuer.
    #[command(subcommand)]
    Doctype(DoctypeCommand),
    /// Issuer portal users.
    #[command(subcommand)]
    User(UserCommand),
    /// The Push API key.
    #[command(subcommand)]
    Key(KeyCommand),
    /// The certificates trusted for the issuer's document signatures.
    #[command(subcommand)]
    Cert(crate::cli::signing::IssuerCertCommand),
}

/// The flags of `issuer add`.
#[derive(Debug, Args)]
pub struct AddIssuer {
    /// Issuer id: the department's domain (cbse.nic.in) or an alpha code.
    #[arg(long)]
    id: String,
    /// Display name.
    #[arg(long)]
    name: String,
    /// The issuer repository's Pull URI API URL.
    #[arg(long)]
    pull_uri_url: Option<String>,
    /// The issuer repository's Pull Doc API URL.
    #[arg(long)]
    pull_doc_url: Option<String>,
    /// The orgId the locker sends to the issuer repository.
    #[arg(long)]
    pull_org_id: Option<String>,
    /// The API key the locker uses with the issuer repository (prefer
    /// --pull-api-key-file: the process list shows flags).
    #[arg(long, conflicts_with = "pull_api_key_file")]
    pull_api_key: Option<String>,
    /// A file whose first line is the pull API key; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pull_api_key_file: Option<PathBuf>,
    /// The x-digilocker-hmac header of each request to the repository:
    /// raw (base64 of the HMAC-SHA256 of the body keyed by the API key),
    /// hex (base64 of its lowercase hex) or none [default: raw].
    #[arg(long, value_name = "raw|hex|none")]
    pull_hmac: Option<String>,
    /// A PEM certificate the locker trusts for this issuer's signatures (repeatable).
    #[arg(long = "signing-cert", value_name = "FILE.pem")]
    signing_certs: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DoctypeCommand {
    /// Add a doc type (code of up to 5 letters, unique within the issuer).
    Add(AddDocType),
    /// List an issuer's doc types.
    List {
        #[arg(long)]
        issuer: String,
    },
}

/// The flags of `issuer doctype add`.
#[derive(Debug, Args)]
pub struct AddDocType {
    #[arg(long)]
    issuer: String,
    #[arg(long)]
    code: String,
    #[arg(long)]
    name: String,
    /// A Pull URI search field of this doc type (repeatable), e.g. RollNo.
    #[arg(long = "udf", value_name = "FIELD")]
    udfs: Vec<String>,
    /// Documents of this type wait for a person's approval (`repo doc approve`);
    /// until then Pull URI answers Status 9 (pending) and they are not pushed.
    #[arg(long)]
    verify_by_hand: bool,
    /// A resident's Pull URI search for this type also sends their own
    /// Aadhaar number (UID), for repositories that match the owner.
    #[arg(long)]
    sends_uid: bool,
    /// The search also sends the resident's name (FullName).
    #[arg(long)]
    sends_name: bool,
    /// The search also sends the resident's date of birth (DOB, DD-MM-YYYY).
    #[arg(long)]
    sends_dob: bool,
    /// What of the answer's IssuedTo must agree with the resident before
    /// anything is saved: a comma list of name, dob, gender, mobile, or
    /// none (only with --sends-uid) [default: name].
    #[arg(long = "match", value_name = "FIELDS")]
    match_fields: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a person who signs in to the issuer portal.
    Add {
        #[arg(long)]
        issuer: String,
        #[arg(long)]
        username: String,
        #[command(flatten)]
        password: PasswordArgs,
        /// Counter staff: may verify residents' identity in person in the
        /// portal (they see the person and their Aadhaar card).
        #[arg(long)]
        can_verify_residents: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Make a new Push API key; the old one keeps working for key_grace_hours.
    Rotate {
        #[arg(long)]
        issuer: String,
    },
}

/// Runs one `issuer` subcommand.
pub fn run(app: &App, command: IssuerCommand) -> Result<Output, Error> {
    match command {
        IssuerCommand::Add(args) => add(app, args),
        IssuerCommand::List => list(app),
        IssuerCommand::Doctype(DoctypeCommand::Add(args)) => add_doc_type(app, &args),
        IssuerCommand::Doctype(DoctypeCommand::List { issuer }) => doc_types(app, &issuer),
        IssuerCommand::User(UserCommand::Add {
            issuer,
            username,
            password,
            can_verify_residents,
        }) => {
            let id = issuers::add_user(app, &issuer, &username, &password.read()?)?;
            if can_verify_residents {
                openlocker_db::issuers::set_can_verify_residents(&app.db, id, true)?;
            }
            Ok(Output {
                json: json!({ "user_id": id, "issuer_id": issuer, "username": username,
                    "can_verify_residents": can_verify_residents }),
                text: format!("added portal user {username} to {issuer}"),
            })
        }
        IssuerCommand::Cert(cmd) => crate::cli::signing::issuer_cert(app, cmd),
        IssuerCommand::Key(KeyCommand::Rotate { issuer }) => {
            let rotated = issuers::rotate_key(app, &issuer)?;
            let text = format!(
                "new API key: {}\n(shown only now; the previous key works until unix time {})",
                rotated.api_key, rotated.old_key_valid_until
            );
            Ok(Output {
                json: serde_json::to_value(&rotated).unwrap_or_default(),
                text,
            })
        }
    }
}

fn add(app: &App, args: AddIssuer) -> Result<Output, Error> {
    let pull = issuers::PullSettings {
        uri_url: args.pull_uri_url,
        doc_url: args.pull_doc_url,
        org_id: args.pull_org_id,
        api_key: optional_secret(args.pull_api_key.as_deref(), args.pull_api_key_file.as_deref())?,
        hmac: args.pull_hmac,
    };
    // Every certificate file is read before anything is stored.
    let mut certificates = Vec::new();
    for file in &args.signing_certs {
        certificates.extend(issued_signature::read_pem_file(file)?);
    }
    let creds = issuers::add(app, &args.id, &args.name, &pull)?;
    issued_signature::trust_certificates(app, &creds.issuer_id, &certificates)?;
    let text = format!(
        "registered issuer {}\norgId:   {}\nAPI key: {}\n(the API key is shown only now; keep it safe)",
        creds.issuer_id, creds.org_id, creds.api_key
    );
    Ok(Output {
        json: serde_json::to_value(&creds).unwrap_or_default(),
        text,
    })
}

fn list(app: &App) -> Result<Output, Error> {
    let list = openlocker_db::issuers::list(&app.db)?;
    let text = list
        .iter()
        .map(|i| format!("{}\t{}\t{}", i.id, i.org_id, i.name))
        .collect::<Vec<_>>()
        .join("\n");
    let items: Vec<Value> = list
        .iter()
        .map(|i| json!({ "issuer_id": i.id, "name": i.name, "org_id": i.org_id }))
        .collect();
    Ok(Output {
        json: json!({ "issuers": items }),
        text,
    })
}

fn add_doc_type(app: &App, args: &AddDocType) -> Result<Output, Error> {
    let input = issuers::DocTypeInput {
        code: &args.code,
        name: &args.name,
        udfs: &args.udfs,
        verify_by_hand: args.verify_by_hand,
        pull_sends_uid: args.sends_uid,
        pull_sends_name: args.sends_name,
        pull_sends_dob: args.sends_dob,
        pull_match: args.match_fields.as_deref(),
    };
    let t = issuers::add_doc_type(app, &args.issuer, &input)?;
    Ok(Output {
        json: json!({ "issuer_id": t.issuer_id, "code": t.code }),
        text: format!("added doc type {} to {}", t.code, t.issuer_id),
    })
}

fn doc_types(app: &App, issuer: &str) -> Result<Output, Error> {
    let types = issuers::doc_types(app, issuer)?;
    let text = types
        .iter()
        .map(|t| format!("{}\t{}\t{}", t.code, t.name, t.udfs.join(",")))
        .collect::<Vec<_>>()
        .join("\n");
    let items: Vec<Value> = types
        .iter()
        .map(|t| json!({ "code": t.code, "name": t.name, "udfs": t.udfs, "match": t.pull_match }))
        .collect();
    Ok(Output {
        json: json!({ "issuer_id": issuer, "doc_types": items }),
        text,
    })
}
