//! The Push CSV Request API: authenticate the issuer (orgId, keyhash, ts
//! window, replay), check the CSV, and queue it as an import task.

pub mod request;

use std::path::Path;

use openlocker_db::{issuers, tasks};
use serde::Serialize;

use crate::app::App;
use crate::issuers::import::{self, queue};
use crate::platform::crypto::{self, Purpose};
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

/// Handles a Push CSV request whose body has been spooled to `xml_path`.
/// Refusals of a well-formed request are Status 0 responses; only a body
/// that is not acceptable XML is an `Err`.
pub fn handle(app: &App, xml_path: &Path) -> Result<PushResponse, Error> {
    let csv_path = app.incoming_dir().join(format!("{}.csv", crypto::random_hex(16)));
    let outcome = request::read(xml_path, &csv_path, &app.keys.file_cipher());
    let result = match outcome {
        Ok(req) => Ok(accept(app, &req, &csv_path)),
        Err(request::ReadError::Io(e)) => Err(Error::Internal(format!("reading push body: {e}"))),
        Err(refusal) => Err(Error::Invalid(refusal.to_string())),
    };
    // Whatever happened, the spooled copy is not needed any more (a queued
    // file has been moved away by now).
    let _ = std::fs::remove_file(&csv_path);
    result
}

fn accept(app: &App, req: &request::PushRequest, csv_path: &Path) -> PushResponse {
    let mut response = PushResponse {
        ns: "http://tempuri.org/",
        ver: req.ver.clone().unwrap_or_else(|| "1.0".into()),
        ts: req.ts.clone().unwrap_or_default(),
        txn: req.txn.clone().unwrap_or_default(),
        org_id: req.org_id.clone().unwrap_or_default(),
        status: 0,
        message: String::new(),
    };
    match check_and_queue(app, req, csv_path) {
        Ok(message) => {
            response.status = 1;
            response.message = message;
        }
        Err(refusal) => response.message = refusal.into_reason(),
    }
    response
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

    auth::record_txn(app, &issuer.org_id, txn, Durability::Now)?;
    if let Some(problem) = &req.content_problem {
        return Err(Refusal::new(problem.clone()));
    }
    if !req.has_doc_content {
        return Err(Refusal::new("DocDetails/DocContent is missing"));
    }
    import::check_csv_file(csv_path, app.keys.file_cipher())
        .map_err(|why| Refusal::new(format!("DocContent is not a CSV file: {why}")))?;
    let file_name = queue::sanitize_file_name(req.file_name.as_deref().unwrap_or(&format!("push-{txn}.csv")));
    let queued = queue::queue_file(
        app,
        &issuer.id,
        tasks::Source::Api,
        &file_name,
        csv_path,
        req.csv_bytes,
        Some(txn),
    );
    match queued {
        Ok(task_id) => Ok(format!(
            "CSV file {file_name} ({} bytes) accepted as task {task_id}; it will be imported by the scheduled job",
            req.csv_bytes
        )),
        Err(err) => {
            // Not the sender's fault: let them retry with the same txn.
            auth::forget_txn(app, &issuer.org_id, txn);
            Err(err.into())
        }
    }
}

/// Finds the issuer of `org_id` and checks the `ts` window and
/// `keyhash = sha256(key + ts)` against each of its valid keys.
fn authenticate(app: &App, org_id: &str, ts: &str, keyhash: &str) -> Result<issuers::Issuer, Refusal> {
    let conn = app.db.conn().map_err(Error::from)?;
    let issuer = issuers::get_by_org_id(&conn, org_id)
        .map_err(Error::from)?
        .ok_or_else(|| Refusal::new(format!("unknown orgId {org_id}")))?;
    auth::check_ts(app, ts)?;
    let keys = issuers::valid_keys(&conn, &issuer.id, dates::unix_now())
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
