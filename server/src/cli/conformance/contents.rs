//! The verdicts on what a valid answer holds: its certificate XML, its
//! IssuedTo persons and its document URI, each as `(passed, detail)`.

use base64::Engine;

use crate::wire::reader::{self, Element};

/// The base64 content of element `name`, decoded, when it is there and not empty.
pub(super) fn decoded(root: &Element, name: &str) -> Option<Vec<u8>> {
    let text: String = root.find(name)?.text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()
        .filter(|b| !b.is_empty())
}

/// `data-content`: DataContent is base64 of well-formed XML.
pub(super) fn data_content(root: &Element) -> (bool, String) {
    match decoded(root, "DataContent") {
        None => (false, "DataContent is missing, empty or not base64".to_owned()),
        Some(xml) => match reader::parse(&xml) {
            Ok(cert) => (true, format!("DataContent is well-formed XML, root <{}>", cert.name)),
            Err(e) => (false, format!("DataContent is not well-formed XML: {e}")),
        },
    }
}

/// `issued-to`: every IssuedTo person has a name, a DD-MM-YYYY dob and a gender.
pub(super) fn issued_to(root: &Element) -> (bool, String) {
    let persons: Vec<&Element> = root
        .find("IssuedTo")
        .and_then(|i| i.child("Persons"))
        .map(|p| {
            p.children
                .iter()
                .filter(|c| c.name.eq_ignore_ascii_case("Person"))
                .collect()
        })
        .unwrap_or_default();
    let problems: Vec<String> = persons
        .iter()
        .enumerate()
        .filter_map(|(i, p)| person_problem(p).map(|e| format!("Person {}: {e}", i + 1)))
        .collect();
    if persons.is_empty() {
        (false, "no IssuedTo/Persons/Person".to_owned())
    } else if problems.is_empty() {
        (
            true,
            format!("{} Person element(s) with name, dob and gender", persons.len()),
        )
    } else {
        (false, problems.join("; "))
    }
}

fn person_problem(person: &Element) -> Option<String> {
    if person.attribute("name").is_none_or(str::is_empty) {
        return Some("name is missing".into());
    }
    let dob = person.attribute("dob").unwrap_or_default();
    let b = dob.as_bytes();
    let dmy = b.len() == 10 && b[2] == b'-' && b[5] == b'-' && dob.replace('-', "").bytes().all(|c| c.is_ascii_digit());
    if !dmy {
        return Some(format!("dob {dob:?} is not DD-MM-YYYY"));
    }
    match person.attribute("gender") {
        Some("Male" | "Female" | "Other") => None,
        other => Some(format!("gender {other:?} is not Male, Female or Other")),
    }
}

/// `uri-shape`: the URI is IssuerId-DocType-DocId.
pub(super) fn uri_shape(root: &Element, doc_type: &str) -> (bool, String) {
    let uri = root.find("URI").map(|u| u.text.trim().to_owned()).unwrap_or_default();
    let parts: Vec<&str> = uri.rsplitn(3, '-').collect();
    match parts.as_slice() {
        [doc_id, code, issuer] if code.eq_ignore_ascii_case(doc_type) && !issuer.is_empty() => {
            let alnum = !doc_id.is_empty() && doc_id.bytes().all(|b| b.is_ascii_alphanumeric());
            let note = if doc_id.len() > 10 {
                " (DocId longer than the recommended 10)"
            } else {
                ""
            };
            (alnum, format!("URI {uri:?} is IssuerId-{doc_type}-DocId{note}"))
        }
        _ => (false, format!("URI {uri:?} is not IssuerId-{doc_type}-DocId")),
    }
}
