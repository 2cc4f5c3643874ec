//! `openlocker resident`: open a locker, verify an identity in person.

use clap::{Args, Subcommand};
use serde_json::json;

use crate::app::App;
use crate::cli::admin::Output;
use crate::cli::secrets::PasswordArgs;
use crate::locker::activity::{self, Client};
use crate::locker::{identity, residents};
use crate::platform::error::Error;

#[derive(Debug, Subcommand)]
pub enum ResidentCommand {
    /// Open a locker, verified in person (an operator's act) unless
    /// --unverified. Documents pushed earlier for the Aadhaar number appear
    /// at once, and other accounts that claimed the number are closed.
    Add(AddResident),
    /// Verify a resident in person: the details given replace what they
    /// typed, and the other accounts that claimed the number are closed.
    Verify(VerifyResident),
}

/// The flags of `resident add`.
#[derive(Debug, Args)]
pub struct AddResident {
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
}

/// The flags of `resident verify`.
#[derive(Debug, Args)]
pub struct VerifyResident {
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
}

/// Runs one `resident` subcommand.
pub fn run(app: &App, command: ResidentCommand) -> Result<Output, Error> {
    match command {
        ResidentCommand::Add(args) => add(app, &args),
        ResidentCommand::Verify(args) => verify(app, &args),
    }
}

fn add(app: &App, args: &AddResident) -> Result<Output, Error> {
    let client = Client::cli();
    let new = residents::NewResident {
        aadhaar: &args.aadhaar,
        name: &args.name,
        dob: &args.dob,
        gender: args.gender.as_deref(),
        mobile: &args.mobile,
        password: &args.password.read()?,
    };
    let opening = if args.unverified {
        residents::Opening::SignUp
    } else {
        residents::Opening::Operator { by: &args.by }
    };
    let id = residents::add(app, &new, opening, &client)?;
    if args.unverified {
        let how = "opened by the operator, unverified";
        activity::record(app, id, activity::Kind::SignedUp, how, &client)?;
    }
    Ok(Output {
        json: json!({ "resident_id": id }),
        text: format!("opened locker {id}"),
    })
}

fn verify(app: &App, args: &VerifyResident) -> Result<Output, Error> {
    let person = identity::InPerson {
        aadhaar: &args.aadhaar,
        mobile: args.mobile.as_deref(),
        method: "operator",
        by: &args.by,
        details: identity::GivenDetails {
            name: args.name.as_deref(),
            dob: args.dob.as_deref(),
            gender: args.gender.as_deref(),
        },
    };
    let (id, identity) = identity::verify_in_person(app, &person, &Client::cli())?;
    Ok(Output {
        json: json!({ "resident_id": id, "identity": identity }),
        text: format!("verified locker {id}"),
    })
}
