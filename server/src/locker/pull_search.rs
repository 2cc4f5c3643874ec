//! "Get documents from issuers": a resident searches an issuer's repository
//! by the search fields of a doc type (Pull URI). A document found is saved
//! to their Issued Documents, marked as pulled, with a sealed copy of what
//! the answer carried, but only when its `IssuedTo` names the resident
//! ([`crate::locker::pull_match`]). Searches that find nothing of theirs are
//! throttled like failed sign-ins.

use std::collections::BTreeMap;

use openlocker_db::{docs, issuers, residents};
use serde::Serialize;

use crate::app::App;
use crate::locker::activity::{self, Client, Kind};
use crate::locker::issuer_client::{self, Found, Search, SearchAnswer, UidMd5};
use crate::locker::pull_match::{self, MatchFields};
use crate::locker::{kept_copy, throttle};
use crate::platform::aadhaar::Aadhaar;
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
    /// Whether the search also sends the MD5 of the resident's Aadhaar number.
    pub sends_uid: bool,
}

/// The issuers with a Pull URI API, and their doc types that have search
/// fields (or that search by the resident's Aadhaar number alone).
pub fn searchable(app: &App) -> Result<Vec<SearchableIssuer>, Error> {
    let mut found = Vec::new();
    for issuer in issuers::list(&app.db)? {
        if issuer.pull_uri_url.is_none() || issuer.pull_api_key_enc.is_none() {
            continue;
        }
        let doc_types: Vec<_> = issuers::doc_types(&app.db, &issuer.id)?
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
    /// The issuer found a document issued to someone else; nothing saved.
    Mismatch {
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
            SearchOutcome::Mismatch { .. } => "mismatch",
            SearchOutcome::Pending { .. } => "pending",
        }
    }
}

/// `no_match` and `mismatch` answers allowed in an hour, per resident and
/// per address, before searches are refused with 429: a guessed roll
/// number is a guessed password.
const FAILED_SEARCHES_PER_RESIDENT: u32 = 10;
const FAILED_SEARCHES_PER_ADDRESS: u32 = 30;

/// Searches the issuer and saves what it finds to the resident's locker,
/// when the document is theirs; only for a verified resident (the search
/// sends, and matches against, their verified details).
pub fn search(app: &App, resident_id: i64, request: &SearchRequest, client: &Client) -> Result<SearchOutcome, Error> {
    crate::locker::identity::require_verified(app, resident_id)?;
    let (issuer, doc_type) = issuer_and_type(app, &request.issuer_id, &request.doc_type)?;
    let fields = fields_in_order(&doc_type.udfs, &request.fields)?;
    let resident = residents::by_id(&app.db, resident_id)?
        .ok_or_else(|| Error::Unauthorized("the locker no longer exists".into()))?;
    let counters = failure_counters(app, resident_id, client)?;
    let aadhaar = open_aadhaar(app, &resident)?;
    let uid = doc_type.pull_sends_uid.then(|| UidMd5::of(&aadhaar));
    let dob = dmy(&resident.dob);
    let search = Search {
        doc_type: &doc_type.code,
        digilocker_id: &resident.digilocker_id,
        uid: uid.as_ref(),
        full_name: doc_type.pull_sends_name.then_some(resident.name.as_str()),
        dob: doc_type.pull_sends_dob.then_some(dob.as_str()),
        fields: &fields,
    };
    let outcome = match issuer_client::pull_uri(app, &issuer, &search)? {
        SearchAnswer::Found(found) => found_outcome(app, &issuer, &doc_type, &resident, &aadhaar, found)?,
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
    record(app, resident_id, &outcome, &counters, client)?;
    tracing::info!(
        resident_id,
        issuer = issuer.id,
        doc_type = doc_type.code,
        outcome = outcome.kind(),
        "Pull URI search"
    );
    Ok(outcome)
}

/// A saved document goes in the activity log; a search that found nothing
/// of theirs counts against the resident and the address.
fn record(
    app: &App,
    resident_id: i64,
    outcome: &SearchOutcome,
    counters: &[String; 2],
    client: &Client,
) -> Result<(), Error> {
    match outcome {
        SearchOutcome::Saved { uri, .. } => activity::record(app, resident_id, Kind::Pulled, uri, client),
        SearchOutcome::NoMatch { .. } | SearchOutcome::Mismatch { .. } => {
            throttle::failed(app, &[&counters[0], &counters[1]])
        }
        SearchOutcome::Pending { .. } => Ok(()),
    }
}

/// The resident's and the address's counters of searches that found
/// nothing of theirs; 429 when either is full.
fn failure_counters(app: &App, resident_id: i64, client: &Client) -> Result<[String; 2], Error> {
    let counters = [
        format!("pull:resident:{resident_id}"),
        format!("pull:{}", throttle::address_key(&client.ip)),
    ];
    throttle::check_within(
        app,
        &[
            (&counters[0], FAILED_SEARCHES_PER_RESIDENT),
            (&counters[1], FAILED_SEARCHES_PER_ADDRESS),
        ],
        throttle::PULL_WINDOW_SECONDS,
        "searches that found nothing of yours",
    )?;
    Ok(counters)
}

/// The issuer and its doc type, by the codes a resident gave.
pub fn issuer_and_type(app: &App, issuer_id: &str, code: &str) -> Result<(issuers::Issuer, issuers::DocType), Error> {
    let issuer =
        issuers::get(&app.db, issuer_id)?.ok_or_else(|| Error::NotFound(format!("there is no issuer {issuer_id}")))?;
    let doc_type = issuers::doc_types(&app.db, &issuer.id)?
        .into_iter()
        .find(|t| t.code.eq_ignore_ascii_case(code))
        .ok_or_else(|| Error::NotFound(format!("{} has no doc type {code}", issuer.name)))?;
    Ok((issuer, doc_type))
}

/// The resident's Aadhaar number, opened from its seal.
pub fn open_aadhaar(app: &App, resident: &residents::Resident) -> Result<Aadhaar, Error> {
    let digits = String::from_utf8(app.keys.open(Purpose::Aadhaar, &resident.aadhaar_enc)?)
        .map_err(|_| Error::Internal("a sealed Aadhaar number is not text".into()))?;
    Aadhaar::parse(&digits).map_err(|e| Error::Internal(format!("a sealed Aadhaar number is invalid: {e}")))
}

/// `YYYY-MM-DD` as `DD-MM-YYYY`, the form of v1.13's `DOB`.
pub fn dmy(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}-{m}-{y}"),
        _ => iso.to_owned(),
    }
}

