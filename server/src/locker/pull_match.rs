//! Who a pulled document belongs to: the `IssuedTo/Persons/Person` of a
//! Pull URI answer (Issuer API v1.13 §8.1.4 items 5 to 11) compared with the
//! resident's own details, by the fields a doc type's `--match` names.
//! Nothing is saved unless one `Person` agrees on every field.
//!
//! The name rule, documented in the README: NFKC and case folded; `.`, `,`,
//! `-` and `'` read as spaces; the honorifics Shri, Smt, Kumari, Mr, Mrs, Ms
//! and Dr dropped; then the same tokens in the same order, where a single
//! letter matches a token that starts with it, and two full tokens that
//! differ never match. Its known limit: an initial stands for any name with
//! that letter ("A. Devi" matches "Asha Devi", and "Anita Devi" too).

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;

use crate::platform::error::Error;

/// One field that can be matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Name,
    Dob,
    Gender,
    Mobile,
}

impl Field {
    fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Dob => "dob",
            Field::Gender => "gender",
            Field::Mobile => "mobile",
        }
    }
}

/// What a doc type matches: a set of fields, or none at all (only for doc
/// types whose search sends the UID, so the issuer tied the answer to the
/// Aadhaar number itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchFields(BTreeSet<Field>);

impl MatchFields {
    /// Parses `name,dob` (any case, spaces allowed) or `none`.
    pub fn parse(text: &str) -> Result<MatchFields, Error> {
        let mut fields = BTreeSet::new();
        let words: Vec<String> = text.split(',').map(|w| w.trim().to_ascii_lowercase()).collect();
        if words == ["none"] {
            return Ok(MatchFields(fields));
        }
        for word in &words {
            let field = match word.as_str() {
                "name" => Field::Name,
                "dob" => Field::Dob,
                "gender" => Field::Gender,
                "mobile" => Field::Mobile,
                other => {
                    return Err(Error::Invalid(format!(
                        "--match {other:?}: use a comma list of name, dob, gender, mobile, or none"
                    )));
                }
            };
            fields.insert(field);
        }
        Ok(MatchFields(fields))
    }

    /// Whether nothing is matched (`none`).
    pub fn is_none(&self) -> bool {
        self.0.is_empty()
    }

    /// The canonical text, as stored: `name,dob` or `none`.
    pub fn canonical(&self) -> String {
        if self.0.is_empty() {
            return "none".into();
        }
        self.0.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// A person as the issuer's answer names them; every field may be absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: Option<String>,
    /// `DD-MM-YYYY` as sent.
    pub dob: Option<String>,
    /// `Male`, `Female`, `Other` (or `Transgender`) as sent.
    pub gender: Option<String>,
    pub phone: Option<String>,
}

/// The resident's details that are matched.
pub struct Resident<'a> {
    pub name: &'a str,
    /// `YYYY-MM-DD`.
    pub dob: &'a str,
    /// `M`, `F` or `T`.
    pub gender: Option<&'a str>,
    pub mobile: &'a str,
}

/// Whether any one of `persons` agrees with `resident` on every field.
/// With `none` every answer is accepted; otherwise no person is no match.
pub fn any_person_matches(persons: &[Person], resident: &Resident<'_>, fields: &MatchFields) -> bool {
    fields.is_none() || persons.iter().any(|p| person_matches(p, resident, fields))
}

fn person_matches(person: &Person, resident: &Resident<'_>, fields: &MatchFields) -> bool {
    fields.0.iter().all(|field| match field {
        Field::Name => person.name.as_deref().is_some_and(|n| names_match(n, resident.name)),
        Field::Dob => person.dob.as_deref().is_some_and(|d| dob_matches(d, resident.dob)),
        Field::Gender => person
            .gender
            .as_deref()
            .zip(resident.gender)
            .is_some_and(|(sent, own)| gender_code(sent) == Some(own)),
        Field::Mobile => person
            .phone
            .as_deref()
            .is_some_and(|p| mobiles_match(p, resident.mobile)),
    })
}

/// Honorifics that say nothing about who a person is.
const HONORIFICS: &[&str] = &["shri", "smt", "kumari", "mr", "mrs", "ms", "dr"];

/// The tokens of a name under the rule: NFKC, case folded, punctuation as
/// spaces, honorifics dropped.
fn name_tokens(name: &str) -> Vec<String> {
    let folded: String = name
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| if matches!(c, '.' | ',' | '-' | '\'') { ' ' } else { c })
        .collect();
    folded
        .split_whitespace()
        .filter(|t| !HONORIFICS.contains(t))
        .map(str::to_owned)
        .collect()
}

/// Whether two names are the same person's by the documented rule.
pub fn names_match(a: &str, b: &str) -> bool {
    let (a, b) = (name_tokens(a), name_tokens(b));
    !a.is_empty() && a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| tokens_match(x, y))
}

fn tokens_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let initial = |t: &str| {
        let mut chars = t.chars();
        chars.next().filter(|_| chars.next().is_none())
    };
    match (initial(a), initial(b)) {
        (Some(letter), None) => b.starts_with(letter),
        (None, Some(letter)) => a.starts_with(letter),
        // Two different initials, or two different full tokens.
        _ => false,
    }
}

