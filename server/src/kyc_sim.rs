//! `openlocker kyc-sim`: an e-KYC provider simulator speaking the
//! `kyc_url` protocol (INTERFACE section 10), fed by a fixture file of
//! people. The OTP of every fixture number is `123456`. Tests, the sandbox
//! and partner developers use it in place of a licensed provider.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::{App as ActixApp, HttpResponse, HttpServer, web};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::locker::residents;
use crate::platform::aadhaar::Aadhaar;
use crate::platform::error::Error;

/// The OTP the simulator accepts for every number.
pub const OTP: &str = "123456";
/// How long a simulated OTP stays good.
const OTP_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// One person of the fixture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    /// `YYYY-MM-DD`.
    pub dob: String,
    /// `M`, `F` or `T`.
    pub gender: &'static str,
    pub mobile: String,
}

/// Reads a fixture: CSV rows `aadhaar,name,dob,gender,mobile`, header
/// row optional. Every bad row is refused, by line number, in one error.
pub fn parse_fixture(text: &str) -> Result<HashMap<String, Person>, Error> {
    let mut people = HashMap::new();
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    for (index, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(index as u64 + 1, |p| p.line());
        let outcome = record
            .map_err(|e| format!("not CSV: {e}"))
            .and_then(|r| person(&r.iter().collect::<Vec<_>>()));
        match outcome {
            Ok(None) => {}
            Ok(Some((aadhaar, person))) => {
                if people.insert(aadhaar, person).is_some() {
                    problems.push(format!("line {line}: the Aadhaar number is listed twice"));
                }
            }
            Err(why) => problems.push(format!("line {line}: {why}")),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(format!("bad fixture rows: {}", problems.join("; "))));
    }
    if people.is_empty() {
        return Err(Error::Invalid("the fixture lists no one".into()));
    }
    Ok(people)
}

/// One row: `None` for a header row or an empty line.
fn person(fields: &[&str]) -> Result<Option<(String, Person)>, String> {
    match fields {
        [] | [""] => return Ok(None),
        [first, ..] if first.eq_ignore_ascii_case("aadhaar") => return Ok(None),
        _ => {}
    }
    let [aadhaar, name, dob, gender, mobile] = fields else {
        return Err(format!(
            "{} fields, expected 5 (aadhaar,name,dob,gender,mobile)",
            fields.len()
        ));
    };
    let aadhaar = Aadhaar::parse(aadhaar).map_err(|e| e.to_string())?;
    let name = residents::check_name(name).map_err(|e| e.to_string())?.to_owned();
    let dob = residents::parse_dob(dob).map_err(|e| e.to_string())?;
    let gender = residents::parse_gender(Some(*gender))
        .map_err(|e| e.to_string())?
        .ok_or("the gender is empty (M, F or T)")?;
    if mobile.len() != 10 || !mobile.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("mobile {mobile:?} is not 10 digits"));
    }
    let person = Person {
        name,
        dob,
        gender,
        mobile: (*mobile).to_owned(),
    };
    Ok(Some((aadhaar.digits().to_owned(), person)))
}

/// The simulator's state: the people, and the OTPs sent by txn.
struct Sim {
    people: HashMap<String, Person>,
    sent: Mutex<HashMap<String, Sent>>,
}

struct Sent {
    uid: String,
    at: Instant,
    used: bool,
}

#[derive(Deserialize)]
struct Request {
    uid: String,
    txn: String,
    otp: Option<String>,
}

/// Serves the simulator on `bind` until stopped; prints its address.
pub fn run(bind: &str, fixture: &Path) -> Result<(), Error> {
    let text = std::fs::read_to_string(fixture)
        .map_err(|e| Error::Invalid(format!("cannot read fixture {}: {e}", fixture.display())))?;
    let people = parse_fixture(&text).map_err(|e| Error::Invalid(format!("fixture {}: {e}", fixture.display())))?;
    let count = people.len();
    let sim = web::Data::new(Sim {
        people,
        sent: Mutex::new(HashMap::new()),
    });
    let listener =
        std::net::TcpListener::bind(bind).map_err(|e| Error::Invalid(format!("cannot listen on {bind}: {e}")))?;
    let addr = listener.local_addr()?;
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            ActixApp::new()
                .app_data(sim.clone())
                .app_data(web::JsonConfig::default().limit(4096))
                .route("/otp", web::post().to(otp))
                .route("/verify", web::post().to(verify))
        })
        .workers(1)
        .listen(listener)
        .map_err(|e| Error::Internal(format!("cannot serve on {addr}: {e}")))?;
        println!("openlocker kyc-sim listening on http://{addr} ({count} people, OTP {OTP})");
        server.run().await.map_err(|e| Error::Internal(format!("kyc-sim: {e}")))
    })
}

