//! The partner's side of the Authorized Partner API tests: a locker with a
//! verified resident and a requester with a redirect URI; the `oauth2`
//! crate as the partner's OAuth client (over ureq); `jsonwebtoken` to verify
//! ID tokens against the published JWKS; and the consent given through the
//! locker's JSON API with a real session (`partner_api_ui` gives it in
//! Chromium).

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet, ExtraTokenFields, HttpRequest,
    HttpResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use crate::support::*;

pub const MOBILE: &str = "9000000031";

/// The DigiLocker fields of a token answer, beside the standard ones.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct DigiLockerFields {
    pub id_token: Option<String>,
    pub digilockerid: String,
    pub name: String,
    pub dob: String,
    pub reference_key: String,
    pub eaadhaar: String,
}
impl ExtraTokenFields for DigiLockerFields {}

pub type Answer = StandardTokenResponse<DigiLockerFields, BasicTokenType>;
pub type Partner = oauth2::Client<
    BasicErrorResponse,
    Answer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A locker with a verified resident who has one uploaded PDF, and a
/// requester registered with a redirect URI.
pub struct Setup {
    pub server: Server,
    pub app_id: String,
    pub secret: String,
    pub redirect: String,
}

pub const REDIRECT: &str = "http://127.0.0.1:9/callback";

impl Setup {
    pub fn new(redirect: &str) -> Setup {
        let server = Server::start(&[]);
        server.resident(&aadhaar(31), MOBILE);
        let out = server.cli(&[
            "requester",
            "add",
            "--name",
            "Jobs Portal",
            "--domain",
            "http://127.0.0.1:9",
            "--redirect-uri",
            redirect,
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let creds = out.json();
        Setup {
            server,
            app_id: creds["app_id"].as_str().unwrap().to_owned(),
            secret: creds["app_key"].as_str().unwrap().to_owned(),
            redirect: redirect.to_owned(),
        }
    }

    /// The partner's OAuth client, against `/{version}/token`.
    pub fn client(&self, version: u8) -> Partner {
        self.client_as(&self.app_id, &self.secret, version)
    }

    /// The same locker and redirect URI, with another client's credentials.
    pub fn client_as(&self, app_id: &str, secret: &str, version: u8) -> Partner {
        oauth2::Client::new(ClientId::new(app_id.to_owned()))
            .set_client_secret(ClientSecret::new(secret.to_owned()))
            .set_auth_uri(AuthUrl::new(self.server.url("/public/oauth2/1/authorize")).unwrap())
            .set_token_uri(TokenUrl::new(self.server.url(&format!("/public/oauth2/{version}/token"))).unwrap())
            .set_redirect_uri(RedirectUrl::new(self.redirect.clone()).unwrap())
    }

    /// The authorize URL the library builds, its state and PKCE verifier.
    pub fn authorize_url(&self, scopes: &[&str]) -> (String, CsrfToken, PkceCodeVerifier) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.client(2);
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge)
            .add_extra_param("nonce", "n-0S6_WzA2Mj");
        for scope in scopes {
            request = request.add_scope(Scope::new((*scope).to_owned()));
        }
        let (url, state) = request.url();
        (url.to_string(), state, verifier)
    }

    /// Authorizes and consents through the JSON API as the signed-in
    /// resident: the code, the state and the verifier.
    pub fn consented_code(&self, scopes: &[&str]) -> (String, PkceCodeVerifier) {
        let (url, state, verifier) = self.authorize_url(scopes);
        let consent = location(&url);
        let request_id = query_param(&consent, "request").expect("the consent screen's request id");
        let resident = self.server.login_resident(MOBILE);
        let decided = resident.post_json(
            &self.server.url(&format!("/api/oauth/requests/{request_id}")),
            &serde_json::json!({ "allow": true }),
        );
        assert_eq!(decided.status, 200, "{}", decided.text());
        let back = decided.json()["redirect"].as_str().unwrap().to_owned();
        assert!(back.starts_with(&self.redirect), "{back}");
        assert_eq!(query_param(&back, "state").as_deref(), Some(state.secret().as_str()));
        (query_param(&back, "code").unwrap(), verifier)
    }

