//! Identity verification by e-KYC OTP through the provider at `kyc_url`
//! (INTERFACE section 10): the locker makes a txn, asks the provider to
//! send an OTP for the resident's Aadhaar number, and accepts a verify
//! result only for that txn, for that resident, once, unexpired, and only
//! when the answer echoes the number and the txn it was asked about.
//! Wrong OTPs are throttled (5, then 429). OTPs are never logged.

use openlocker_db::residents as residents_db;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::locker::activity::{self, Client, Kind};
use crate::locker::identity::{self, IdentityView};
use crate::locker::{residents, throttle};
use crate::platform::crypto::Purpose;
use crate::platform::dates;
use crate::platform::error::Error;
use crate::wire::upstream::{self, Call};

/// How long an OTP request stays good, in seconds.
const TXN_SECONDS: i64 = 10 * 60;
/// Wrong OTPs (and, separately, OTPs asked for) per resident within
/// `login_throttle_minutes` before 429.
const OTP_LIMIT: u32 = 5;
/// Largest provider answer read.
const MAX_ANSWER: u64 = 64 * 1024;

/// What `POST /api/identity/otp` answers.
#[derive(Debug, Serialize)]
pub struct OtpSent {
    pub txn: String,
    /// The provider's masked mobile, e.g. `XXXXXX1234`.
    pub masked_mobile: String,
}

#[derive(Serialize)]
struct OtpRequest<'a> {
    uid: &'a str,
    txn: &'a str,
}

#[derive(Serialize)]
struct VerifyRequest<'a> {
    uid: &'a str,
    txn: &'a str,
    otp: &'a str,
}

/// Every answer of the provider: `ok` and the echoed `uid` and `txn`, with
/// `masked_mobile` (otp) or the person's details (verify) on success, and
/// `reason` on failure.
#[derive(Deserialize)]
struct Answer {
    ok: bool,
    uid: Option<String>,
    txn: Option<String>,
    reason: Option<String>,
    masked_mobile: Option<String>,
    name: Option<String>,
    dob: Option<String>,
    gender: Option<String>,
}

/// Asks the provider to send an OTP for the resident's Aadhaar number.
pub fn request_otp(app: &App, resident_id: i64, client: &Client) -> Result<OtpSent, Error> {
    let (url, uid) = prepare(app, resident_id)?;
    let sent_key = format!("otp-sent:{resident_id}");
    throttle::check_for(app, &[(&sent_key, OTP_LIMIT)], "OTP requests")?;
    let txn = crate::platform::crypto::random_hex(16);
    let now = dates::unix_now();
    residents_db::insert_kyc_txn(&app.db, &txn, resident_id, now, now + TXN_SECONDS)?;
    let answer = call(
        app,
        &format!("{url}/otp"),
        &OtpRequest { uid: &uid, txn: &txn },
        &uid,
        &txn,
    )?;
    if !answer.ok {
        return Err(refused(answer.reason.as_deref()));
    }
    // Counted once a message went out: each one reaches the number's real
    // owner, whoever asked.
    throttle::failed(app, &[&sent_key])?;
    let masked_mobile = answer
        .masked_mobile
        .filter(|m| (4..=16).contains(&m.len()) && m.bytes().all(|b| b.is_ascii_digit() || b"Xx*".contains(&b)))
        .ok_or_else(|| garbage("its OTP answer has no masked mobile number"))?;
    activity::record(app, resident_id, Kind::OtpSent, &format!("to {masked_mobile}"), client)?;
    Ok(OtpSent { txn, masked_mobile })
}

/// Checks `otp` for the locker's `txn` with the provider; on success the
/// provider's name, date of birth and gender become the resident's.
pub fn verify_otp(app: &App, resident_id: i64, txn: &str, otp: &str, client: &Client) -> Result<IdentityView, Error> {
    let (url, uid) = prepare(app, resident_id)?;
    let wrong_key = format!("otp-wrong:{resident_id}");
    throttle::check_for(app, &[(&wrong_key, OTP_LIMIT)], "wrong OTPs")?;
    let otp = otp.trim();
    if !(4..=8).contains(&otp.len()) || !otp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidField {
            field: "otp",
            message: "an OTP is 4 to 8 digits".into(),
        });
    }
    check_txn(app, resident_id, txn)?;
    let answer = call(
        app,
        &format!("{url}/verify"),
        &VerifyRequest { uid: &uid, txn, otp },
        &uid,
        txn,
    )?;
    if !answer.ok {
        throttle::failed(app, &[&wrong_key])?;
        let reason = answer.reason.as_deref().unwrap_or("");
        activity::record(app, resident_id, Kind::OtpFailed, reason_text(reason), client)?;
        return Err(refused(Some(reason)));
    }
    let (name, dob, gender) = details(&answer)?;
    let verification = residents_db::Verification {
        name: &name,
        dob: &dob,
        gender,
        method: "ekyc",
        by: "e-KYC OTP",
        kyc_txn: Some(txn),
        now: dates::unix_now(),
    };
    let view = identity::verify(
        app,
        resident_id,
        &verification,
        "identity verified by e-KYC OTP",
        client,
    )?;
    throttle::succeeded(app, &wrong_key)?;
    Ok(view)
}

