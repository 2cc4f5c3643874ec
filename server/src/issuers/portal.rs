//! The issuer portal's services: sign-in of issuer users, upload of CSV
//! files by hand, and the task views (status, counts, progress, rejections).

use std::path::Path;

use openlocker_db::issuers::{self, IssuerUser};
use openlocker_db::sessions::SessionKind;
use openlocker_db::tasks::{self, Rejection, Task};
use serde::Serialize;

use crate::app::App;
use crate::issuers::import::{self, Progress, queue};
use crate::locker::portal_sign_in::Portal;
use crate::locker::sessions::ISSUER_COOKIE;
use crate::platform::dates;
use crate::platform::error::Error;
use crate::platform::passwords;

/// Finds the portal user that a username and password belong to.
pub fn authenticate(app: &App, username: &str, password: &str) -> Result<IssuerUser, Error> {
    let found = issuers::user_by_name(&app.db, username.trim())?;
    passwords::sign_in(found, password, |u| &u.password_hash)
}

/// The issuer portal, for [`crate::locker::portal_sign_in`].
pub struct IssuerPortal;

impl Portal for IssuerPortal {
    type User = IssuerUser;
    type Overview = Overview;
    const NAME: &'static str = "issuer";
    const SESSION: SessionKind = SessionKind::IssuerUser;
    const COOKIE: &'static str = ISSUER_COOKIE;

    fn authenticate(app: &App, username: &str, password: &str) -> Result<IssuerUser, Error> {
        authenticate(app, username, password)
    }

    fn user_id(user: &IssuerUser) -> i64 {
        user.id
    }

    fn overview(app: &App, user: &IssuerUser) -> Result<Overview, Error> {
        overview(app, user)
    }
}

/// The signed-in user, and so their issuer.
pub fn user(app: &App, user_id: i64) -> Result<IssuerUser, Error> {
    issuers::user_by_id(&app.db, user_id)?.ok_or_else(|| Error::Unauthorized("the user no longer exists".into()))
}

/// What the portal shows of the signed-in user and their issuer.
#[derive(Debug, Serialize)]
pub struct Overview {
    pub username: String,
    pub issuer_id: String,
    pub issuer_name: String,
    pub org_id: String,
    /// Counter staff: may verify residents in person.
    pub can_verify_residents: bool,
}

pub fn overview(app: &App, user: &IssuerUser) -> Result<Overview, Error> {
    let issuer = issuers::get(&app.db, &user.issuer_id)?
        .ok_or_else(|| Error::NotFound(format!("no issuer {}", user.issuer_id)))?;
    Ok(Overview {
        username: user.username.clone(),
        issuer_id: issuer.id,
        issuer_name: issuer.name,
        org_id: issuer.org_id,
        can_verify_residents: user.can_verify_residents,
    })
}

/// The issuer's repository (Pull API) settings as the portal shows them:
/// the key is never shown, only whether one is stored.
pub fn pull_settings(app: &App, issuer_id: &str) -> Result<serde_json::Value, Error> {
    let issuer = issuers::get(&app.db, issuer_id)?.ok_or_else(|| Error::NotFound(format!("no issuer {issuer_id}")))?;
    Ok(serde_json::json!({
        "uri_url": issuer.pull_uri_url,
        "doc_url": issuer.pull_doc_url,
        "org_id": issuer.pull_org_id,
        "has_api_key": issuer.pull_api_key_enc.is_some(),
    }))
}

/// Queues a CSV uploaded by hand, after the same "is it CSV" check as the API.
pub fn upload(app: &App, issuer_id: &str, file_name: &str, spooled: &Path, bytes: u64) -> Result<TaskView, Error> {
    let file_name = queue::sanitize_file_name(file_name);
    import::check_csv_file(spooled, app.keys.file_cipher())
        .map_err(|why| Error::Invalid(format!("{file_name} is not a CSV file: {why}")))?;
    // Queueing moves the file; hard-link it first so the spool guard can
    // still delete its own name.
    let staged = app.spool_path("csv");
    std::fs::hard_link(spooled, &staged)?;
    let id = queue::queue_file(app, issuer_id, tasks::Source::Portal, &file_name, &staged, bytes, None)?;
    task(app, issuer_id, id)
}

/// A task as the portal shows it.
#[derive(Debug, Serialize)]
pub struct TaskView {
    pub id: i64,
    pub source: String,
    pub file_name: String,
    pub status: String,
    pub error: Option<String>,
    pub bytes_total: i64,
    pub rows_imported: i64,
    pub rows_rejected: i64,
    pub txn: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub progress: Progress,
}