/// `DD-MM-YYYY` (or `DD/MM/YYYY`) against `YYYY-MM-DD`.
fn dob_matches(sent: &str, own_iso: &str) -> bool {
    let parts: Vec<&str> = sent.trim().split(['-', '/']).collect();
    match parts.as_slice() {
        [d, m, y] if d.len() == 2 && m.len() == 2 && y.len() == 4 => format!("{y}-{m}-{d}") == own_iso,
        _ => false,
    }
}

/// The resident gender code (`M`, `F`, `T`) of a v1.13 `gender` value.
fn gender_code(sent: &str) -> Option<&'static str> {
    match sent.trim().to_ascii_lowercase().as_str() {
        "male" | "m" => Some("M"),
        "female" | "f" => Some("F"),
        "other" | "transgender" | "t" | "o" => Some("T"),
        _ => None,
    }
}

/// The last ten digits of each number agree (so `+91` and a leading 0 pass).
fn mobiles_match(sent: &str, own: &str) -> bool {
    let digits: String = sent.chars().filter(char::is_ascii_digit).collect();
    digits.len() >= 10 && digits[digits.len() - 10..] == *own
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_across_case_spacing_dots_initials_and_honorifics() {
        for (a, b) in [
            ("Asha Devi", "asha devi"),
            ("ASHA  DEVI", "Asha Devi"),
            ("A. Devi", "Asha Devi"),
            ("Smt. Asha Devi", "Asha Devi"),
            ("Shri Ramesh Kumar Sharma", "Ramesh Kumar Sharma"),
            ("R.K. Sharma", "Ramesh Kumar Sharma"),
            ("Dr Venkata Lakshmi Narayana", "V. Lakshmi Narayana"),
            ("Mohd. Irfan", "Mohd Irfan"),
            ("D'Souza Maria", "D Souza Maria"),
            ("Kumari Priya-Ranjan", "Priya Ranjan"),
            ("ＡＳＨＡ ＤＥＶＩ", "Asha Devi"),
            ("सुनीता देवी", "सुनीता  देवी"),
        ] {
            assert!(names_match(a, b), "{a:?} should match {b:?}");
            assert!(names_match(b, a), "{b:?} should match {a:?}");
        }
    }

    #[test]
    fn different_people_never_match() {
        for (a, b) in [
            ("Asha Devi", "Usha Devi"),
            ("Sunil Kumar", "Sunita Kumari"),
            ("Ramesh Kumar Sharma", "Ramesh Sharma"),
            ("Ramesh Sharma", "Sharma Ramesh"),
            ("A. Devi", "B. Devi"),
            ("A. Devi", "Usha Devi"),
            ("Priya", "Priyanka"),
            ("Smt.", "Smt."),
            ("", ""),
            ("सुनीता देवी", "सुनील देवी"),
        ] {
            assert!(!names_match(a, b), "{a:?} must not match {b:?}");
        }
    }

    #[test]
    fn the_known_limit_an_initial_stands_for_any_name_with_that_letter() {
        assert!(names_match("A. Devi", "Asha Devi"));
        assert!(names_match("A. Devi", "Anita Devi"));
    }

    fn resident() -> Resident<'static> {
        Resident {
            name: "Asha Devi",
            dob: "1993-03-25",
            gender: Some("F"),
            mobile: "9873451238",
        }
    }

    fn person(name: &str, dob: &str, gender: &str, phone: &str) -> Person {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Person {
            name: some(name),
            dob: some(dob),
            gender: some(gender),
            phone: some(phone),
        }
    }

    #[test]
    fn one_person_agreeing_on_every_field_is_enough() {
        let all = MatchFields::parse("name, DOB,gender,mobile").unwrap();
        assert_eq!(all.canonical(), "name,dob,gender,mobile");
        let her = person("Smt Asha Devi", "25-03-1993", "Female", "+91 98734 51238");
        let him = person("Sunil Kumar", "31-12-1990", "Male", "9876543210");
        assert!(any_person_matches(&[him.clone(), her.clone()], &resident(), &all));
        assert!(!any_person_matches(std::slice::from_ref(&him), &resident(), &all));
        let wrong_dob = person("Asha Devi", "26-03-1993", "Female", "9873451238");
        assert!(!any_person_matches(std::slice::from_ref(&wrong_dob), &resident(), &all));
        let name = MatchFields::parse("name").unwrap();
        assert!(any_person_matches(&[wrong_dob], &resident(), &name));
        assert!(
            !any_person_matches(&[], &resident(), &name),
            "no IssuedTo is a mismatch"
        );
        let no_gender = person("Asha Devi", "25-03-1993", "", "");
        assert!(!any_person_matches(
            &[no_gender],
            &resident(),
            &MatchFields::parse("gender").unwrap()
        ));
        assert!(any_person_matches(
            &[],
            &resident(),
            &MatchFields::parse("none").unwrap()
        ));
        assert!(MatchFields::parse("name,photo").is_err());
        assert!(MatchFields::parse("").is_err());
    }
}
