//! The command line: `openlocker serve` and the admin subcommands. The
//! global flags and the top-level commands are here; each admin group's
//! flags and work are in its own file, dispatched by [`admin`].

pub mod admin;
pub mod conformance;
pub mod db_copy;
pub mod demo;
pub mod issuer;
pub mod repo;
pub mod requester;
pub mod resident;
pub mod secrets;
pub mod signing;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use crate::cli::issuer::IssuerCommand;
pub use crate::cli::repo::RepoCommand;
pub use crate::cli::requester::RequesterCommand;
pub use crate::cli::resident::ResidentCommand;

/// OpenLocker: a self-hostable Digital Locker.
///
/// One binary runs the locker (issuer Push API, residents, portals) with
/// `serve`; the other subcommands administer the same data folder, also
/// while `serve` runs.
#[derive(Debug, Parser)]
#[command(name = "openlocker", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Settings flags; each beats its OPENLOCKER_* variable and the config file.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Settings file (TOML); see openlocker.example.toml.
    #[arg(long, global = true, env = "OPENLOCKER_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data folder: SQLite database, secrets, stored files [default: ./data].
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<String>,
    /// The database: sqlite://FILE or postgres://USER[:PASSWORD]@HOST:PORT/DB
    /// [default: sqlite://<data_dir>/openlocker.db]. Others on this machine can
    /// read flags: give a password through OPENLOCKER_DATABASE_URL or database_url_file.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Where stored files live: file://DIR or s3://BUCKET?endpoint=URL&region=REGION
    /// [default: the data folder]. S3 credentials come from AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY.
    #[arg(long, global = true, value_name = "URL")]
    pub object_store_url: Option<String>,
    /// The master key file, shared by every node of a deployment
    /// [default: <data_dir>/secrets/master.key].
    #[arg(long, global = true, value_name = "FILE")]
    pub master_key_file: Option<String>,
    /// The static web folder whose pkg/ holds the built resident app [default: www].
    #[arg(long, global = true, value_name = "DIR")]
    pub www_dir: Option<String>,
    /// Listen address [default: 127.0.0.1:8080].
    #[arg(long, global = true, value_name = "ADDR")]
    pub bind: Option<String>,
    /// The origin that browsers and issuers see [default: http://<bind>].
    #[arg(long, global = true, value_name = "URL")]
    pub public_url: Option<String>,
    /// When the CSV import job runs, as cron with seconds [default: "0 * * * * *"].
    #[arg(long, global = true, value_name = "CRON")]
    pub import_schedule: Option<String>,
    /// Largest Push CSV request body in bytes [default: 268435456].
    #[arg(long, global = true, value_name = "BYTES")]
    pub max_push_bytes: Option<String>,
    /// The e-KYC provider for identity OTPs (see INTERFACE section 10).
    #[arg(long, global = true, value_name = "URL")]
    pub kyc_url: Option<String>,
    /// How long a call to the e-KYC provider may take, in seconds [default: 15].
    #[arg(long, global = true, value_name = "SECONDS")]
    pub kyc_timeout_seconds: Option<String>,
    /// Print exactly one JSON object on stdout (admin subcommands).
    #[arg(long, global = true)]
    pub json: bool,
}

impl GlobalArgs {
    /// The settings given as flags, by settings key.
    pub fn settings_flags(&self) -> Vec<(&'static str, String)> {
        [
            ("data_dir", &self.data_dir),
            ("database_url", &self.database_url),
            ("object_store_url", &self.object_store_url),
            ("master_key_file", &self.master_key_file),
            ("www_dir", &self.www_dir),
            ("bind", &self.bind),
            ("public_url", &self.public_url),
            ("import_schedule", &self.import_schedule),
            ("max_push_bytes", &self.max_push_bytes),
            ("kyc_url", &self.kyc_url),
            ("kyc_timeout_seconds", &self.kyc_timeout_seconds),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.clone().map(|v| (key, v)))
        .collect()
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: locker, issuer APIs, portals and the import scheduler.
    Serve,
    /// Issuers: registration, doc types, portal users, API keys.
    #[command(subcommand)]
    Issuer(IssuerCommand),
    /// Residents: open a locker, verify an identity in person.
    #[command(subcommand)]
    Resident(ResidentCommand),
    /// Run an e-KYC provider simulator (the kyc_url protocol) for tests and
    /// the sandbox; the OTP of every fixture number is 123456.
    KycSim {
        /// CSV rows aadhaar,name,dob,gender,mobile (header row optional).
        #[arg(long, value_name = "FILE.csv")]
        fixture: PathBuf,
    },
    /// The CSV import job.
    #[command(subcommand)]
    Import(ImportCommand),
    /// The dedicated repository: a department's e-documents and the lockers that pull them.
    #[command(subcommand)]
    Repo(RepoCommand),
    /// Requesters: partner sites that use the share and save widgets.
    #[command(subcommand)]
    Requester(RequesterCommand),
    /// A sandbox: synthetic residents, issuers, documents and a partner app.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// The database: move a SQLite deployment up to PostgreSQL.
    #[command(subcommand)]
    Db(DbCommand),
    /// Check an issuer's Pull URI API against Issuer API v1.13, clause by
    /// clause (needs no data folder). Exit 0 when every check passes, 1 when any fails.
    Conformance(ConformanceArgs),
}

/// `openlocker demo ...`.
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Fill a new, empty data folder with synthetic residents (verified),
    /// issuers, signed issued documents, uploaded documents and a partner
    /// app with redirect URIs; prints one random password for them all.
    Seed,
}

/// `openlocker db ...`.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy this SQLite deployment (every row, and with --object-store-url
    /// every stored file) into an empty PostgreSQL database, checked by counts
    /// and hashes. Stop `serve` first; the new nodes need the same master key.
    Copy {
        /// The PostgreSQL database: postgres://USER[:PASSWORD]@HOST:PORT/DB.
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

/// What `openlocker conformance` checks, and how to reach it.
#[derive(Debug, Args)]
pub struct ConformanceArgs {
    /// The issuer's Pull URI API URL.
    #[arg(long)]
    pub pull_uri_url: String,
    /// The orgId the issuer gave DigiLocker.
    #[arg(long)]
    pub org_id: String,
    /// The API key (prefer --api-key-file: a key on the command line is seen by others).
    #[arg(long, conflicts_with = "api_key_file")]
    pub api_key: Option<String>,
    /// A file holding the API key.
    #[arg(long)]
    pub api_key_file: Option<PathBuf>,
    /// The doc type to search.
    #[arg(long)]
    pub doc_type: String,
    /// A search field of a document that exists (repeatable), e.g. RollNo=1001.
    #[arg(long = "field", value_name = "NAME=VALUE")]
    pub fields: Vec<String>,
    /// The owner's Aadhaar number: sent as its MD5 (UID), never itself.
    #[arg(long)]
    pub uid: Option<String>,
    /// The owner's name, sent as FullName.
    #[arg(long)]
    pub name: Option<String>,
    /// The owner's date of birth, YYYY-MM-DD, sent as DOB (DD-MM-YYYY).
    #[arg(long)]
    pub dob: Option<String>,
    /// The x-digilocker-hmac the issuer expects: raw, hex or none.
    #[arg(long, default_value = "raw")]
    pub hmac: String,
    /// Write an HTML report here.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import every pending CSV now, as the scheduler would.
    Run,
}
