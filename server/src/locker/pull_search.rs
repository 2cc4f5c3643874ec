//! "Get documents from issuers": a resident searches an issuer's repository
//! by the search fields of a doc type (Pull URI), and the URI found is saved
//! to their Issued Documents, marked as pulled.

use std::collections::BTreeMap;

use openlocker_db::{docs, issuers, residents};
use serde::Serialize;

use crate::app::App;
use crate::locker::activity::{self, Client, Kind};
use crate::locker::issuer_client::{self, Search, SearchAnswer};
use crate::platform::crypto::Purpose;
use crate::platform::dates;
use crate::platform::error::Error;

/// Longest value of one search field.
const MAX_FIELD_CHARS: usize = 100;

/// An issuer a resident can search, with its searchable doc types.
#[derive(Debug, Serialize)]
pub struct SearchableIssuer {
    pub issuer_id: String,
    pub name: String,
    pub doc_types: Vec<SearchableDocType>,
}

#[derive(Debug, Serialize)]
pub struct SearchableDocType {
    pub code: String,
    pub name: String,
    /// The search fields to fill in, in order.
    pub fields: Vec<String>,
    /// Whether the search also sends the resident's Aadhaar number.
    pub sends_uid: bool,
}

/// The issuers with a Pull URI API, and their doc types that have search
/// fields (or that search by the resident's Aadhaar number alone).
pub fn searchable(app: &App) -> Result<Vec<SearchableIssuer>, Error> {
    let conn = app.db.conn()?;
    let mut found = Vec::new();
    for issuer in issuers::list(&conn)? {
        if issuer.pull_uri_url.is_none() || issuer.pull_api_key_enc.is_none() {
            continue;
        }
        let doc_types: Vec<_> = issuers::doc_types(&conn, &issuer.id)?
            .into_iter()
            .filter(|t| !t.udfs.is_empty() || t.pull_sends_uid)
            .map(|t| SearchableDocType {
                code: t.code,
                name: t.name,
                fields: t.udfs,
                sends_uid: t.pull_sends_uid,
            })
            .collect();
        if !doc_types.is_empty() {
            found.push(SearchableIssuer {
                issuer_id: issuer.id,
                name: issuer.name,
                doc_types,
            });
        }
    }
    Ok(found)
}

/// What the resident asked for.
pub struct SearchRequest {
    pub issuer_id: String,
    pub doc_type: String,
    pub fields: BTreeMap<String, String>,
}

/// How a search ended (an unavailable issuer is an `Err`).
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SearchOutcome {
    /// The document is in Issued Documents now (`new` is false when it was
    /// there already).
    Saved {
        uri: String,
        new: bool,
        message: String,
    },
    NoMatch {
        message: String,
    },
    Pending {
        message: String,
    },
}

impl SearchOutcome {
    fn kind(&self) -> &'static str {
        match self {
            SearchOutcome::Saved { .. } => "saved",
            SearchOutcome::NoMatch { .. } => "no_match",
            SearchOutcome::Pending { .. } => "pending",
        }
    }
}

/// Searches the issuer and saves what it finds to the resident's locker;
/// only for a verified resident (the search sends their verified details).
pub fn search(app: &App, resident_id: i64, request: &SearchRequest, client: &Client) -> Result<SearchOutcome, Error> {
    crate::locker::identity::require_verified(app, resident_id)?;
    let conn = app.db.conn()?;
    let issuer = issuers::get(&conn, &request.issuer_id)?
        .ok_or_else(|| Error::NotFound(format!("there is no issuer {}", request.issuer_id)))?;
    let doc_type = issuers::doc_types(&conn, &issuer.id)?
        .into_iter()
        .find(|t| t.code.eq_ignore_ascii_case(&request.doc_type))
        .ok_or_else(|| Error::NotFound(format!("{} has no doc type {}", issuer.name, request.doc_type)))?;
    let fields = fields_in_order(&doc_type.udfs, &request.fields)?;
    let resident = residents::by_id(&conn, resident_id)?
        .ok_or_else(|| Error::Unauthorized("the locker no longer exists".into()))?;
    drop(conn);
    // Opened once: sent as the UID when asked for, and keyed for the save.
    let aadhaar = String::from_utf8(app.keys.open(Purpose::Aadhaar, &resident.aadhaar_enc)?)
        .map_err(|_| Error::Internal("a sealed Aadhaar number is not text".into()))?;
    let uid = doc_type.pull_sends_uid.then_some(aadhaar.as_str());
    let answer = issuer_client::pull_uri(
        app,
        &issuer,
        &Search {
            doc_type: &doc_type.code,
            fields: &fields,
            uid,
        },
    )?;
    let outcome = match answer {
        SearchAnswer::Found { uri } => {
            let new = save(app, &resident, &aadhaar, &doc_type, &uri)?;
            let message = if new {
                format!("{} ({}) is now in your Issued Documents", doc_type.name, uri)
            } else {
                format!("{} ({}) was already in your Issued Documents", doc_type.name, uri)
            };
            SearchOutcome::Saved { uri, new, message }
        }
        SearchAnswer::NoMatch { reason } => SearchOutcome::NoMatch {
            message: with_reason(
                format!("{} found no {} matching your details", issuer.name, doc_type.name),
                reason,
            ),
        },
        SearchAnswer::Pending { reason } => SearchOutcome::Pending {
            message: with_reason(
                format!(
                    "{} is verifying your {} by hand; search again later",
                    issuer.name, doc_type.name
                ),
                reason,
            ),
        },
    };
    if let SearchOutcome::Saved { uri, .. } = &outcome {
        activity::record(app, resident_id, Kind::Pulled, uri, client)?;
    }
    tracing::info!(
        resident_id,
        issuer = issuer.id,
        doc_type = doc_type.code,
        outcome = outcome.kind(),
        "Pull URI search"
    );
    Ok(outcome)
}

