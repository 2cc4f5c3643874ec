//! The admin subcommands: each calls a service and prints its result, as
//! one JSON object with `--json` or as plain text.

use serde_json::{Value, json};

use crate::app::App;
use crate::cli::{
    Command, DoctypeCommand, ImportCommand, IssuerCommand, KeyCommand, RepoClientCommand, RepoCommand, RepoDocCommand,
    RequesterCommand, RequesterUserCommand, ResidentCommand, UserCommand,
};
use crate::issuers::{import, registry as issuers};
use crate::locker::{identity, residents};
use crate::partners::{portal as requester_portal, registry as requesters};
use crate::platform::error::Error;
use crate::repository;

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
        Command::Issuer(cmd) => issuer(app, cmd),
        Command::Resident(cmd) => resident(app, cmd),
        Command::Repo(cmd) => repository(app, cmd),
        Command::Requester(cmd) => requester(app, cmd),
        Command::Demo(crate::cli::DemoCommand::Seed) => crate::cli::demo::seed(app),
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

fn resident(app: &App, command: ResidentCommand) -> Result<Output, Error> {
    let client = crate::locker::activity::Client::cli();
    match command {
        ResidentCommand::Add {
            aadhaar,
            name,
            dob,
            gender,
            mobile,
            password,
            unverified,
            by,
        } => {
            let new = residents::NewResident {
                aadhaar: &aadhaar,
                name: &name,
                dob: &dob,
                gender: gender.as_deref(),
                mobile: &mobile,
                password: &password.read()?,
            };
            let opening = if unverified {
                residents::Opening::SignUp
            } else {
                residents::Opening::Operator { by: &by }
            };
            let id = residents::add(app, &new, opening, &client)?;
            if unverified {
                let how = "opened by the operator, unverified";
                crate::locker::activity::record(app, id, crate::locker::activity::Kind::SignedUp, how, &client)?;
            }
            Ok(Output {
                json: json!({ "resident_id": id }),
                text: format!("opened locker {id}"),
            })
        }
        ResidentCommand::Verify {
            aadhaar,
            mobile,
            by,
            name,
            dob,
            gender,
        } => {
            let person = identity::InPerson {
                aadhaar: &aadhaar,
                mobile: mobile.as_deref(),
                method: "operator",
                by: &by,
                details: identity::GivenDetails {
                    name: name.as_deref(),
                    dob: dob.as_deref(),
                    gender: gender.as_deref(),
                },
            };
            let (id, identity) = identity::verify_in_person(app, &person, &client)?;
            Ok(Output {
                json: json!({ "resident_id": id, "identity": identity }),
                text: format!("verified locker {id}"),
            })
        }
    }
}

