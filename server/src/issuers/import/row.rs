//! Validation of one Push CSV row: columns `Aadhaar, Uri, doc_type,
//! doc_name, doc_id, issued_on, valid_from, valid_to, time_stamp, Action`.

use std::collections::HashSet;

use time::{Date, PrimitiveDateTime};

use crate::platform::aadhaar::Aadhaar;
use crate::platform::dates;
use crate::platform::ids::DocUri;

/// What a row asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Add,
    Update,
    Delete,
}

/// A row that passed every check. Dates are optional only for deletions
/// (and `valid_from`/`valid_to`, which may always be blank).
#[derive(Debug)]
pub struct ValidRow<'a> {
    pub aadhaar: &'a str,
    pub uri: &'a str,
    pub doc_type: &'a str,
    pub doc_name: &'a str,
    pub doc_id: &'a str,
    pub issued_on: Option<Date>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub time_stamp: Option<PrimitiveDateTime>,
    pub action: Action,
}

/// Why a row was refused: the column and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub field: &'static str,
    pub reason: String,
}

fn err(field: &'static str, reason: impl Into<String>) -> RowError {
    RowError {
        field,
        reason: reason.into(),
    }
}

pub use crate::wire::push_csv::COLUMNS;

/// What the rows are checked against.
pub struct RowRules<'a> {
    /// The pushing issuer's id.
    pub issuer_id: &'a str,
    /// Its registered doc type codes, upper case.
    pub doc_types: &'a HashSet<String>,
}

/// Checks one row of trimmed fields (the caller has checked the count).
pub fn validate<'a>(fields: &[&'a str; COLUMNS.len()], rules: &RowRules<'_>) -> Result<ValidRow<'a>, RowError> {
    let [
        aadhaar,
        uri,
        doc_type,
        doc_name,
        doc_id,
        issued_on,
        valid_from,
        valid_to,
        time_stamp,
        action,
    ] = *fields;

    let action = parse_action(action)?;
    Aadhaar::parse_digits(aadhaar).map_err(|e| err("Aadhaar", e.to_string()))?;
    check_uri(uri, doc_type, doc_id, rules)?;
    // A deletion needs only the Aadhaar number and the URI; any other field
    // it carries must still be well-formed.
    let required = action != Action::Delete;
    check_doc_name(doc_name, required)?;
    let issued = optional_date("issued_on", issued_on)?;
    if required && issued.is_none() {
        return Err(err("issued_on", "is empty; expected DD/MM/YYYY"));
    }
    let (from, to) = validity(valid_from, valid_to)?;
    let stamp = if time_stamp.is_empty() && !required {
        None
    } else {
        Some(dates::parse_csv_time_stamp(time_stamp).ok_or_else(|| {
            err(
                "time_stamp",
                format!("{time_stamp:?} is not a real DD/MM/YYYY HH:MI:SS AM time"),
            )
        })?)
    };
    Ok(ValidRow {
        aadhaar,
        uri,
        doc_type,
        doc_name,
        doc_id,
        issued_on: issued,
        valid_from: from,
        valid_to: to,
        time_stamp: stamp,
        action,
    })
}

fn parse_action(action: &str) -> Result<Action, RowError> {
    match action {
        "A" | "a" => Ok(Action::Add),
        "U" | "u" => Ok(Action::Update),
        "D" | "d" => Ok(Action::Delete),
        other => Err(err("Action", format!("{other:?} is not A, U or D"))),
    }
}

/// The URI is well-formed, the pushing issuer's, agrees with the row's
/// doc type and doc id, and names a registered doc type.
fn check_uri(uri: &str, doc_type: &str, doc_id: &str, rules: &RowRules<'_>) -> Result<(), RowError> {
    let parsed = DocUri::parse(uri).map_err(|why| err("Uri", format!("{uri:?} {why}")))?;
    if !parsed.issuer_id.eq_ignore_ascii_case(rules.issuer_id) {
        return Err(err(
            "Uri",
            format!(
                "the URI's issuer {} is not the pushing issuer {}",
                parsed.issuer_id, rules.issuer_id
            ),
        ));
    }
    if !parsed.doc_type.eq_ignore_ascii_case(doc_type) {
        return Err(err(
            "doc_type",
            format!("{doc_type:?} differs from the URI's doc type {}", parsed.doc_type),
        ));
    }
    if !parsed.doc_id.eq_ignore_ascii_case(doc_id) {
        return Err(err(
            "doc_id",
            format!("{doc_id:?} differs from the URI's doc id {}", parsed.doc_id),
        ));
    }
    if !rules.doc_types.contains(&doc_type.to_ascii_uppercase()) {
        return Err(err(
            "doc_type",
            format!("{doc_type} is not a registered doc type of {}", rules.issuer_id),
        ));
    }
    Ok(())
}

