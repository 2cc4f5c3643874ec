//! `POST /1/token`, `/2/token` and `/1/revoke`: client authentication
//! (`client_secret_post` or `client_secret_basic`, the secret being the
//! requester's app key), the `authorization_code` grant with its PKCE
//! check, the rotating `refresh_token` grant, and revocation. Tokens are
//! opaque and kept only as SHA-256. A code or refresh token used twice
//! revokes its whole grant (RFC 6749 §4.1.2, OAuth 2.0 Security BCP §4.14).

use openlocker_db::oauth::{self as db, Grant, NewToken};
use openlocker_db::requesters::Requester;
use serde::{Deserialize, Serialize};

use super::{ACCESS_SECONDS, id_token, is_pkce_text, new_secret, s256_challenge, secret_hash};
use crate::app::App;
use crate::locker::residents;
use crate::partners::registry;
use crate::platform::crypto::{self, constant_time_eq};
use crate::platform::dates;
use crate::platform::error::{Error, OAuthCode};

/// The form of a token or revoke call, as sent.
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// For revoke.
    pub token: Option<String>,
}

/// The client's id and secret, from HTTP Basic or the form.
pub struct ClientCredentials {
    pub id: String,
    pub secret: String,
}

/// The answer of a token call.
#[derive(Debug, Serialize)]
pub struct TokenAnswer {
    pub access_token: String,
    pub expires_in: i64,
    pub token_type: &'static str,
    pub scope: String,
    pub refresh_token: String,
    pub digilockerid: String,
    pub name: String,
    /// `DDMMYYYY`.
    pub dob: String,
    pub gender: String,
    /// `N`: no e-KYC XML is offered.
    pub eaadhaar: &'static str,
    pub reference_key: String,
    /// Unix seconds: when the grant ends.
    pub consent_valid_till: i64,
    /// `/2/token` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

fn invalid_grant(why: &str) -> Error {
    Error::oauth(OAuthCode::InvalidGrant, why)
}

/// The client that `basic` (HTTP Basic) or the form's credentials name,
/// if its secret is one of its valid app keys.
pub fn authenticate_client(app: &App, basic: Option<ClientCredentials>, form: &TokenForm) -> Result<Requester, Error> {
    let unauthenticated = || Error::oauth(OAuthCode::InvalidClient, "client authentication failed");
    let credentials = match (basic, &form.client_id, &form.client_secret) {
        (Some(basic), id, _) if id.as_ref().is_none_or(|id| *id == basic.id) => basic,
        (None, Some(id), Some(secret)) => ClientCredentials {
            id: id.clone(),
            secret: secret.clone(),
        },
        _ => return Err(unauthenticated()),
    };
    let client = match registry::get(app, &credentials.id) {
        Err(Error::NotFound(_)) => return Err(unauthenticated()),
        other => other?,
    };
    let keys = registry::valid_keys(app, &client.app_id)?;
    if !keys.iter().any(|k| constant_time_eq(k, credentials.secret.as_bytes())) {
        return Err(unauthenticated());
    }
    Ok(client)
}

/// A token call: `grant_type` `authorization_code` or `refresh_token`.
/// `with_id_token` for `/2/token`.
pub fn token(
    app: &App,
    basic: Option<ClientCredentials>,
    form: &TokenForm,
    with_id_token: bool,
) -> Result<TokenAnswer, Error> {
    let client = authenticate_client(app, basic, form)?;
    let (grant, nonce, tokens) = match form.grant_type.as_deref() {
        Some("authorization_code") => exchange_code(app, &client.app_id, form)?,
        Some("refresh_token") => refresh(app, &client.app_id, form)?,
        _ => {
            return Err(Error::oauth(
                OAuthCode::InvalidGrantType,
                "grant_type must be authorization_code or refresh_token",
            ));
        }
    };
    answer(app, &grant, tokens, nonce.as_deref(), with_id_token)
}

/// A new access token and refresh token, and their stored forms.
struct Minted {
    access: String,
    refresh: String,
}

/// Mints the tokens and has `store` keep them; `None` when `store` found
/// the code or refresh token spent already.
fn mint(
    grant: &Grant,
    now: i64,
    store: impl FnOnce(&[NewToken<'_>]) -> Result<bool, Error>,
) -> Result<Option<Minted>, Error> {
    let minted = Minted {
        access: new_secret(),
        refresh: new_secret(),
    };
    let (access_hash, refresh_hash) = (secret_hash(&minted.access), secret_hash(&minted.refresh));
    let tokens = [
        NewToken {
            token_hash: &access_hash,
            kind: "access",
            expires_at: now + ACCESS_SECONDS,
        },
        NewToken {
            token_hash: &refresh_hash,
            kind: "refresh",
            expires_at: grant.valid_till,
        },
    ];
    Ok(store(&tokens)?.then_some(minted))
}

/// Refuses a grant that was revoked or ran out.
fn check_live(grant: &Grant, now: i64) -> Result<(), Error> {
    if grant.revoked_at.is_some() || grant.valid_till <= now {
        return Err(invalid_grant("the resident's consent was revoked or has ended"));
    }
    Ok(())
}

/// Revokes the grant of a reused code or refresh token, and says so.
fn reused(app: &App, grant: &Grant, what: &str) -> Error {
    if let Err(e) = db::revoke_grant(&app.db, grant.id, dates::unix_now()) {
        return e.into();
    }
    tracing::warn!(grant = grant.id, app_id = grant.app_id, "{what} reused: grant revoked");
    invalid_grant(&format!("this {what} was used already; every token it gave is revoked"))
}

type Exchanged = (Grant, Option<String>, Minted);

fn exchange_code(app: &App, app_id: &str, form: &TokenForm) -> Result<Exchanged, Error> {
    let code_text = form
        .code
        .as_deref()
        .ok_or_else(|| Error::oauth(OAuthCode::InvalidRequest, "code is required"))?;
    let code_hash = secret_hash(code_text);
    let code = db::code(&app.db, &code_hash)?.ok_or_else(|| invalid_grant("the code is not valid"))?;
    let now = dates::unix_now();
    if !code.grant.app_id.eq_ignore_ascii_case(app_id) {
        return Err(invalid_grant("the code was issued to another client"));
    }
    if code.used_at.is_some() {
        return Err(reused(app, &code.grant, "code"));
    }
    if code.expires_at <= now {
        return Err(invalid_grant("the code expired (codes last 10 minutes)"));
    }
    check_live(&code.grant, now)?;
    if form.redirect_uri.as_deref() != Some(code.redirect_uri.as_str()) {
        return Err(invalid_grant("redirect_uri differs from the authorize request's"));
    }
    let verifier = form
        .code_verifier
        .as_deref()
        .filter(|v| is_pkce_text(v))
        .ok_or_else(|| {
            Error::oauth(
                OAuthCode::InvalidRequest,
                "code_verifier is required: 43 to 128 characters",
            )
        })?;
    let challenge = s256_challenge(verifier);
    if !constant_time_eq(challenge.as_bytes(), code.code_challenge.as_bytes()) {
        return Err(invalid_grant(
            "code_verifier does not match code_challenge (S256: base64url without padding of its SHA-256)",
        ));
    }
    let grant = code.grant.clone();
    let minted = mint(&grant, now, |tokens| {
        Ok(db::exchange_code(&app.db, &code_hash, grant.id, tokens, now)?)
    })?
    .ok_or_else(|| reused(app, &grant, "code"))?;
    Ok((grant, code.nonce, minted))
}

fn refresh(app: &App, app_id: &str, form: &TokenForm) -> Result<Exchanged, Error> {
    let text = form
        .refresh_token
        .as_deref()
        .ok_or_else(|| Error::oauth(OAuthCode::InvalidRequest, "refresh_token is required"))?;
    let old_hash = secret_hash(text);
    let token = db::token(&app.db, &old_hash)?
        .filter(|t| t.kind == "refresh")
        .ok_or_else(|| invalid_grant("the refresh token is not valid"))?;
    let now = dates::unix_now();
    if !token.grant.app_id.eq_ignore_ascii_case(app_id) {
        return Err(invalid_grant("the refresh token was issued to another client"));
    }
    if token.used_at.is_some() {
        return Err(reused(app, &token.grant, "refresh token"));
    }
    check_live(&token.grant, now)?;
    if token.expires_at <= now {
        return Err(invalid_grant("the refresh token expired"));
    }
    let grant = token.grant.clone();
    let minted = mint(&grant, now, |tokens| {
        Ok(db::rotate_refresh(&app.db, &old_hash, grant.id, tokens, now)?)
    })?
    .ok_or_else(|| reused(app, &grant, "refresh token"))?;
    Ok((grant, None, minted))
}

fn answer(
    app: &App,
    grant: &Grant,
    minted: Minted,
    nonce: Option<&str>,
    with_id_token: bool,
) -> Result<TokenAnswer, Error> {
    let user = user_details(app, grant)?;
    let id_token = match with_id_token {
        true => Some(id_token::sign(app, grant, &user, nonce)?),
        false => None,
    };
    Ok(TokenAnswer {
        access_token: minted.access,
        expires_in: ACCESS_SECONDS,
        token_type: "Bearer",
        scope: grant.scope.clone(),
        refresh_token: minted.refresh,
        reference_key: reference_key(&grant.app_id, &user.digilockerid),
        digilockerid: user.digilockerid,
        name: user.name,
        dob: user.dob,
        gender: user.gender,
        eaadhaar: "N",
        consent_valid_till: grant.valid_till,
        id_token,
    })
}

/// The resident's details as the API gives them (`GET /1/user` too).
#[derive(Debug, Clone, Serialize)]
pub struct UserDetails {
    pub digilockerid: String,
    pub name: String,
    /// `DDMMYYYY`.
    pub dob: String,
    /// `M`, `F`, `T`, or empty when unknown.
    pub gender: String,
    pub eaadhaar: &'static str,
}

/// The details of the grant's resident.
pub fn user_details(app: &App, grant: &Grant) -> Result<UserDetails, Error> {
    let profile = residents::profile(app, grant.resident_id)?;
    let dob = profile.dob.split('-').rev().collect::<Vec<_>>().concat();
    Ok(UserDetails {
        digilockerid: profile.digilocker_id,
        name: profile.name,
        dob,
        gender: profile.gender.unwrap_or_default(),
        eaadhaar: "N",
    })
}

/// A pairwise id of the resident for one client: the same for every token
/// of that client, different for every other client.
fn reference_key(app_id: &str, digilockerid: &str) -> String {
    let upper = app_id.to_ascii_uppercase();
    crypto::sha256_hex(&[
        b"openlocker/reference-key\0",
        upper.as_bytes(),
        b"\0",
        digilockerid.as_bytes(),
    ])[..32]
        .to_owned()
}

/// `POST /1/revoke`: the token (access or refresh) and every token of its
/// grant stop working (RFC 7009). An unknown token is not an error (§2.2).
pub fn revoke(app: &App, basic: Option<ClientCredentials>, form: &TokenForm) -> Result<Option<Grant>, Error> {
    let client = authenticate_client(app, basic, form)?;
    let text = form
        .token
        .as_deref()
        .ok_or_else(|| Error::oauth(OAuthCode::InvalidRequest, "token is required"))?;
    let Some(token) = db::token(&app.db, &secret_hash(text))? else {
        return Ok(None);
    };
    if !token.grant.app_id.eq_ignore_ascii_case(&client.app_id) {
        return Ok(None);
    }
    db::revoke_grant(&app.db, token.grant.id, dates::unix_now())?;
    Ok(Some(token.grant))
}
