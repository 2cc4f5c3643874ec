//! The admin subcommands of signed e-documents: the repository's signing
//! key (`repo key show|import`) and the certificates a locker trusts per
//! issuer (`issuer cert add|list`).

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use crate::app::App;
use crate::cli::admin::Output;
use crate::platform::error::Error;
use crate::repository::signing;
use crate::wire::signature::keys;

#[derive(Debug, Subcommand)]
pub enum RepoKeyCommand {
    /// Print the signing certificate (the key is made now if there is none yet).
    Show,
    /// Sign with a department's own key and certificate from now on; the old
    /// certificate stays valid for what it signed.
    Import {
        /// A PKCS#12 (.p12/.pfx) file with the private key and its certificate.
        #[arg(long, value_name = "FILE")]
        pkcs12: PathBuf,
        /// A file holding the PKCS#12 password (one line).
        #[arg(long, value_name = "FILE")]
        password_file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum IssuerCertCommand {
    /// Trust the certificate(s) of a PEM file for an issuer's signatures.
    Add {
        #[arg(long)]
        issuer: String,
        #[arg(long, value_name = "FILE.pem")]
        file: PathBuf,
    },
    /// List the certificates trusted for an issuer.
    List {
        #[arg(long)]
        issuer: String,
    },
}

/// `repo key ...`.
pub fn repo_key(app: &App, command: RepoKeyCommand) -> Result<Output, Error> {
    let report = match command {
        RepoKeyCommand::Show => signing::show(app)?,
        RepoKeyCommand::Import { pkcs12, password_file } => signing::import_pkcs12(app, &pkcs12, &password_file)?,
    };
    Ok(Output {
        text: format!(
            "{}SHA-256 fingerprint: {}\nvalid until (unix): {}\nsource: {}; {} earlier certificate(s)",
            report.certificate_pem,
            report.fingerprint_sha256,
            report.not_after,
            report.source,
            report.previous.len()
        ),
        json: serde_json::to_value(&report).unwrap_or_default(),
    })
}

/// `issuer cert ...`.
pub fn issuer_cert(app: &App, command: IssuerCertCommand) -> Result<Output, Error> {
    match command {
        IssuerCertCommand::Add { issuer, file } => {
            let certificates = crate::locker::issued_signature::read_pem_file(&file)?;
            let fingerprints = crate::locker::issued_signature::trust_certificates(app, &issuer, &certificates)?;
            Ok(Output {
                text: format!("{issuer} now also trusts {}", fingerprints.join(", ")),
                json: json!({ "issuer_id": issuer, "fingerprints": fingerprints }),
            })
        }
        IssuerCertCommand::List { issuer } => {
            let certs = openlocker_db::signing::issuer_certs(&app.db, &issuer)?
                .iter()
                .map(|der| keys::cert_info(der))
                .collect::<Result<Vec<_>, _>>()?;
            let items: Vec<_> = certs
                .iter()
                .map(|c| json!({ "fingerprint_sha256": c.fingerprint_sha256, "subject": c.subject, "not_after": c.not_after }))
                .collect();
            Ok(Output {
                text: certs
                    .iter()
                    .map(|c| format!("{}\t{}\t{}", c.fingerprint_sha256, c.not_after, c.subject))
                    .collect::<Vec<_>>()
                    .join("\n"),
                json: json!({ "issuer_id": issuer, "certificates": items }),
            })
        }
    }
}
