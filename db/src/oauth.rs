//! The Authorized Partner API's storage: authorize requests waiting for
//! consent, grants (a resident's connected apps), single-use codes, access
//! and refresh tokens (all secrets kept as SHA-256 only), and the OpenID
//! Connect signing keys (sealed by the caller).

use crate::sql::{Conn, params};

use crate::sql::{OptionalRow, Row};
use crate::{Db, DbError, DbResult, UnixTime};

/// An authorize request, as stored until the resident decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    pub app_id: String,
    pub redirect_uri: String,
    pub state: String,
    pub code_challenge: String,
    /// Space-separated scope names.
    pub scope: String,
    pub purpose: Option<String>,
    pub nonce: Option<String>,
    pub consent_valid_till: UnixTime,
}

/// Stores an authorize request under `id_hash` until `expires_at`, and
/// drops the requests that expired before `now`.
pub fn insert_request(
    db: &Db,
    id_hash: &[u8],
    request: &AuthRequest,
    now: UnixTime,
    expires_at: UnixTime,
) -> DbResult<()> {
    let conn = db.conn()?;
    conn.execute("DELETE FROM oauth_requests WHERE expires_at <= ?1", [now])?;
    conn.execute(
        "INSERT INTO oauth_requests (id_hash, app_id, redirect_uri, state, code_challenge, scope, purpose, nonce,
             consent_valid_till, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id_hash,
            request.app_id,
            request.redirect_uri,
            request.state,
            request.code_challenge,
            request.scope,
            request.purpose,
            request.nonce,
            request.consent_valid_till,
            now,
            expires_at
        ],
    )?;
    Ok(())
}

const REQUEST_COLUMNS: &str = "app_id, redirect_uri, state, code_challenge, scope, purpose, nonce, consent_valid_till";

fn request_from_row(r: &Row<'_>) -> DbResult<AuthRequest> {
    Ok(AuthRequest {
        app_id: r.get(0)?,
        redirect_uri: r.get(1)?,
        state: r.get(2)?,
        code_challenge: r.get(3)?,
        scope: r.get(4)?,
        purpose: r.get(5)?,
        nonce: r.get(6)?,
        consent_valid_till: r.get(7)?,
    })
}

/// The request stored under `id_hash`, unless it expired.
pub fn request(db: &Db, id_hash: &[u8], now: UnixTime) -> DbResult<Option<AuthRequest>> {
    db.conn()?
        .query_row(
            &format!("SELECT {REQUEST_COLUMNS} FROM oauth_requests WHERE id_hash = ?1 AND expires_at > ?2"),
            params![id_hash, now],
            request_from_row,
        )
        .optional_row()
}

/// Removes the request (the resident denied it); `None` when it was not
/// there or expired.
pub fn take_request(db: &Db, id_hash: &[u8], now: UnixTime) -> DbResult<Option<AuthRequest>> {
    take(&db.conn()?, id_hash, now)
}

fn take(conn: &Conn, id_hash: &[u8], now: UnixTime) -> DbResult<Option<AuthRequest>> {
    conn.query_row(
        &format!("DELETE FROM oauth_requests WHERE id_hash = ?1 AND expires_at > ?2 RETURNING {REQUEST_COLUMNS}"),
        params![id_hash, now],
        request_from_row,
    )
    .optional_row()
}

/// The code that an allowed request gives.
pub struct NewCode<'a> {
    pub code_hash: &'a [u8],
    pub expires_at: UnixTime,
}

/// The resident allowed the request: in one transaction it is removed, a
/// grant made for `resident_id` and the code stored. `None` when the
/// request was not there (used, or expired).
pub fn allow_request(
    db: &Db,
    id_hash: &[u8],
    resident_id: i64,
    code: &NewCode<'_>,
    now: UnixTime,
) -> DbResult<Option<AuthRequest>> {
    let conn = db.conn()?;
    let tx = conn.transaction()?;
    let Some(request) = take(&tx, id_hash, now)? else {
        return Ok(None);
    };
    let inserted_id = tx.insert_id(
        "INSERT INTO oauth_grants (resident_id, app_id, scope, granted_at, valid_till) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            resident_id,
            request.app_id,
            request.scope,
            now,
            request.consent_valid_till
        ],
    )?;
    let grant_id = inserted_id;
    tx.execute(
        "INSERT INTO oauth_codes (code_hash, grant_id, redirect_uri, code_challenge, nonce, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            code.code_hash,
            grant_id,
            request.redirect_uri,
            request.code_challenge,
            request.nonce,
            code.expires_at
        ],
    )?;
    tx.commit()?;
    Ok(Some(request))
}

