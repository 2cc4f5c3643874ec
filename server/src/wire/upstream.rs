//! Calls to other parties' APIs: the locker calling an issuer's
//! repository (Pull Doc) or its e-KYC provider, and the repository pushing
//! to a locker. Every
//! call has a time limit, follows no redirect, and reports a failure as
//! `Upstream` (502) or `UpstreamTimeout` (504) with a plain reason.

use std::time::Duration;

use crate::app::App;
use crate::platform::address_policy::{self, Reach};
use crate::platform::error::Error;

/// Largest answer read from another party (a Pull Doc answer carries a
/// whole document in base64).
const MAX_ANSWER: u64 = 64 * 1024 * 1024;

/// POSTs an XML body to `url`, with `headers` besides its content type, and
/// returns the answer's text. `who` names the other party in error messages
/// ("issuer cbse.nic.in"); `reach` is where the URL may lead
/// ([`crate::platform::address_policy`]).
pub fn post_xml(
    app: &App,
    url: &str,
    body: &str,
    headers: &[(&str, &str)],
    who: &str,
    reach: Reach,
) -> Result<String, Error> {
    let call = Call {
        content_type: "application/xml",
        headers,
        timeout: app.settings.upstream_timeout_seconds,
        max_answer: MAX_ANSWER,
        reach,
    };
    post(url, body, who, &call)
}

/// How a [`post`] is made.
pub struct Call<'a> {
    pub content_type: &'static str,
    /// Headers besides the content type.
    pub headers: &'a [(&'a str, &'a str)],
    /// Seconds the whole call may take.
    pub timeout: u64,
    /// Largest answer read, in bytes.
    pub max_answer: u64,
    /// Where the URL may lead.
    pub reach: Reach,
}

/// Why a request got no answer: the address policy, a timeout, or the network.
fn send_failed(e: ureq::Error, blocked: bool, who: &str, timeout: u64) -> Error {
    match e {
        _ if blocked => Error::Upstream(format!(
            "{who}'s URL leads to a private, link-local or loopback address, which the locker does not call"
        )),
        ureq::Error::Timeout(_) => Error::UpstreamTimeout(format!("{who} did not answer within {timeout} seconds")),
        e => Error::Upstream(format!("{who} is unavailable: {e}")),
    }
}

/// POSTs `body` to `url` as `call` says and returns the answer's text.
pub fn post(url: &str, body: &str, who: &str, call: &Call<'_>) -> Result<String, Error> {
    let timeout = call.timeout;
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(timeout)))
        .http_status_as_error(false)
        .max_redirects(0)
        .build();
    let (agent, blocked) = address_policy::agent(config, call.reach);
    let mut request = agent.post(url).header("Content-Type", call.content_type);
    for (name, value) in call.headers {
        request = request.header(*name, *value);
    }
    let response = request.send(body);
    let blocked = blocked.load(std::sync::atomic::Ordering::Relaxed);
    let mut response = response.map_err(|e| send_failed(e, blocked, who, timeout))?;
    let status = response.status();
    let text = response
        .body_mut()
        .with_config()
        .limit(call.max_answer)
        .read_to_string()
        .map_err(|e| match e {
            ureq::Error::Timeout(_) => Error::UpstreamTimeout(format!("{who} did not answer within {timeout} seconds")),
            ureq::Error::BodyExceedsLimit(_) => Error::Upstream(format!(
                "{who} sent an answer larger than {} MB, which is refused",
                call.max_answer / (1024 * 1024)
            )),
            other => Error::Upstream(format!("{who} sent an answer that could not be read: {other}")),
        })?;
    if status.as_u16() == 401 || status.as_u16() == 403 {
        return Err(Error::Upstream(format!(
            "{who} refused our credentials (HTTP {}): its orgId, API key or HMAC setting may be wrong",
            status.as_u16()
        )));
    }
    if !status.is_success() {
        return Err(Error::Upstream(format!("{who} answered HTTP {}", status.as_u16())));
    }
    Ok(text)
}