    /// An access token for `scopes`, through consent and the library's
    /// code exchange at `/1/token`.
    pub fn access_token(&self, scopes: &[&str]) -> String {
        let (code, verifier) = self.consented_code(scopes);
        let answer = self
            .client(1)
            .exchange_code(oauth2::AuthorizationCode::new(code))
            .set_pkce_verifier(verifier)
            .request(&transport)
            .unwrap();
        oauth2::TokenResponse::access_token(&answer).secret().clone()
    }

    /// A Bearer call's status and JSON.
    pub fn call(&self, path: &str, token: &str) -> Resp {
        http_bearer(&self.server.url(path), token)
    }
}

/// The ureq transport the oauth2 library is given.
pub fn transport(request: HttpRequest) -> Result<HttpResponse, ureq::Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut response = agent.run(request)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.body_mut().read_to_vec()?;
    let mut answer = HttpResponse::new(body);
    *answer.status_mut() = status;
    *answer.headers_mut() = headers;
    Ok(answer)
}

/// GET without following redirects: the `Location` it answers.
pub fn location(url: &str) -> String {
    let (status, location, body) = get_no_follow(url);
    assert_eq!(status, 302, "{url}: {body}");
    location.expect("a Location header")
}

/// GET without following redirects: status, `Location`, body.
pub fn get_no_follow(url: &str) -> (u16, Option<String>, String) {
    let request = ureq::http::Request::get(url).body(Vec::new()).unwrap();
    let response = transport(request).unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        response.status().as_u16(),
        location,
        String::from_utf8_lossy(response.body()).into_owned(),
    )
}

/// One query parameter of a URL or path, decoded.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let pairs: Vec<(String, String)> = serde_urlencoded_pairs(query);
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn serde_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A GET with `Authorization: Bearer TOKEN`.
pub fn http_bearer(url: &str, token: &str) -> Resp {
    let request = ureq::http::Request::get(url)
        .header("Authorization", format!("Bearer {token}"))
        .body(Vec::new())
        .unwrap();
    let response = transport(request).unwrap();
    Resp {
        status: response.status().as_u16(),
        headers: response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        body: response.body().clone(),
    }
}

/// A partner call's status and error name, to assert a refusal in one line.
pub fn error_of(resp: &Resp) -> (u16, String) {
    (
        resp.status,
        resp.json()["error"].as_str().unwrap_or_default().to_owned(),
    )
}

/// `client`'s exchange of `code` with the verifier `verifier`.
pub fn exchange(
    client: &Partner,
    code: &str,
    verifier: &str,
) -> Result<Answer, RequestTokenError<ureq::Error, BasicErrorResponse>> {
    client
        .exchange_code(oauth2::AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(oauth2::PkceCodeVerifier::new(verifier.to_owned()))
        .request(&transport)
}

/// The server's error name of a refused token call.
pub fn refusal(result: Result<Answer, RequestTokenError<ureq::Error, BasicErrorResponse>>) -> String {
    match result {
        Err(RequestTokenError::ServerResponse(e)) => match e.error() {
            BasicErrorResponseType::Extension(name) => name.clone(),
            other => other.as_ref().to_owned(),
        },
        Err(other) => panic!("not a server refusal: {other:?}"),
        Ok(_) => panic!("the token call was accepted"),
    }
}

/// Verifies an ID token with the keys the discovery document points at.
pub fn verify_id_token(setup: &Setup, id_token: &str) -> serde_json::Value {
    let discovery = Http::new()
        .get(&setup.server.url("/.well-known/openid-configuration"))
        .json();
    assert_eq!(discovery["issuer"], setup.server.base);
    let jwks: JwkSet = serde_json::from_slice(&Http::new().get(discovery["jwks_uri"].as_str().unwrap()).body).unwrap();
    let header = jsonwebtoken::decode_header(id_token).unwrap();
    assert_eq!(header.alg, Algorithm::ES256);
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("the token's kid is published");
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_audience(&[&setup.app_id]);
    validation.set_issuer(&[&setup.server.base]);
    jsonwebtoken::decode::<serde_json::Value>(id_token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
        .unwrap()
        .claims
}
