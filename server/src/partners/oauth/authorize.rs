//! `GET /1/authorize`: the checks of an authorize request, in the order RFC
//! 6749 §4.1.2.1 sets. An unknown client or a redirect URI that is not
//! registered exactly is shown an error page and never followed (no open
//! redirect); any other fault goes back to the client's redirect URI with
//! `error` and the `state`. A good request is stored, server side, until the
//! resident decides on the consent screen.

use openlocker_db::oauth::{self as db, AuthRequest};
use serde::Deserialize;

use super::{CODE_SECONDS, DEFAULT_CONSENT_SECONDS, MAX_CONSENT_SECONDS, is_pkce_text, new_secret, secret_hash};
use crate::app::App;
use crate::partners::registry;
use crate::platform::dates;
use crate::platform::error::{Error, OAuthCode};

/// The query of an authorize request, as sent.
#[derive(Debug, Default, Deserialize)]
pub struct AuthorizeQuery {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub scope: Option<String>,
    pub purpose: Option<String>,
    pub consent_valid_till: Option<String>,
    pub dl_flow: Option<String>,
    pub nonce: Option<String>,
}

/// Where an authorize request goes next.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// To the consent screen of the web app (this path and query).
    Consent(String),
    /// Back to the client with an error (a full URL).
    Refused(String),
    /// Nowhere: an error page with this text.
    ErrorPage(String),
}

/// The longest `state`, `nonce` and `purpose` kept.
const MAX_PARAM: usize = 512;

/// Checks the request and stores it for the consent screen.
pub fn authorize(app: &App, query: &AuthorizeQuery) -> Result<Step, Error> {
    let Some(client_id) = query.client_id.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(Step::ErrorPage("The request names no client_id.".into()));
    };
    let client = match registry::get(app, client_id) {
        Ok(client) => client,
        Err(Error::NotFound(_)) => {
            return Ok(Step::ErrorPage(format!("There is no application {client_id:?} here.")));
        }
        Err(other) => return Err(other),
    };
    let redirect_uri = query.redirect_uri.as_deref().unwrap_or_default();
    if !client.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Ok(Step::ErrorPage(format!(
            "The redirect_uri is not one that {} registered, so this sign-in cannot go on.",
            client.name
        )));
    }
    let request = match checked(query, &client.app_id, redirect_uri) {
        Ok(request) => request,
        Err(error) => {
            let state = query.state.as_deref().filter(|s| s.len() <= MAX_PARAM);
            let description = error.to_string();
            return Ok(Step::Refused(error_redirect(
                redirect_uri,
                error.oauth_name(),
                &description,
                state,
            )));
        }
    };
    let id = new_secret();
    let now = dates::unix_now();
    db::insert_request(&app.db, &secret_hash(&id), &request, now, now + CODE_SECONDS)?;
    let signup = if query.dl_flow.as_deref() == Some("signup") {
        "&signup=1"
    } else {
        ""
    };
    Ok(Step::Consent(format!("/locker/consent?request={id}{signup}")))
}

/// The stored form of a request whose client and redirect URI are good, or
/// the error to send back.
fn checked(query: &AuthorizeQuery, app_id: &str, redirect_uri: &str) -> Result<AuthRequest, Error> {
    let invalid = |why: &str| Error::oauth(OAuthCode::InvalidRequest, why);
    if query.response_type.as_deref() != Some("code") {
        return Err(invalid("response_type must be code"));
    }
    let state = query
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("state is required"))?;
    if query.code_challenge_method.as_deref() != Some("S256") {
        return Err(invalid(
            "code_challenge_method must be S256 (PKCE); plain is not accepted",
        ));
    }
    let challenge = query
        .code_challenge
        .as_deref()
        .filter(|c| c.len() == 43 && is_pkce_text(c))
        .ok_or_else(|| invalid("code_challenge must be the base64url SHA-256 of the code_verifier (43 characters)"))?;
    let too_long = [Some(state), query.nonce.as_deref(), query.purpose.as_deref()]
        .into_iter()
        .flatten()
        .any(|p| p.len() > MAX_PARAM);
    if too_long {
        return Err(invalid("state, nonce and purpose are at most 512 characters"));
    }
    Ok(AuthRequest {
        app_id: app_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: state.to_owned(),
        code_challenge: challenge.to_owned(),
        scope: super::parse_scope(query.scope.as_deref())?,
        purpose: query.purpose.clone().filter(|p| !p.trim().is_empty()),
        nonce: query.nonce.clone().filter(|n| !n.is_empty()),
        consent_valid_till: consent_valid_till(query.consent_valid_till.as_deref())?,
    })
}