/// A grant as a token or code call sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: i64,
    pub resident_id: i64,
    pub app_id: String,
    pub app_name: String,
    pub scope: String,
    pub granted_at: UnixTime,
    pub valid_till: UnixTime,
    pub last_used_at: Option<UnixTime>,
    pub revoked_at: Option<UnixTime>,
}

const GRANT_COLUMNS: &str = "g.id, g.resident_id, g.app_id, r.name, g.scope, g.granted_at, g.valid_till, \
                             g.last_used_at, g.revoked_at";

fn grant_from_row(r: &Row<'_>, at: usize) -> DbResult<Grant> {
    Ok(Grant {
        id: r.get(at)?,
        resident_id: r.get(at + 1)?,
        app_id: r.get(at + 2)?,
        app_name: r.get(at + 3)?,
        scope: r.get(at + 4)?,
        granted_at: r.get(at + 5)?,
        valid_till: r.get(at + 6)?,
        last_used_at: r.get(at + 7)?,
        revoked_at: r.get(at + 8)?,
    })
}

/// A stored authorization code and the grant it belongs to.
#[derive(Debug, Clone)]
pub struct Code {
    pub redirect_uri: String,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub expires_at: UnixTime,
    /// Set once the code was exchanged.
    pub used_at: Option<UnixTime>,
    pub grant: Grant,
}

/// The code stored under `code_hash`.
pub fn code(db: &Db, code_hash: &[u8]) -> DbResult<Option<Code>> {
    db.conn()?
        .query_row(
            &format!(
                "SELECT c.redirect_uri, c.code_challenge, c.nonce, c.expires_at, c.used_at, {GRANT_COLUMNS}
                 FROM oauth_codes c JOIN oauth_grants g ON g.id = c.grant_id JOIN requesters r ON r.app_id = g.app_id
                 WHERE c.code_hash = ?1"
            ),
            [code_hash],
            |r| {
                Ok(Code {
                    redirect_uri: r.get(0)?,
                    code_challenge: r.get(1)?,
                    nonce: r.get(2)?,
                    expires_at: r.get(3)?,
                    used_at: r.get(4)?,
                    grant: grant_from_row(r, 5)?,
                })
            },
        )
        .optional_row()
}

/// A token to store: its SHA-256, `access` or `refresh`, and its expiry.
pub struct NewToken<'a> {
    pub token_hash: &'a [u8],
    pub kind: &'static str,
    pub expires_at: UnixTime,
}

fn insert_tokens(conn: &Conn, grant_id: i64, tokens: &[NewToken<'_>], now: UnixTime) -> DbResult<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO oauth_tokens (token_hash, grant_id, kind, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for token in tokens {
        insert.execute(params![token.token_hash, grant_id, token.kind, now, token.expires_at])?;
    }
    Ok(())
}

