//! The Push CSV Request API: authenticate the issuer (orgId, keyhash, ts
//! window, replay), check the CSV, and queue it as an import task.

pub mod request;
pub mod root;

use std::path::Path;

use openlocker_db::{issuers, tasks};
use serde::Serialize;

use crate::app::App;
use crate::issuers::import::{self, queue};
use crate::platform::crypto::Purpose;
use crate::platform::dates;
use crate::platform::error::Error;
use crate::wire::auth;
use crate::wire::refusal::Refusal;
use crate::wire::replay::Durability;

/// The `PushCSVResponse` document.
#[derive(Debug, Serialize)]
#[serde(rename = "PushCSVResponse")]
pub struct PushResponse {
    #[serde(rename = "@xmlns:ns2")]
    pub ns: &'static str,
    #[serde(rename = "@ver")]
    pub ver: String,
    #[serde(rename = "@ts")]
    pub ts: String,
    #[serde(rename = "@txn")]
    pub txn: String,
    #[serde(rename = "@orgId")]
    pub org_id: String,
    /// 1 success, 0 failure.
    #[serde(rename = "ResponseStatus")]
    pub status: u8,
    #[serde(rename = "ResponseMessage")]
    pub message: String,
}

/// Whether `head`, the first bytes of a body, holds the whole root start
/// tag (so [`precheck`] can run).
pub fn head_complete(head: &[u8]) -> Result<bool, Error> {
    Ok(matches!(root::scan(head).map_err(read_error)?, root::Scan::Ends(_)))
}

/// Checks the root element's `orgId`, `ts` and `keyhash`, read from the
/// first bytes of the body (`head`, see [`root`]), before the rest is read:
/// `Some` is the Status 0 answer to send at once.
pub fn precheck(app: &App, head: &[u8]) -> Result<Option<PushResponse>, Error> {
    let req = root::read(head).map_err(read_error)?.unwrap_or_default();
    let checked = required(&req.org_id, "orgId").and_then(|org_id| {
        authenticate(
            app,
            org_id,
            required(&req.ts, "ts")?,
            required(&req.keyhash, "keyhash")?,
        )
    });
    Ok(checked.err().map(|refusal| answer(&req, Err(refusal))))
}

fn read_error(err: request::ReadError) -> Error {
    match err {
        request::ReadError::Io(e) => Error::Internal(format!("reading push body: {e}")),
        refusal => Error::Invalid(refusal.to_string()),
    }
}

/// Handles a Push CSV request whose body has been spooled to `xml_path`.
/// Refusals of a well-formed request are Status 0 responses; only a body
/// that is not acceptable XML is an `Err`.
pub fn handle(app: &App, xml_path: &Path) -> Result<PushResponse, Error> {
    let csv_path = app.spool_path("csv");
    let result = request::read(xml_path, &csv_path, &app.keys.file_cipher())
        .map(|req| answer(&req, check_and_queue(app, &req, &csv_path)))
        .map_err(read_error);
    // Whatever happened, the spooled copy is not needed any more (a queued
    // file has been moved away by now).
    let _ = std::fs::remove_file(&csv_path);
    result
}

/// Longest value echoed back from the request (a longer one is cut): the
/// answer never grows with what the sender chose to send.
const MAX_ECHO: usize = 128;

fn echo(value: &Option<String>) -> String {
    value.as_deref().unwrap_or_default().chars().take(MAX_ECHO).collect()
}

fn answer(req: &request::PushRequest, outcome: Result<String, Refusal>) -> PushResponse {
    let (status, message) = match outcome {
        Ok(message) => (1, message),
        Err(refusal) => (0, refusal.into_reason()),
    };
    PushResponse {
        ns: "http://tempuri.org/",
        ver: if req.ver.is_some() {
            echo(&req.ver)
        } else {
            "1.0".into()
        },
        ts: echo(&req.ts),
        txn: echo(&req.txn),
        org_id: echo(&req.org_id),
        status,
        message,
    }
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, Refusal> {
    match value.as_deref() {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Refusal::new(format!("the {name} attribute is missing or empty"))),
    }
}

fn check_and_queue(app: &App, req: &request::PushRequest, csv_path: &Path) -> Result<String, Refusal> {
    let org_id = required(&req.org_id, "orgId")?;
    let ts = required(&req.ts, "ts")?;
    let txn = required(&req.txn, "txn")?;
    let keyhash = required(&req.keyhash, "keyhash")?;
    let issuer = authenticate(app, org_id, ts, keyhash)?;

    // In memory now; in SQLite with the task, or as used up if refused.
    auth::record_txn(app, &issuer.org_id, txn, Durability::Deferred)?;
    if let Err(refusal) = check_content(app, req, csv_path) {
        app.replay
            .persist(&app.db, &issuer.org_id, txn, dates::unix_now())
            .map_err(Error::from)?;
        return Err(refusal);
    }
    crate::platform::faults::crash_point("push-before-task");
    let file_name = queue::sanitize_file_name(req.file_name.as_deref().unwrap_or(&format!("push-{txn}.csv")));
    let pushed = queue::Pushed {
        org_id: &issuer.org_id,
        txn,
    };
    let queued = queue::queue_file(
        app,
        &issuer.id,
        tasks::Source::Api,
        &file_name,
        csv_path,
        req.csv_bytes,
        Some(pushed),
    );
    match queued {
        Ok(task_id) => Ok(format!(
            "CSV file {file_name} ({} bytes) accepted as task {task_id}; it will be imported by the scheduled job",
            req.csv_bytes
        )),
        // Used by a server sharing the data folder: a replay.
        Err(Error::Conflict(replay)) => Err(Refusal::new(replay)),
        Err(err) => {
            // Not the sender's fault: let them retry with the same txn.
            auth::forget_txn(app, &issuer.org_id, txn);
            Err(err.into())
        }
    }
}

/// Refuses a request whose content is not a CSV file.
fn check_content(app: &App, req: &request::PushRequest, csv_path: &Path) -> Result<(), Refusal> {
    if let Some(problem) = &req.content_problem {
        return Err(Refusal::new(problem.clone()));
    }
    if !req.has_doc_content {
        return Err(Refusal::new("DocDetails/DocContent is missing"));
    }
    import::check_csv_file(csv_path, app.keys.file_cipher())
        .map_err(|why| Refusal::new(format!("DocContent is not a CSV file: {why}")))
}

/// Finds the issuer of `org_id` and checks the `ts` window and
/// `keyhash = sha256(key + ts)` against each of its valid keys.
fn authenticate(app: &App, org_id: &str, ts: &str, keyhash: &str) -> Result<issuers::Issuer, Refusal> {
    let issuer = issuers::get_by_org_id(&app.db, org_id)
        .map_err(Error::from)?
        .ok_or_else(|| Refusal::new(format!("unknown orgId {}", auth::shown(org_id))))?;
    auth::check_ts(app, ts)?;
    let keys = issuers::valid_keys(&app.db, &issuer.id, dates::unix_now())
        .map_err(Error::from)?
        .iter()
        .map(|sealed| app.keys.open(Purpose::ApiKey, sealed))
        .collect::<Result<Vec<_>, _>>()?;
    if auth::keyhash_matches(&keys, ts, keyhash) {
        Ok(issuer)
    } else {
        Err(Refusal::new(auth::KEYHASH_MISMATCH))
    }
}