fn check_doc_name(doc_name: &str, required: bool) -> Result<(), RowError> {
    if required && doc_name.is_empty() {
        return Err(err("doc_name", "is empty"));
    }
    if doc_name.chars().count() > 200 {
        return Err(err("doc_name", "is longer than 200 characters"));
    }
    match crate::platform::text::name_problem(doc_name) {
        Some(problem) => Err(err("doc_name", problem)),
        None => Ok(()),
    }
}

/// `valid_from` and `valid_to`, each optional, in order.
fn validity(valid_from: &str, valid_to: &str) -> Result<(Option<Date>, Option<Date>), RowError> {
    let from = optional_date("valid_from", valid_from)?;
    let to = optional_date("valid_to", valid_to)?;
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(err("valid_to", format!("{valid_to} is before valid_from {valid_from}")));
    }
    Ok((from, to))
}

fn optional_date(field: &'static str, value: &str) -> Result<Option<Date>, RowError> {
    if value.is_empty() {
        return Ok(None);
    }
    dates::parse_dmy(value)
        .map(Some)
        .ok_or_else(|| err(field, format!("{value:?} is not a real DD/MM/YYYY date")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AADHAAR: &str = "234123412346";

    fn rules(types: &HashSet<String>) -> RowRules<'_> {
        RowRules {
            issuer_id: "cbse.nic.in",
            doc_types: types,
        }
    }

    fn row(over: &[(usize, &'static str)]) -> [&'static str; 10] {
        let mut r = [
            AADHAAR,
            "cbse.nic.in-MSTN-AB12",
            "MSTN",
            "Marks 2024",
            "AB12",
            "01/05/2024",
            "01/05/2024",
            "",
            "01/05/2024 10:00:00 AM",
            "A",
        ];
        for (i, v) in over {
            r[*i] = v;
        }
        r
    }

    fn field_of(over: &[(usize, &'static str)]) -> &'static str {
        let types: HashSet<String> = ["MSTN".to_string()].into();
        validate(&row(over), &rules(&types)).unwrap_err().field
    }

    #[test]
    fn a_good_row_passes() {
        assert!(crate::platform::aadhaar::verhoeff_valid(AADHAAR.as_bytes()));
        let types: HashSet<String> = ["MSTN".to_string()].into();
        let v = validate(&row(&[]), &rules(&types)).unwrap();
        assert_eq!(v.issued_on.map(dates::iso_date).as_deref(), Some("2024-05-01"));
        assert_eq!(v.valid_to, None);
        assert_eq!(
            v.time_stamp.map(dates::iso_date_time).as_deref(),
            Some("2024-05-01T10:00:00")
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(field_of(&[(0, "234123412345")]), "Aadhaar");
        assert_eq!(field_of(&[(1, "other.in-MSTN-AB12")]), "Uri");
        assert_eq!(field_of(&[(1, "garbage")]), "Uri");
        assert_eq!(field_of(&[(2, "MSTX")]), "doc_type");
        assert_eq!(field_of(&[(1, "cbse.nic.in-OTHER-AB12"), (2, "OTHER")]), "doc_type");
        assert_eq!(field_of(&[(4, "ZZ99")]), "doc_id");
        assert_eq!(field_of(&[(3, "")]), "doc_name");
        assert_eq!(field_of(&[(5, "31/02/2024")]), "issued_on");
        assert_eq!(field_of(&[(6, "2024-05-01")]), "valid_from");
        assert_eq!(field_of(&[(7, "01/01/2024")]), "valid_to");
        assert_eq!(field_of(&[(8, "01/05/2024 10:00:00")]), "time_stamp");
        assert_eq!(field_of(&[(9, "X")]), "Action");
    }

    #[test]
    fn a_delete_needs_only_the_pair() {
        let types: HashSet<String> = ["MSTN".to_string()].into();
        let v = validate(&row(&[(3, ""), (5, ""), (6, ""), (8, ""), (9, "D")]), &rules(&types)).unwrap();
        assert_eq!(v.action, Action::Delete);
    }
}
