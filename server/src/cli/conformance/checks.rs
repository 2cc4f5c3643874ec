//! The checks of the conformance kit, each tied to its clause of Issuer API
//! v1.13. A refusal is a Status 0 answer or an HTTP 401/403 (both are what
//! deployed issuers do).

use super::contents::{self, decoded};
use super::report::Check;
use super::request::{Variant, body, send, signed};
use super::{Exchange, Target, post};
use crate::platform::dates;
use crate::wire::reader::{self, Element};

/// Slowest acceptable answer to a valid search.
const ANSWER_TIME_LIMIT_MS: u128 = 5000;

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
    let data = contents::data_content(&root);
    let issued = contents::issued_to(&root);
    let uri = contents::uri_shape(&root, &target.doc_type);
    let verdicts = [
        ("data-content", "8.1.4 item 16 (DataContent)", data),
        ("issued-to", "8.1.4 items 5 to 11 (IssuedTo)", issued),
        ("uri-shape", "5.1, 7.1 (Document URI)", uri),
    ];
    for (id, clause, (passed, detail)) in verdicts {
        checks.push(check(id, clause, passed, detail, &exchange));
    }
    checks
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