fn view(task: Task) -> TaskView {
    let progress = import::progress(&task, dates::unix_now());
    TaskView {
        id: task.id,
        source: task.source,
        file_name: task.file_name,
        status: task.status,
        error: task.error,
        bytes_total: task.bytes_total,
        rows_imported: task.rows_imported,
        rows_rejected: task.rows_rejected,
        txn: task.txn,
        created_at: task.created_at,
        finished_at: task.finished_at,
        progress,
    }
}

/// The issuer's tasks, newest first.
pub fn tasks(app: &App, issuer_id: &str) -> Result<Vec<TaskView>, Error> {
    Ok(tasks::list_for_issuer(&app.db, issuer_id, 200)?
        .into_iter()
        .map(view)
        .collect())
}

/// One of the issuer's tasks; another issuer's is "not found".
pub fn task(app: &App, issuer_id: &str, task_id: i64) -> Result<TaskView, Error> {
    own_task(app, issuer_id, task_id).map(view)
}

fn own_task(app: &App, issuer_id: &str, task_id: i64) -> Result<Task, Error> {
    match tasks::get(&app.db, task_id)? {
        Some(task) if task.issuer_id.eq_ignore_ascii_case(issuer_id) => Ok(task),
        _ => Err(Error::NotFound(format!("no task {task_id}"))),
    }
}

/// A page of a task's rejected rows, after line `after`.
pub fn rejections(app: &App, issuer_id: &str, task_id: i64, after: u64, limit: u32) -> Result<Vec<Rejection>, Error> {
    own_task(app, issuer_id, task_id)?;
    Ok(tasks::rejections(&app.db, task_id, after, limit.clamp(1, 10_000))?)
}

/// Rows per page of the rejections CSV download.
const CSV_PAGE: u32 = 5_000;

/// A page of a task's rejections as CSV (with the header on the first page,
/// `after` = 0), and the line to continue after, `None` at the end.
pub fn rejections_csv_page(
    app: &App,
    issuer_id: &str,
    task_id: i64,
    after: u64,
) -> Result<(Vec<u8>, Option<u64>), Error> {
    let rows = rejections(app, issuer_id, task_id, after, CSV_PAGE)?;
    let csv_error = |e: csv::Error| Error::Internal(format!("writing CSV: {e}"));
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    if after == 0 {
        writer.write_record(["line", "field", "reason"]).map_err(csv_error)?;
    }
    for r in &rows {
        writer
            .write_record([r.line.to_string().as_str(), &r.field, &r.reason])
            .map_err(csv_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Internal(format!("writing CSV: {e}")))?;
    let next = rows.last().filter(|_| rows.len() == CSV_PAGE as usize).map(|r| r.line);
    Ok((bytes, next))
}

/// What counter staff saw on the person's Aadhaar card.
#[derive(Debug, serde::Deserialize)]
pub struct CounterCheck {
    pub aadhaar: String,
    /// The account's mobile, when several accounts claim the number.
    #[serde(default)]
    pub mobile: Option<String>,
    pub name: String,
    /// `YYYY-MM-DD`.
    pub dob: String,
    /// `M`, `F` or `T`.
    #[serde(default)]
    pub gender: Option<String>,
}

/// Counter staff verify a resident in person: the details on the card
/// replace what was typed. Only for users with the counter permission.
pub fn verify_resident(
    app: &App,
    user: &IssuerUser,
    check: &CounterCheck,
    client: &crate::locker::activity::Client,
) -> Result<(i64, crate::locker::identity::IdentityView), Error> {
    if !user.can_verify_residents {
        return Err(Error::Forbidden(
            "this portal user may not verify residents; the locker's operator gives counter staff that permission"
                .into(),
        ));
    }
    let by = format!("{} at {}", user.username, user.issuer_id);
    let person = crate::locker::identity::InPerson {
        aadhaar: &check.aadhaar,
        mobile: check.mobile.as_deref().filter(|m| !m.trim().is_empty()),
        method: "counter",
        by: &by,
        details: crate::locker::identity::GivenDetails {
            name: Some(&check.name),
            dob: Some(&check.dob),
            gender: check.gender.as_deref(),
        },
    };
    let verified = crate::locker::identity::verify_in_person(app, &person, client)?;
    tracing::info!(
        user = user.username,
        resident_id = verified.0,
        "counter verified a resident"
    );
    Ok(verified)
}