/// The grant's end: the client's `consent_valid_till` (Unix seconds, in
/// the future, at most a year away), or 30 days.
fn consent_valid_till(asked: Option<&str>) -> Result<i64, Error> {
    let now = dates::unix_now();
    let Some(text) = asked.filter(|t| !t.is_empty()) else {
        return Ok(now + DEFAULT_CONSENT_SECONDS);
    };
    match text.parse::<i64>() {
        Ok(till) if till > now && till <= now + MAX_CONSENT_SECONDS => Ok(till),
        _ => Err(Error::oauth(
            OAuthCode::InvalidRequest,
            "consent_valid_till must be Unix seconds in the future, at most a year away",
        )),
    }
}

/// `redirect_uri` with `params` added to its query.
pub fn with_query(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    let query = serde_urlencoded::to_string(params).unwrap_or_default();
    let joiner = if redirect_uri.contains('?') { '&' } else { '?' };
    format!("{redirect_uri}{joiner}{query}")
}

/// The redirect that tells the client why its request was refused: the
/// `error` name, its description and the `state`.
pub fn error_redirect(redirect_uri: &str, error: &str, description: &str, state: Option<&str>) -> String {
    let mut params = vec![("error", error), ("error_description", description)];
    if let Some(state) = state {
        params.push(("state", state));
    }
    with_query(redirect_uri, &params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redirect_keeps_the_registered_query_and_encodes_what_it_adds() {
        assert_eq!(
            with_query("https://p.example/cb?x=1", &[("code", "a b"), ("state", "s&t")]),
            "https://p.example/cb?x=1&code=a+b&state=s%26t"
        );
        assert_eq!(
            with_query("https://p.example/cb", &[("code", "c")]),
            "https://p.example/cb?code=c"
        );
    }

    #[test]
    fn plain_pkce_a_missing_state_and_a_bad_response_type_are_invalid_requests() {
        let good = AuthorizeQuery {
            response_type: Some("code".into()),
            state: Some("s1".into()),
            code_challenge: Some("E9Melhoa2OwvFD3pF8cbWOjE3fz6Ghy1Sn_ECBwWfNw".into()),
            code_challenge_method: Some("S256".into()),
            ..AuthorizeQuery::default()
        };
        assert!(checked(&good, "APP", "https://p.example/cb").is_ok());
        let broken = [
            AuthorizeQuery {
                code_challenge_method: Some("plain".into()),
                ..clone(&good)
            },
            AuthorizeQuery {
                code_challenge_method: None,
                ..clone(&good)
            },
            AuthorizeQuery {
                state: None,
                ..clone(&good)
            },
            AuthorizeQuery {
                response_type: Some("token".into()),
                ..clone(&good)
            },
            AuthorizeQuery {
                code_challenge: Some("short".into()),
                ..clone(&good)
            },
        ];
        for query in broken {
            let error = checked(&query, "APP", "https://p.example/cb").unwrap_err();
            assert_eq!(error.oauth_name(), "invalid_request", "{query:?}");
        }
    }

    fn clone(q: &AuthorizeQuery) -> AuthorizeQuery {
        AuthorizeQuery {
            response_type: q.response_type.clone(),
            state: q.state.clone(),
            code_challenge: q.code_challenge.clone(),
            code_challenge_method: q.code_challenge_method.clone(),
            ..AuthorizeQuery::default()
        }
    }
}
