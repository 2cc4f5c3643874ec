//! `openlocker repo push`: sends the documents not yet pushed, one CSV row
//! per owner, to a locker's Push CSV API, and records them as pushed only
//! when the locker answers Status 1. A failed push loses nothing: the next
//! run sends the same documents again (the locker's import is idempotent).

use base64::Engine;
use openlocker_db::repo as db;
use serde::Serialize;

use crate::app::App;
use crate::platform::crypto::Purpose;
use crate::platform::dates;
use crate::platform::error::Error;
use crate::wire::envelope::{self, Form, Signature};
use crate::wire::push_csv::COLUMNS;
use crate::wire::{reader, upstream};

/// What the locker said.
#[derive(Debug, Serialize)]
pub struct PushOutcome {
    pub rows: u64,
    /// The locker's ResponseStatus (1 for nothing to push).
    pub status: u8,
    pub message: String,
}

#[derive(Serialize)]
struct Details {
    #[serde(rename = "DocContent")]
    content: String,
    #[serde(rename = "FileName")]
    file_name: String,
}

/// `YYYY-MM-DD` as `DD/MM/YYYY`.
fn dmy(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => String::new(),
    }
}

/// Builds the CSV of `docs`: one row per owner.
fn csv_of(app: &App, docs: &[db::Doc]) -> Result<(Vec<u8>, u64), Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows = 0u64;
    let stamp = time_stamp_now()?;
    let csv_error = |e: csv::Error| Error::Internal(format!("writing CSV: {e}"));
    writer.write_record(COLUMNS).map_err(csv_error)?;
    for doc in docs {
        for sealed in db::owners(&app.db, doc.id)? {
            let aadhaar = String::from_utf8(app.keys.open(Purpose::Aadhaar, &sealed)?)
                .map_err(|_| Error::Internal("a sealed Aadhaar number is not text".into()))?;
            let valid_from = doc.valid_from.as_deref().map(dmy).unwrap_or_default();
            let valid_to = doc.valid_to.as_deref().map(dmy).unwrap_or_default();
            writer
                .write_record([
                    aadhaar.as_str(),
                    &doc.uri,
                    &doc.doc_type,
                    &doc.doc_name,
                    &doc.doc_id,
                    &dmy(&doc.issued_on),
                    &valid_from,
                    &valid_to,
                    &stamp,
                    "A",
                ])
                .map_err(csv_error)?;
            rows += 1;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Internal(format!("writing CSV: {e}")))?;
    Ok((bytes, rows))
}

/// Now in India Standard Time, as a Push CSV `time_stamp`.
fn time_stamp_now() -> Result<String, Error> {
    time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(5, 30, 0).unwrap_or(time::UtcOffset::UTC))
        .format(time::macros::format_description!(
            "[day]/[month]/[year] [hour repr:12]:[minute]:[second] [period case:upper]"
        ))
        .map_err(|e| Error::Internal(format!("time stamp: {e}")))
}

/// The Push CSV endpoint of a locker given by its base URL or the full URL.
fn endpoint(locker: &str) -> String {
    const PATH: &str = "/public/issuer/api/csvupload/1/xml";
    if locker.contains("/public/issuer/api/csvupload/") {
        locker.to_owned()
    } else {
        format!("{}{PATH}", locker.trim_end_matches('/'))
    }
}

/// The scheduled push, with the `repo_push_*` settings.
pub fn push_scheduled(app: &App) -> Result<PushOutcome, Error> {
    let s = &app.settings;
    let (Some(issuer), Some(locker), Some(org_id), Some(key_file)) = (
        &s.repo_push_issuer,
        &s.repo_push_locker,
        &s.repo_push_org_id,
        &s.repo_push_api_key_file,
    ) else {
        return Err(Error::Invalid("the repo_push_* settings are incomplete".into()));
    };
    let api_key = std::fs::read_to_string(key_file).map_err(|e| {
        Error::Invalid(format!(
            "cannot read repo_push_api_key_file {}: {e}",
            key_file.display()
        ))
    })?;
    push(app, issuer, locker, org_id, api_key.trim())
}

/// Pushes every not-yet-pushed document of `issuer_id` to `locker`.
pub fn push(app: &App, issuer_id: &str, locker: &str, org_id: &str, api_key: &str) -> Result<PushOutcome, Error> {
    if !(locker.starts_with("http://") || locker.starts_with("https://")) {
        return Err(Error::Invalid(format!("the locker URL {locker} is not http(s)")));
    }
    let docs = db::unpushed_docs(&app.db, issuer_id)?;
    if docs.is_empty() {
        return Ok(PushOutcome {
            rows: 0,
            status: 1,
            message: format!("no document of {issuer_id} is waiting to be pushed"),
        });
    }
    let (csv, rows) = csv_of(app, &docs)?;
    let signature = Signature::now(org_id, api_key.as_bytes());
    let details = Details {
        content: base64::engine::general_purpose::STANDARD.encode(&csv),
        file_name: format!("{issuer_id}-{}.csv", signature.txn),
    };
    let request = envelope::request_xml("PushCSVRequest", &signature, Form::Original, details);
    let who = "the locker";
    let answer = upstream::post_xml(
        app,
        &endpoint(locker),
        &request,
        &[],
        who,
        // The operator gave the locker's URL.
        crate::platform::address_policy::Reach::Any,
    )?;
    let (status, message) = status_of(&answer, who)?;
    let pushed = status == "1";
    if pushed {
        let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
        db::mark_pushed(&app.db, &ids, dates::unix_now())?;
        tracing::info!(issuer_id, documents = ids.len(), rows, "pushed documents to a locker");
    } else {
        tracing::warn!(
            issuer_id,
            rows,
            message,
            "the locker refused the push; it will be sent again next time"
        );
    }
    Ok(PushOutcome {
        rows,
        status: u8::from(pushed),
        message,
    })
}

/// The `ResponseStatus` and `ResponseMessage` of the locker's answer.
fn status_of(answer: &str, who: &str) -> Result<(String, String), Error> {
    let root = reader::parse(answer.as_bytes())
        .map_err(|e| Error::Upstream(format!("{who} sent an answer that is not acceptable XML: {e}")))?;
    let status = root
        .find("ResponseStatus")
        .map(|s| s.text.trim().to_owned())
        .unwrap_or_default();
    let message = root.find("ResponseMessage").map(|m| m.text.clone()).unwrap_or_default();
    Ok((status, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_endpoints() {
        assert_eq!(dmy("2024-05-01"), "01/05/2024");
        assert_eq!(endpoint("http://l:1/"), "http://l:1/public/issuer/api/csvupload/1/xml");
        assert_eq!(
            endpoint("http://l:1/public/issuer/api/csvupload/1/xml"),
            "http://l:1/public/issuer/api/csvupload/1/xml"
        );
    }
}
