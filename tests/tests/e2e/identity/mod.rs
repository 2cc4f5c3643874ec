//! Identity assurance with `openlocker kyc-sim` as the e-KYC provider: the
//! squatter story, two verifications of one number at once, the OTP
//! throttle and txn checks, in-person verification on the CLI and at an
//! issuer's counter. A provider written here from the protocol text:
//! [`super::kyc_provider`].

mod by_otp; // the squatter story, a race of two verifications, the OTP checks and throttle
mod in_person; // in person on the CLI and at an issuer's counter; kyc-sim's fixture checks

use std::sync::{Arc, Barrier};

use crate::support::*;

/// The fixture person whose number the squatter knows.
const OWNER_NAME: &str = "Asha Devi Verma";

fn fixture(numbers: &[&str]) -> String {
    let mut text = String::from("aadhaar,name,dob,gender,mobile\n");
    for n in numbers {
        text.push_str(&format!("{n},{OWNER_NAME},1988-11-23,F,9811112222\n"));
    }
    text
}

/// A locker using a kyc-sim that knows `numbers`.
fn locker_with_sim(numbers: &[&str]) -> (Server, KycSim) {
    let sim = KycSim::start(&fixture(numbers));
    let server = Server::start(&["--kyc-url", &sim.base]);
    (server, sim)
}

fn request_otp(server: &Server, http: &Http) -> serde_json::Value {
    let resp = http.post_json(&server.url("/api/identity/otp"), &serde_json::json!({}));
    assert_eq!(resp.status, 200, "{}", resp.text());
    resp.json()
}

fn send_otp(server: &Server, http: &Http, txn: &str, otp: &str) -> Resp {
    http.post_json(
        &server.url("/api/identity/verify"),
        &serde_json::json!({ "txn": txn, "otp": otp }),
    )
}

fn login(server: &Server, username: &str) -> Resp {
    Http::new().post_json(
        &server.url("/api/login"),
        &serde_json::json!({ "username": username, "password": PASSWORD }),
    )
}

fn activity_kinds(server: &Server, http: &Http) -> Vec<String> {
    let page = http.get(&server.url("/api/activity?limit=200")).json();
    let entries = page["entries"].as_array().unwrap();
    entries.iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

fn open_db(server: &Server) -> openlocker_db::direct::Direct {
    crate::backend::at_rest(&server.data)
}
