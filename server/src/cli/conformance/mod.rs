//! `openlocker conformance`: the issuer conformance kit. It checks one
//! issuer's Pull URI API against Issuer API v1.13, clause by clause, from
//! the outside, as a locker would call it, and says what each check sent
//! and what it got. It needs no data folder. Its entity check sends one
//! small internal entity, never a bomb: it is aimed at departments'
//! production servers.

mod checks;
mod contents;
mod report;
mod request;

use std::time::{Duration, Instant};

use crate::cli::ConformanceArgs;
use crate::locker::issuer_client::UidMd5;
use crate::platform::aadhaar::Aadhaar;
use crate::platform::error::Error;
use crate::wire::auth::HmacEncoding;

pub use report::{Check, Report};

/// Longest answer the kit reads.
const MAX_ANSWER: u64 = 64 * 1024 * 1024;
/// How long one request may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// What the kit knows of the issuer under test.
pub struct Target {
    pub url: String,
    pub org_id: String,
    pub api_key: String,
    pub doc_type: String,
    /// `(name, value)` search fields of a document that exists.
    pub fields: Vec<(String, String)>,
    /// The MD5 of the owner's Aadhaar number.
    pub uid: Option<UidMd5>,
    pub full_name: Option<String>,
    /// `DD-MM-YYYY`.
    pub dob: Option<String>,
    pub hmac: Option<HmacEncoding>,
}

impl Target {
    /// The target the command line describes.
    pub fn from_args(args: &ConformanceArgs) -> Result<Target, Error> {
        let api_key = match (&args.api_key, &args.api_key_file) {
            (Some(key), None) => key.clone(),
            (None, Some(file)) => std::fs::read_to_string(file)
                .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", file.display())))?
                .trim()
                .to_owned(),
            _ => return Err(Error::Invalid("give one of --api-key and --api-key-file".into())),
        };
        let fields = args
            .fields
            .iter()
            .map(|pair| {
                pair.split_once('=')
                    .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
                    .filter(|(n, v)| !n.is_empty() && !v.is_empty())
                    .ok_or_else(|| Error::Invalid(format!("--field {pair:?} is not NAME=VALUE")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let uid = args
            .uid
            .as_deref()
            .map(|u| Aadhaar::parse(u).map(|a| UidMd5::of(&a)))
            .transpose()
            .map_err(|e| Error::Invalid(format!("--uid: {e}")))?;
        if fields.is_empty() && uid.is_none() {
            return Err(Error::Invalid("give the search: --field NAME=VALUE or --uid".into()));
        }
        let dob = args.dob.as_deref().map(check_dob).transpose()?;
        Ok(Target {
            url: args.pull_uri_url.clone(),
            org_id: args.org_id.clone(),
            api_key,
            doc_type: args.doc_type.clone(),
            fields,
            uid,
            full_name: args.name.clone(),
            dob,
            hmac: HmacEncoding::parse(&args.hmac).map_err(Error::Invalid)?,
        })
    }
}

fn check_dob(iso: &str) -> Result<String, Error> {
    time::Date::parse(iso, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| Error::Invalid(format!("--dob {iso:?} is not a real YYYY-MM-DD date")))?;
    Ok(crate::locker::pull_search::dmy(iso))
}

/// One exchange with the issuer.
pub struct Exchange {
    /// What was sent: the headers of note and the body.
    pub sent: String,
    /// The HTTP status (0 when there was no answer).
    pub status: u16,
    pub body: String,
    pub took: Duration,
    /// Why there was no answer.
    pub failure: Option<String>,
}

/// POSTs `body` with `hmac` as its `x-digilocker-hmac` (none when `None`).
pub fn post(target: &Target, body: &str, hmac: Option<&str>) -> Exchange {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut request = agent.post(&target.url).header("Content-Type", "application/xml");
    let mut sent = format!("POST {}\nContent-Type: application/xml\n", target.url);
    if let Some(hmac) = hmac {
        request = request.header("x-digilocker-hmac", hmac);
        sent.push_str(&format!("x-digilocker-hmac: {hmac}\n"));
    }
    sent.push('\n');
    sent.push_str(body);
    let started = Instant::now();
    let answer = request.send(body).and_then(|mut r| {
        Ok((
            r.status().as_u16(),
            r.body_mut().with_config().limit(MAX_ANSWER).read_to_string()?,
        ))
    });
    let took = started.elapsed();
    match answer {
        Ok((status, body)) => Exchange {
            sent,
            status,
            body,
            took,
            failure: None,
        },
        Err(e) => Exchange {
            sent,
            status: 0,
            body: String::new(),
            took,
            failure: Some(e.to_string()),
        },
    }
}

/// Runs every check against `target`.
pub fn run(target: &Target) -> Report {
    Report {
        url: target.url.clone(),
        checks: checks::all(target),
    }
}

/// `openlocker conformance`: prints the report (JSON with `json`), writes
/// the HTML report when asked; exit code 0 when every check passed, else 1.
pub fn run_cli(args: &ConformanceArgs, json: bool) -> Result<bool, Error> {
    let target = Target::from_args(args)?;
    let report = run(&target);
    if let Some(path) = &args.report {
        std::fs::write(path, report.html())
            .map_err(|e| Error::Invalid(format!("cannot write {}: {e}", path.display())))?;
    }
    if json {
        println!("{}", report.json());
    } else {
        print!("{}", report.text());
    }
    Ok(report.all_passed())
}