/// The search fields in the doc type's order; each one is required, and no
/// other is accepted.
fn fields_in_order(names: &[String], given: &BTreeMap<String, String>) -> Result<Vec<(String, String)>, Error> {
    if let Some(unknown) = given.keys().find(|k| !names.iter().any(|n| n.eq_ignore_ascii_case(k))) {
        return Err(Error::Invalid(format!(
            "{unknown} is not a search field of this doc type"
        )));
    }
    names
        .iter()
        .map(|name| {
            let value = given
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim())
                .unwrap_or_default();
            if value.is_empty() {
                return Err(Error::Invalid(format!("{name} is required")));
            }
            if value.chars().count() > MAX_FIELD_CHARS || value.chars().any(char::is_control) {
                return Err(Error::Invalid(format!(
                    "{name} must be at most {MAX_FIELD_CHARS} characters of text"
                )));
            }
            Ok((name.clone(), value.to_owned()))
        })
        .collect()
}

fn with_reason(message: String, reason: Option<String>) -> String {
    match reason {
        Some(reason) => format!("{message} (the issuer said: {reason})"),
        None => message,
    }
}

/// Saves a found URI to the resident's Issued Documents; whether it is new.
fn save(
    app: &App,
    resident: &residents::Resident,
    aadhaar: &str,
    doc_type: &issuers::DocType,
    uri: &str,
) -> Result<bool, Error> {
    let now = time::OffsetDateTime::now_utc();
    let doc_id = uri.rsplit('-').next().unwrap_or(uri);
    Ok(docs::save_pulled(
        &*app.db.conn()?,
        &docs::PulledDoc {
            aadhaar_hmac: &app.keys.aadhaar_hmac(aadhaar),
            aadhaar_enc: &resident.aadhaar_enc,
            uri,
            issuer_id: &doc_type.issuer_id,
            doc_type: &doc_type.code,
            doc_name: &doc_type.name,
            doc_id,
            issued_on: &dates::iso_date(now.date()),
            time_stamp: &dates::iso_date_time(time::PrimitiveDateTime::new(now.date(), now.time())),
            now: now.unix_timestamp(),
        },
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn fields_come_in_the_doc_types_order_and_each_is_required() {
        let names = vec!["RollNo".to_owned(), "Year".to_owned()];
        let ordered = fields_in_order(&names, &given(&[("year", " 2024 "), ("RollNo", "123")])).unwrap();
        assert_eq!(
            ordered,
            vec![("RollNo".to_owned(), "123".to_owned()), ("Year".into(), "2024".into())]
        );
        let missing = fields_in_order(&names, &given(&[("RollNo", "123")])).unwrap_err();
        assert!(missing.to_string().contains("Year is required"), "{missing}");
        let extra = fields_in_order(&names, &given(&[("RollNo", "1"), ("Year", "2"), ("Name", "x")])).unwrap_err();
        assert!(extra.to_string().contains("Name is not a search field"), "{extra}");
        let long = "9".repeat(101);
        assert!(fields_in_order(&names, &given(&[("RollNo", &long), ("Year", "2")])).is_err());
    }
}
