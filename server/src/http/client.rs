//! The client of a request, for the activity log and sign-in throttling.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload};

use crate::locker::activity::Client;
use crate::platform::error::Error;

/// The peer address of the connection, never a forwarded-for header, which
/// any client could forge to dodge the address throttle.
impl FromRequest for Client {
    type Error = Error;
    type Future = Ready<Result<Client, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let ip = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
        let user_agent = req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        ready(Ok(Client { ip, user_agent }))
    }
}
