//! The checks of the conformance kit, each tied to its clause of Issuer API
//! v1.13. A refusal is a Status 0 answer or an HTTP 401/403 (both are what
//! deployed issuers do).

use base64::Engine;

use super::report::Check;
use super::{Exchange, Target, post};
use crate::locker::issuer_client::{Search, UidMd5, request_xml};
use crate::platform::{crypto, dates};
use crate::wire::auth as wire_auth;
use crate::wire::envelope::Signature;
use crate::wire::reader::{self, Element};

/// Slowest acceptable answer to a valid search.
const ANSWER_TIME_LIMIT_MS: u128 = 5000;

/// How one request differs from a valid one.
#[derive(Default, Clone)]
struct Variant {
    format: Option<&'static str>,
    /// Use this key for the keyhash (a wrong one).
    keyhash_key: Option<&'static str>,
    /// Sign the body with this key instead (a wrong one).
    hmac_key: Option<&'static str>,
    no_hmac: bool,
    ts: Option<String>,
    /// Search fields that match nothing.
    no_match: bool,
    /// Send the first field (or UID) through one internal entity.
    entity: bool,
}

/// The DigiLocker id the kit searches as (36 characters, fixed).
const KIT_DIGILOCKER_ID: &str = "00000000-0000-4000-8000-00000c0f0c17";

/// A request body as `variant` says, with its `ts` and `txn`.
fn body(target: &Target, variant: &Variant) -> (String, String, String) {
    let ts = variant.ts.clone().unwrap_or_else(dates::now_ts);
    let txn = crypto::random_hex(10);
    let key = variant.keyhash_key.unwrap_or(&target.api_key);
    let keyhash = crypto::sha256_hex(&[key.as_bytes(), ts.as_bytes()]);
    let nobody = UidMd5::nobody();
    let fields: Vec<(String, String)> = if variant.no_match {
        let nothing = |(name, _): &(String, String)| (name.clone(), format!("NOMATCH{}", crypto::random_hex(4)));
        target.fields.iter().map(nothing).collect()
    } else {
        target.fields.clone()
    };
    let uid = match (&target.uid, variant.no_match) {
        (Some(_), true) => Some(&nobody),
        (uid, _) => uid.as_ref(),
    };
    let search = Search {
        doc_type: &target.doc_type,
        digilocker_id: KIT_DIGILOCKER_ID,
        uid,
        full_name: target.full_name.as_deref(),
        dob: target.dob.as_deref(),
        fields: &fields,
    };
    let signature = Signature {
        org_id: target.org_id.clone(),
        ts: ts.clone(),
        txn: txn.clone(),
        keyhash,
    };
    let xml = request_xml(&search, &signature, variant.format.unwrap_or("both"));
    let first = fields.first().map(|(name, _)| name.as_str()).or(uid.map(|_| "UID"));
    let xml = match first {
        Some(element) if variant.entity => with_entity(&xml, element),
        _ => xml,
    };
    (xml, ts, txn)
}

/// Moves the text of `element` into one small internal entity and puts a
/// reference to it in its place: an issuer that expands entities sees the
/// same search.
fn with_entity(xml: &str, element: &str) -> String {
    let open = format!("<{element}>");
    let (Some(at), Some(root)) = (xml.find(&open), xml.find("<PullURIRequest")) else {
        return xml.to_owned();
    };
    let start = at + open.len();
    let end = start + xml[start..].find(&format!("</{element}>")).unwrap_or(0);
    // Already escaped by the serialiser, so valid entity text once quotes are.
    let value = xml[start..end].replace('"', "&quot;");
    format!(
        "{}<!DOCTYPE PullURIRequest [<!ENTITY probe \"{value}\">]>{}&probe;{}",
        &xml[..root],
        &xml[root..start],
        &xml[end..]
    )
}

/// Sends a request as `variant` says.
fn send(target: &Target, variant: &Variant) -> (Exchange, String, String) {
    let (xml, ts, txn) = body(target, variant);
    let hmac = signed(target, variant, &xml);
    (post(target, &xml, hmac.as_deref()), ts, txn)
}

fn signed(target: &Target, variant: &Variant, xml: &str) -> Option<String> {
    if variant.no_hmac {
        return None;
    }
    let key = variant.hmac_key.unwrap_or(&target.api_key);
    // An issuer set to `none` gets no header, except the deliberately wrong one.
    let encoding = match (target.hmac, variant.hmac_key) {
        (Some(encoding), _) => encoding,
        (None, Some(_)) => wire_auth::HmacEncoding::Raw,
        (None, None) => return None,
    };
    Some(wire_auth::body_hmac(key.as_bytes(), xml.as_bytes(), encoding))
}

/// An answer read: its root and status.
struct Read {
    root: Option<Element>,
    status: Option<String>,
}