fn answer(request: &Request, rest: Value) -> HttpResponse {
    let mut body = json!({ "uid": request.uid, "txn": request.txn });
    if let (Some(body), Value::Object(rest)) = (body.as_object_mut(), rest) {
        body.extend(rest);
    }
    HttpResponse::Ok().json(body)
}

async fn otp(sim: web::Data<Sim>, request: web::Json<Request>) -> HttpResponse {
    let Some(person) = sim.people.get(&request.uid) else {
        return answer(&request, json!({ "ok": false, "reason": "unknown_uid" }));
    };
    let sent = Sent {
        uid: request.uid.clone(),
        at: Instant::now(),
        used: false,
    };
    if let Ok(mut all) = sim.sent.lock() {
        all.insert(request.txn.clone(), sent);
    }
    let masked = format!("XXXXXX{}", &person.mobile[6..]);
    answer(&request, json!({ "ok": true, "masked_mobile": masked }))
}

async fn verify(sim: web::Data<Sim>, request: web::Json<Request>) -> HttpResponse {
    let reason = {
        let Ok(mut all) = sim.sent.lock() else {
            return HttpResponse::InternalServerError().finish();
        };
        match all.get_mut(&request.txn) {
            Some(sent) if sent.uid != request.uid => Some("unknown_txn"),
            Some(sent) if sent.used => Some("used_txn"),
            Some(sent) if sent.at.elapsed() > OTP_LIFETIME => Some("expired_otp"),
            Some(_) if request.otp.as_deref() != Some(OTP) => Some("wrong_otp"),
            Some(sent) => {
                sent.used = true;
                None
            }
            None => Some("unknown_txn"),
        }
    };
    match (reason, sim.people.get(&request.uid)) {
        (None, Some(person)) => answer(
            &request,
            json!({ "ok": true, "name": person.name, "dob": person.dob, "gender": person.gender }),
        ),
        (reason, _) => answer(
            &request,
            json!({ "ok": false, "reason": reason.unwrap_or("unknown_uid") }),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "499118665246";

    #[test]
    fn a_fixture_with_a_header_and_good_rows_reads() {
        let people = parse_fixture(&format!(
            "aadhaar,name,dob,gender,mobile\n{GOOD},Asha Devi,1990-04-01,F,9876543210\n"
        ))
        .unwrap();
        assert_eq!(people[GOOD].name, "Asha Devi");
        assert_eq!(people[GOOD].gender, "F");
    }

    #[test]
    fn bad_rows_are_refused_by_line_number() {
        let text = format!(
            "aadhaar,name,dob,gender,mobile\n{GOOD},Asha Devi,1990-04-01,F,9876543210\n\
             123456789012,Bad Check,1990-04-01,F,9876543210\n{GOOD},Twice,1990-04-01,F,9876543210\n\
             499118665246,Short\n"
        );
        let err = parse_fixture(&text).unwrap_err().to_string();
        assert!(err.contains("line 3:"), "{err}");
        assert!(err.contains("line 4: the Aadhaar number is listed twice"), "{err}");
        assert!(err.contains("line 5: 2 fields"), "{err}");
        assert!(!err.contains("line 2:"), "{err}");
    }

    #[test]
    fn bad_dates_genders_and_mobiles_are_named() {
        for (row, needle) in [
            (format!("{GOOD},A,1990-13-01,F,9876543210"), "date of birth"),
            (format!("{GOOD},A,1990-01-01,X,9876543210"), "gender"),
            (format!("{GOOD},A,1990-01-01,M,98765"), "mobile"),
            (format!("{GOOD},,1990-01-01,M,9876543210"), "name"),
        ] {
            let err = parse_fixture(&row).unwrap_err().to_string();
            assert!(err.contains("line 1:") && err.contains(needle), "{row}: {err}");
        }
    }
}