/// The provider's URL and the resident's Aadhaar number, once the
/// resident may ask (not verified yet, and e-KYC is set up).
fn prepare(app: &App, resident_id: i64) -> Result<(String, String), Error> {
    let url = app.settings.kyc_url.as_deref().ok_or_else(|| {
        Error::Unavailable("OTP verification is not set up on this locker; verify in person at a counter".into())
    })?;
    let resident = residents_db::by_id(&app.db, resident_id)?
        .ok_or_else(|| Error::Unauthorized("the locker no longer exists".into()))?;
    if resident.identity.is_verified() {
        return Err(Error::Conflict("your identity is already verified".into()));
    }
    if resident.closed_at.is_some() {
        return Err(identity::claimed_error());
    }
    let uid = String::from_utf8(app.keys.open(Purpose::Aadhaar, &resident.aadhaar_enc)?)
        .map_err(|_| Error::Internal("a sealed Aadhaar number is not text".into()))?;
    Ok((url.trim_end_matches('/').to_owned(), uid))
}

fn check_txn(app: &App, resident_id: i64, txn: &str) -> Result<(), Error> {
    let found = residents_db::kyc_txn(&app.db, txn, resident_id)?.ok_or_else(|| Error::InvalidField {
        field: "txn",
        message: "this OTP request is not one this locker made for you; ask for a new OTP".into(),
    })?;
    if found.used_at.is_some() {
        return Err(Error::Invalid("this OTP was already used; ask for a new one".into()));
    }
    if found.expires_at < dates::unix_now() {
        return Err(Error::Invalid("this OTP request has expired; ask for a new OTP".into()));
    }
    Ok(())
}

/// POSTs `body` to the provider and reads its answer, which must echo
/// `uid` and `txn`: an answer about anyone or anything else is refused.
fn call(app: &App, url: &str, body: &impl Serialize, uid: &str, txn: &str) -> Result<Answer, Error> {
    let body = serde_json::to_string(body).map_err(|e| Error::Internal(format!("e-KYC request: {e}")))?;
    let call = Call {
        content_type: "application/json",
        headers: &[],
        timeout: app.settings.kyc_timeout_seconds,
        max_answer: MAX_ANSWER,
        // The operator set kyc_url: it may be loopback or private.
        reach: crate::platform::address_policy::Reach::Any,
    };
    let text = upstream::post(url, &body, "the e-KYC provider", &call).map_err(|e| match e {
        Error::Upstream(why) => Error::Upstream(format!("{why}; nothing was changed, try again later")),
        Error::UpstreamTimeout(why) => Error::UpstreamTimeout(format!("{why}; nothing was changed, try again later")),
        other => other,
    })?;
    let answer: Answer =
        serde_json::from_str(&text).map_err(|_| garbage("it answered something that is not the e-KYC protocol"))?;
    if answer.uid.as_deref() != Some(uid) || answer.txn.as_deref() != Some(txn) {
        tracing::warn!("the e-KYC provider answered for another Aadhaar number or txn; ignored");
        return Err(garbage("it answered about another person or request"));
    }
    Ok(answer)
}

/// The person's details from a successful verify answer, checked.
fn details(answer: &Answer) -> Result<(String, String, Option<&'static str>), Error> {
    let bad = |what: &str| garbage(&format!("its answer has no valid {what}"));
    let name = residents::check_name(answer.name.as_deref().unwrap_or("")).map_err(|_| bad("name"))?;
    let dob = residents::parse_dob(answer.dob.as_deref().unwrap_or("")).map_err(|_| bad("date of birth"))?;
    let gender = residents::parse_gender(answer.gender.as_deref()).map_err(|_| bad("gender"))?;
    Ok((name.to_owned(), dob, gender))
}

fn garbage(why: &str) -> Error {
    Error::Upstream(format!(
        "the e-KYC provider failed: {why}; nothing was changed, try again later"
    ))
}

fn reason_text(reason: &str) -> &'static str {
    match reason {
        "expired_otp" => "the OTP has expired",
        "unknown_uid" => "the provider does not know this Aadhaar number",
        "unknown_txn" | "used_txn" => "the provider does not know this OTP request",
        _ => "the OTP is wrong",
    }
}

/// A provider's "no", as the resident reads it.
fn refused(reason: Option<&str>) -> Error {
    let text = reason_text(reason.unwrap_or(""));
    let advice = match reason {
        Some("unknown_uid") => "; verify in person at a counter",
        Some("expired_otp" | "unknown_txn" | "used_txn") => "; ask for a new OTP",
        _ => "; check the OTP and try again",
    };
    Error::InvalidField {
        field: "otp",
        message: format!("{text}{advice}"),
    }
}