fn read(exchange: &Exchange) -> Read {
    let root = reader::parse(exchange.body.as_bytes()).ok();
    let status = root
        .as_ref()
        .and_then(|r| r.find("ResponseStatus"))
        .map(|s| s.attribute("Status").unwrap_or(&s.text).trim().to_owned());
    Read { root, status }
}

/// Whether the issuer refused: HTTP 401/403, or Status 0.
fn refused(exchange: &Exchange, read: &Read) -> bool {
    matches!(exchange.status, 401 | 403) || (exchange.status == 200 && read.status.as_deref() == Some("0"))
}

fn outcome(exchange: &Exchange, read: &Read) -> String {
    match (&exchange.failure, &read.status) {
        (Some(failure), _) => format!("no answer: {failure}"),
        (None, Some(status)) => format!("HTTP {}, Status {status}", exchange.status),
        (None, None) => format!("HTTP {}, no ResponseStatus", exchange.status),
    }
}

fn check(id: &'static str, clause: &'static str, passed: bool, detail: String, exchange: &Exchange) -> Check {
    Check {
        id,
        clause,
        passed,
        detail,
        sent: exchange.sent.clone(),
        got: format!("HTTP {}\n\n{}", exchange.status, exchange.body),
    }
}

/// A check that the issuer refuses a request.
fn refusal(target: &Target, id: &'static str, clause: &'static str, variant: Variant, what: &str) -> Check {
    let (exchange, _, _) = send(target, &variant);
    let read = read(&exchange);
    let passed = refused(&exchange, &read);
    let verdict = if passed { "refused" } else { "NOT refused" };
    let detail = format!("{what}: {verdict} ({})", outcome(&exchange, &read));
    check(id, clause, passed, detail, &exchange)
}

/// Every check, in order.
pub fn all(target: &Target) -> Vec<Check> {
    let mut checks = valid(target);
    let replay = replayed(target);
    checks.push(replay);
    checks.push(refusal(
        target,
        "wrong-keyhash",
        "8.1.2 item 3 (KeyHash)",
        Variant {
            keyhash_key: Some("not-the-api-key"),
            ..Variant::default()
        },
        "keyhash made with another key",
    ));
    let stale = dates::ts_at(time::OffsetDateTime::now_utc() - time::Duration::hours(2));
    checks.push(refusal(
        target,
        "stale-ts",
        "8.1.2 item 2 (ts)",
        Variant {
            ts: Some(stale),
            ..Variant::default()
        },
        "ts two hours old, keyhash correct for it",
    ));
    checks.push(refusal(
        target,
        "missing-hmac",
        "8.1.1 (x-digilocker-hmac)",
        Variant {
            no_hmac: true,
            ..Variant::default()
        },
        "no x-digilocker-hmac header",
    ));
    checks.push(refusal(
        target,
        "wrong-hmac",
        "8.1.1 (x-digilocker-hmac)",
        Variant {
            hmac_key: Some("not-the-api-key"),
            ..Variant::default()
        },
        "x-digilocker-hmac made with another key",
    ));
    checks.extend(formats(target));
    checks.push(no_match(target));
    checks.push(entities(target));
    checks
}

/// `valid-request`, `echo-ts-txn`, `answer-time`, `data-content`,
/// `issued-to` and `uri-shape`, from one valid search.
fn valid(target: &Target) -> Vec<Check> {
    let (exchange, ts, txn) = send(target, &Variant::default());
    let read = read(&exchange);
    let ok = exchange.status == 200 && read.status.as_deref() == Some("1");
    let mut checks = vec![check(
        "valid-request",
        "8.1.1, 8.1.2",
        ok,
        format!("a valid search: {}", outcome(&exchange, &read)),
        &exchange,
    )];
    let status = read.root.as_ref().and_then(|r| r.find("ResponseStatus"));
    let echoed = |name: &str| status.and_then(|s| s.attribute(name)).unwrap_or_default().to_owned();
    let (got_ts, got_txn) = (echoed("ts"), echoed("txn"));
    checks.push(check(
        "echo-ts-txn",
        "8.1.4 items 1 and 2",
        got_ts == ts && got_txn == txn,
        format!("sent ts {ts:?} txn {txn:?}; got ts {got_ts:?} txn {got_txn:?}"),
        &exchange,
    ));
    let ms = exchange.took.as_millis();
    checks.push(check(
        "answer-time",
        "8.1.3 (synchronous answer)",
        exchange.failure.is_none() && ms <= ANSWER_TIME_LIMIT_MS,
        format!("answered in {ms} ms (limit {ANSWER_TIME_LIMIT_MS} ms)"),
        &exchange,
    ));
    let root = read.root.unwrap_or_default();
    checks.push(data_content(&root, &exchange));
    checks.push(issued_to(&root, &exchange));
    checks.push(uri_shape(&root, &target.doc_type, &exchange));
    checks
}

fn decoded(root: &Element, name: &str) -> Option<Vec<u8>> {
    let text: String = root.find(name)?.text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()
        .filter(|b| !b.is_empty())
}