/// The resident's details that a pulled document is matched against.
fn match_details(resident: &residents::Resident) -> pull_match::Resident<'_> {
    pull_match::Resident {
        name: &resident.name,
        dob: &resident.dob,
        gender: resident.gender.as_deref(),
        mobile: &resident.mobile,
    }
}

/// Saves a found document when its `IssuedTo` names the resident; says
/// "mismatch", without a word of the other person's details, when not.
fn found_outcome(
    app: &App,
    issuer: &issuers::Issuer,
    doc_type: &issuers::DocType,
    resident: &residents::Resident,
    aadhaar: &Aadhaar,
    found: Found,
) -> Result<SearchOutcome, Error> {
    let fields = MatchFields::parse(&doc_type.pull_match)?;
    if !pull_match::any_person_matches(&found.persons, &match_details(resident), &fields) {
        tracing::warn!(
            resident_id = resident.id,
            issuer = issuer.id,
            doc_type = doc_type.code,
            persons = found.persons.len(),
            "a found document is issued to someone else; not saved"
        );
        return Ok(SearchOutcome::Mismatch {
            message: format!(
                "{} found a {}, but the person it is issued to does not match your details, so it was not saved",
                issuer.name, doc_type.name
            ),
        });
    }
    if found.doc_content.is_none() && found.data_content.is_none() && issuer.pull_doc_url.is_none() {
        return Err(Error::Upstream(format!(
            "issuer {} found the document but sent neither DocContent nor DataContent",
            issuer.id
        )));
    }
    let new = save(app, resident, aadhaar, doc_type, &found)?;
    let message = if new {
        format!("{} ({}) is now in your Issued Documents", doc_type.name, found.uri)
    } else {
        format!("{} ({}) was already in your Issued Documents", doc_type.name, found.uri)
    };
    Ok(SearchOutcome::Saved {
        uri: found.uri,
        new,
        message,
    })
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

/// Saves a found document and its kept copy to the resident's Issued
/// Documents; whether it is new.
fn save(
    app: &App,
    resident: &residents::Resident,
    aadhaar: &Aadhaar,
    doc_type: &issuers::DocType,
    found: &Found,
) -> Result<bool, Error> {
    let now = time::OffsetDateTime::now_utc();
    let doc_id = found.uri.rsplit('-').next().unwrap_or(&found.uri);
    let _guard = kept_copy::lock();
    let copy = kept_copy::put_parts(app, found.doc_content.as_deref(), found.data_content.as_deref())?;
    let new = docs::save_pulled(
        &app.db,
        &docs::PulledDoc {
            aadhaar_hmac: &app.keys.aadhaar_hmac(aadhaar.digits()),
            aadhaar_enc: &resident.aadhaar_enc,
            uri: &found.uri,
            issuer_id: &doc_type.issuer_id,
            doc_type: &doc_type.code,
            doc_name: &doc_type.name,
            doc_id,
            issued_on: &dates::iso_date(now.date()),
            time_stamp: &dates::iso_date_time(time::PrimitiveDateTime::new(now.date(), now.time())),
            copy: &copy,
            now: now.unix_timestamp(),
        },
    )?;
    crate::locker::issued_signature::check_and_record(
        app,
        &found.uri,
        found.data_content.as_deref(),
        found.doc_content.as_deref(),
    )?;
    Ok(new)
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