fn issuer(app: &App, command: IssuerCommand) -> Result<Output, Error> {
    match command {
        IssuerCommand::Add {
            id,
            name,
            pull_uri_url,
            pull_doc_url,
            pull_org_id,
            pull_api_key,
            pull_api_key_file,
            pull_hmac,
            signing_certs,
        } => {
            let pull = issuers::PullSettings {
                uri_url: pull_uri_url,
                doc_url: pull_doc_url,
                org_id: pull_org_id,
                api_key: crate::cli::secrets::optional_secret(pull_api_key.as_deref(), pull_api_key_file.as_deref())?,
                hmac: pull_hmac,
            };
            // Every certificate file is read before anything is stored.
            let mut certificates = Vec::new();
            for file in &signing_certs {
                certificates.extend(crate::locker::issued_signature::read_pem_file(file)?);
            }
            let creds = issuers::add(app, &id, &name, &pull)?;
            crate::locker::issued_signature::trust_certificates(app, &creds.issuer_id, &certificates)?;
            let text = format!(
                "registered issuer {}\norgId:   {}\nAPI key: {}\n(the API key is shown only now; keep it safe)",
                creds.issuer_id, creds.org_id, creds.api_key
            );
            Ok(Output {
                json: serde_json::to_value(&creds).unwrap_or_default(),
                text,
            })
        }
        IssuerCommand::List => {
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
        IssuerCommand::Doctype(DoctypeCommand::Add {
            issuer,
            code,
            name,
            udfs,
            verify_by_hand,
            sends_uid,
            sends_name,
            sends_dob,
            match_fields,
        }) => {
            let input = issuers::DocTypeInput {
                code: &code,
                name: &name,
                udfs: &udfs,
                verify_by_hand,
                pull_sends_uid: sends_uid,
                pull_sends_name: sends_name,
                pull_sends_dob: sends_dob,
                pull_match: match_fields.as_deref(),
            };
            let t = issuers::add_doc_type(app, &issuer, &input)?;
            Ok(Output {
                json: json!({ "issuer_id": t.issuer_id, "code": t.code }),
                text: format!("added doc type {} to {}", t.code, t.issuer_id),
            })
        }
        IssuerCommand::Doctype(DoctypeCommand::List { issuer }) => {
            let types = issuers::doc_types(app, &issuer)?;
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

fn repository(app: &App, command: RepoCommand) -> Result<Output, Error> {
    let client_creds = |creds: repository::ClientCredentials, what: &str| Output {
        text: format!(
            "{what}\norgId:   {}\nAPI key: {}\n(the API key is shown only now)",
            creds.org_id, creds.api_key
        ),
        json: serde_json::to_value(&creds).unwrap_or_default(),
    };
    match command {
        RepoCommand::Client(RepoClientCommand::Add {
            name,
            org_id,
            api_key_file,
        }) => {
            let known = match (org_id, api_key_file) {
                (Some(org_id), Some(file)) => Some(repository::KnownCredentials {
                    org_id,
                    api_key: std::fs::read_to_string(&file)
                        .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", file.display())))?,
                }),
                _ => None,
            };
            Ok(client_creds(
                repository::add_client(app, &name, known)?,
                &format!("added repository client {name}"),
            ))
        }
        RepoCommand::Client(RepoClientCommand::Rotate { org_id }) => Ok(client_creds(
            repository::rotate_client_key(app, &org_id)?,
            "rotated the client's key",
        )),
        RepoCommand::Client(RepoClientCommand::Disable { org_id }) => {
            repository::set_client_disabled(app, &org_id, true)?;
            Ok(Output {
                json: json!({ "org_id": org_id, "disabled": true }),
                text: format!("disabled {org_id}"),
            })
        }
        RepoCommand::Client(RepoClientCommand::Enable { org_id }) => {
            repository::set_client_disabled(app, &org_id, false)?;
            Ok(Output {
                json: json!({ "org_id": org_id, "disabled": false }),
                text: format!("enabled {org_id}"),
            })
        }
        RepoCommand::Doc(doc) => add_document(app, *doc),
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

fn add_document(app: &App, command: RepoDocCommand) -> Result<Output, Error> {
    if let RepoDocCommand::Import {
        issuer,
        manifest,
        report,
    } = command
    {
        let done = repository::manifest::import(app, &issuer, &manifest, report.as_deref())?;
        return Ok(Output {
            text: format!(
                "{} row(s): {} stored, {} refused; report in {}",
                done.rows,
                done.stored,
                done.refused,
                done.report.display()
            ),
            json: serde_json::to_value(&done).unwrap_or_default(),
        });
    }
    let RepoDocCommand::Add {
        issuer,
        doctype,
        file,
        owners,
        udfs,
        doc_name,
        issued_on,
        valid_from,
        valid_to,
        owner_name,
        owner_dob,
        owner_gender,
        owner_phone,
    } = command
    else {
        unreachable!("imports are handled above")
    };
    let new = repository::NewDocument {
        issuer_id: &issuer,
        doc_type: &doctype,
        file: &file,
        owners: &owners,
        udfs: &udfs,
        doc_name: doc_name.as_deref(),
        issued_on: issued_on.as_deref(),
        valid_from: valid_from.as_deref(),
        valid_to: valid_to.as_deref(),
        owner_name: owner_name.as_deref(),
        owner_dob: owner_dob.as_deref(),
        owner_gender: owner_gender.as_deref(),
        owner_phone: owner_phone.as_deref(),
    };
    let uri = repository::add_doc(app, &new)?;
    Ok(Output {
        json: json!({ "uri": uri }),
        text: uri,
    })
}

fn requester(app: &App, command: RequesterCommand) -> Result<Output, Error> {
    let described = |r: openlocker_db::requesters::Requester| Output {
        text: format!(
            "{} {}: {} ({})",
            r.app_id,
            r.name,
            r.origins.join(" "),
            r.services.join(", ")
        ),
        json: json!({ "app_id": r.app_id, "name": r.name, "domains": r.origins, "services": r.services,
                      "redirect_uris": r.redirect_uris }),
    };
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
            let creds = requesters::add(app, &name, &registration)?;
            Ok(Output {
                text: format!(
                    "added requester {name}\napp id:  {}\napp key: {} (shown once)",
                    creds.app_id, creds.app_key
                ),
                json: json!({ "app_id": creds.app_id, "app_key": creds.app_key }),
            })
        }
        RequesterCommand::List => {
            let all: Vec<Output> = requesters::list(app)?.into_iter().map(described).collect();
            Ok(Output {
                text: all.iter().map(|o| o.text.as_str()).collect::<Vec<_>>().join("\n"),
                json: json!({ "requesters": all.into_iter().map(|o| o.json).collect::<Vec<_>>() }),
            })
        }
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
        RequesterCommand::RotateKey { app_id } => {
            let (creds, old_valid_until) = requesters::rotate_key(app, &app_id)?;
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
    }
}