fn data_content(root: &Element, exchange: &Exchange) -> Check {
    let (passed, detail) = match decoded(root, "DataContent") {
        None => (false, "DataContent is missing, empty or not base64".to_owned()),
        Some(xml) => match reader::parse(&xml) {
            Ok(cert) => (true, format!("DataContent is well-formed XML, root <{}>", cert.name)),
            Err(e) => (false, format!("DataContent is not well-formed XML: {e}")),
        },
    };
    check("data-content", "8.1.4 item 16 (DataContent)", passed, detail, exchange)
}

fn issued_to(root: &Element, exchange: &Exchange) -> Check {
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
    let (passed, detail) = if persons.is_empty() {
        (false, "no IssuedTo/Persons/Person".to_owned())
    } else if problems.is_empty() {
        (
            true,
            format!("{} Person element(s) with name, dob and gender", persons.len()),
        )
    } else {
        (false, problems.join("; "))
    };
    check("issued-to", "8.1.4 items 5 to 11 (IssuedTo)", passed, detail, exchange)
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

fn uri_shape(root: &Element, doc_type: &str, exchange: &Exchange) -> Check {
    let uri = root.find("URI").map(|u| u.text.trim().to_owned()).unwrap_or_default();
    let parts: Vec<&str> = uri.rsplitn(3, '-').collect();
    let (passed, detail) = match parts.as_slice() {
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
    };
    check("uri-shape", "5.1, 7.1 (Document URI)", passed, detail, exchange)
}

/// `format-xml`, `format-pdf`, `format-both`: DocContent only for pdf and
/// both, DataContent always.
fn formats(target: &Target) -> Vec<Check> {
    [
        ("format-xml", "xml", false),
        ("format-pdf", "pdf", true),
        ("format-both", "both", true),
    ]
    .into_iter()
    .map(|(id, format, wants_pdf)| {
        let variant = Variant {
            format: Some(format),
            ..Variant::default()
        };
        let (exchange, _, _) = send(target, &variant);
        let root = read(&exchange).root.unwrap_or_default();
        let pdf = decoded(&root, "DocContent");
        let data = decoded(&root, "DataContent").is_some();
        let pdf_ok = match (&pdf, wants_pdf) {
            (Some(bytes), true) => bytes.starts_with(b"%PDF-"),
            (None, false) => true,
            _ => false,
        };
        let detail = format!(
            "format={format}: DocContent {}, DataContent {}",
            match &pdf {
                Some(b) if b.starts_with(b"%PDF-") => "a PDF",
                Some(_) => "present but not a PDF",
                None => "absent",
            },
            if data { "present" } else { "absent" }
        );
        check(
            id,
            "8.1.2 item 6, 8.1.4 items 15 and 16",
            pdf_ok && data,
            detail,
            &exchange,
        )
    })
    .collect()
}

/// The same valid request sent twice: the second is a replay.
fn replayed(target: &Target) -> Check {
    let (xml, _, txn) = body(target, &Variant::default());
    let hmac = signed(target, &Variant::default(), &xml);
    let first = post(target, &xml, hmac.as_deref());
    let again = post(target, &xml, hmac.as_deref());
    let read = read(&again);
    let passed = refused(&again, &read);
    let detail = format!(
        "the same request (txn {txn}) sent twice: first HTTP {}, second {}",
        first.status,
        if passed {
            format!("refused ({})", outcome(&again, &read))
        } else {
            format!("NOT refused ({})", outcome(&again, &read))
        }
    );
    check("replayed-txn", "8.1.2 item 4 (txn)", passed, detail, &again)
}

fn no_match(target: &Target) -> Check {
    let variant = Variant {
        no_match: true,
        ..Variant::default()
    };
    let (exchange, _, _) = send(target, &variant);
    let read = read(&exchange);
    let passed = exchange.status == 200 && read.status.as_deref() == Some("0");
    let detail = format!("search values that match nothing: {}", outcome(&exchange, &read));
    check("no-match", "8.1.4 item 3 (Status 0)", passed, detail, &exchange)
}

/// One small internal entity standing for the real search value: an issuer
/// that expands entities finds the document (Status 1).
fn entities(target: &Target) -> Check {
    let variant = Variant {
        entity: true,
        ..Variant::default()
    };
    let (exchange, _, _) = send(target, &variant);
    let read = read(&exchange);
    let expanded = exchange.status == 200 && read.status.as_deref() == Some("1");
    let detail = if expanded {
        "the internal entity was expanded and the document found: this parser would expand an entity bomb".to_owned()
    } else {
        format!(
            "DOCTYPE with one internal entity not expanded ({})",
            outcome(&exchange, &read)
        )
    };
    check(
        "entities-refused",
        "XML hardening (no clause)",
        !expanded,
        detail,
        &exchange,
    )
}