/// Runs `spend_sql` (which marks the code or refresh token `used_hash`
/// used, if it was not) and stores `tokens` for its grant, in one
/// transaction. `false` when it was used already (another call won the race).
fn spend_and_issue(
    db: &Db,
    spend_sql: &str,
    used_hash: &[u8],
    grant_id: i64,
    tokens: &[NewToken<'_>],
    now: UnixTime,
) -> DbResult<bool> {
    let conn = db.conn()?;
    let tx = conn.transaction()?;
    if tx.execute(spend_sql, params![used_hash, now])? == 0 {
        return Ok(false);
    }
    insert_tokens(&tx, grant_id, tokens, now)?;
    tx.execute(
        "UPDATE oauth_grants SET last_used_at = ?2 WHERE id = ?1",
        params![grant_id, now],
    )?;
    tx.commit()?;
    Ok(true)
}

/// Exchanges the code: marks it used and stores the tokens it gives.
/// `false` when it was used already.
pub fn exchange_code(
    db: &Db,
    code_hash: &[u8],
    grant_id: i64,
    tokens: &[NewToken<'_>],
    now: UnixTime,
) -> DbResult<bool> {
    let sql = "UPDATE oauth_codes SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL";
    spend_and_issue(db, sql, code_hash, grant_id, tokens, now)
}

/// Rotates a refresh token: marks it used and stores its successors.
/// `false` when it was used already.
pub fn rotate_refresh(
    db: &Db,
    old_hash: &[u8],
    grant_id: i64,
    tokens: &[NewToken<'_>],
    now: UnixTime,
) -> DbResult<bool> {
    let sql = "UPDATE oauth_tokens SET used_at = ?2 WHERE token_hash = ?1 AND kind = 'refresh' AND used_at IS NULL";
    spend_and_issue(db, sql, old_hash, grant_id, tokens, now)
}

/// A stored token and its grant.
#[derive(Debug, Clone)]
pub struct Token {
    /// `access` or `refresh`.
    pub kind: String,
    pub expires_at: UnixTime,
    /// Set once a refresh token was rotated.
    pub used_at: Option<UnixTime>,
    pub grant: Grant,
}

/// The token stored under `token_hash`.
pub fn token(db: &Db, token_hash: &[u8]) -> DbResult<Option<Token>> {
    db.conn()?
        .query_row(
            &format!(
                "SELECT t.kind, t.expires_at, t.used_at, {GRANT_COLUMNS}
                 FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id JOIN requesters r ON r.app_id = g.app_id
                 WHERE t.token_hash = ?1"
            ),
            [token_hash],
            |r| {
                Ok(Token {
                    kind: r.get(0)?,
                    expires_at: r.get(1)?,
                    used_at: r.get(2)?,
                    grant: grant_from_row(r, 3)?,
                })
            },
        )
        .optional_row()
}

/// Revokes a grant: every token and code issued under it stops working.
pub fn revoke_grant(db: &Db, grant_id: i64, now: UnixTime) -> DbResult<()> {
    let conn = db.conn()?;
    let tx = conn.transaction()?;
    tx.execute(
        "UPDATE oauth_grants SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![grant_id, now],
    )?;
    tx.execute("DELETE FROM oauth_tokens WHERE grant_id = ?1", [grant_id])?;
    tx.commit()?;
    Ok(())
}

/// Revokes one of the resident's grants; `NotFound` when it is not theirs
/// or no longer active.
pub fn revoke_resident_grant(db: &Db, resident_id: i64, grant_id: i64, now: UnixTime) -> DbResult<()> {
    let owned: Option<i64> = db
        .conn()?
        .query_row(
            "SELECT id FROM oauth_grants WHERE id = ?1 AND resident_id = ?2 AND revoked_at IS NULL AND valid_till > ?3",
            params![grant_id, resident_id, now],
            |r| r.get(0),
        )
        .optional_row()?;
    match owned {
        Some(id) => revoke_grant(db, id, now),
        None => Err(DbError::NotFound),
    }
}

/// The resident's active grants (not revoked, not past `valid_till`),
/// newest first.
pub fn resident_grants(db: &Db, resident_id: i64, now: UnixTime) -> DbResult<Vec<Grant>> {
    let conn = db.conn()?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {GRANT_COLUMNS} FROM oauth_grants g JOIN requesters r ON r.app_id = g.app_id
         WHERE g.resident_id = ?1 AND g.revoked_at IS NULL AND g.valid_till > ?2 ORDER BY g.id DESC"
    ))?;
    let rows = stmt.query_map(params![resident_id, now], |r| grant_from_row(r, 0))?;
    rows.collect::<Result<_, _>>()
}

/// The current OpenID Connect signing key: its `kid` and sealed PKCS#8.
pub fn current_signing_key(db: &Db) -> DbResult<Option<(String, Vec<u8>)>> {
    db.conn()?
        .query_row(
            "SELECT kid, key_enc FROM oauth_signing_keys WHERE retired_at IS NULL",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional_row()
}

/// Stores a first signing key; ignored when another node stored one first
/// (read [`current_signing_key`] again).
pub fn insert_signing_key(db: &Db, kid: &str, key_enc: &[u8], now: UnixTime) -> DbResult<()> {
    db.conn()?.execute(
        "INSERT INTO oauth_signing_keys (kid, key_enc, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![kid, key_enc, now],
    )?;
    Ok(())
}

/// Every signing key that is current or was retired after `since`, for the
/// published key set.
pub fn signing_keys(db: &Db, since: UnixTime) -> DbResult<Vec<(String, Vec<u8>)>> {
    let conn = db.conn()?;
    let mut stmt = conn.prepare_cached(
        "SELECT kid, key_enc FROM oauth_signing_keys WHERE retired_at IS NULL OR retired_at > ?1 ORDER BY created_at",
    )?;
    let rows = stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect::<Result<_, _>>()
}
