//! The command line: `openlocker serve` and the admin subcommands (their
//! arguments here, what they do in [`admin`]).

pub mod admin;
pub mod conformance;
pub mod secrets;
pub mod signing;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::cli::secrets::{ApiKeyArgs, PasswordArgs};

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
    /// Check an issuer's Pull URI API against Issuer API v1.13, clause by
    /// clause (needs no data folder). Exit 0 when every check passes, 1 when any fails.
    Conformance(ConformanceArgs),
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
    Add {
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
    },
    /// Store many documents from a CSV manifest; writes a per-row report.
    ///
    /// Columns (header row, any order): file, doc_type, owners, and optionally
    /// doc_name, issued_on, valid_from, valid_to, owner_name, owner_dob,
    /// owner_gender, udfs. owners and udfs take several values separated by
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

#[derive(Debug, Subcommand)]
pub enum IssuerCommand {
    /// Register an issuer; prints its Push API orgId and API key (shown once).
    Add {
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
    },
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

#[derive(Debug, Subcommand)]
pub enum DoctypeCommand {
    /// Add a doc type (code of up to 5 letters, unique within the issuer).
    Add {
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
    },
    /// List an issuer's doc types.
    List {
        #[arg(long)]
        issuer: String,
    },
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

#[derive(Debug, Subcommand)]
pub enum ResidentCommand {
    /// Open a locker, verified in person (an operator's act) unless
    /// --unverified. Documents pushed earlier for the Aadhaar number appear
    /// at once, and other accounts that claimed the number are closed.
    Add {
        /// 12 digits with a valid Verhoeff check digit.
        #[arg(long)]
        aadhaar: String,
        #[arg(long)]
        name: String,
        /// Date of birth, YYYY-MM-DD.
        #[arg(long)]
        dob: String,
        /// M, F or T.
        #[arg(long)]
        gender: Option<String>,
        /// 10 digits.
        #[arg(long)]
        mobile: String,
        #[command(flatten)]
        password: PasswordArgs,
        /// Open it unverified, as a web sign-up would be.
        #[arg(long)]
        unverified: bool,
        /// Who verified the person (kept with the verification).
        #[arg(long, default_value = "operator", conflicts_with = "unverified")]
        by: String,
    },
    /// Verify a resident in person: the details given replace what they
    /// typed, and the other accounts that claimed the number are closed.
    Verify {
        #[arg(long)]
        aadhaar: String,
        /// The operator who saw the person and their Aadhaar card.
        #[arg(long)]
        by: String,
        /// The account's mobile number, when several accounts claim the number.
        #[arg(long)]
        mobile: Option<String>,
        /// The name as on the Aadhaar card.
        #[arg(long)]
        name: Option<String>,
        /// Date of birth as on the Aadhaar card, YYYY-MM-DD.
        #[arg(long)]
        dob: Option<String>,
        /// M, F or T.
        #[arg(long)]
        gender: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import every pending CSV now, as the scheduler would.
    Run,
}
