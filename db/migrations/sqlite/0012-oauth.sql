-- The Authorized Partner API (INTERFACE section 8): a requester is also an
-- OAuth 2.0 client. NEVER EDIT a migration that has landed: add a new
-- numbered file instead.

-- The redirect URIs a requester registered; an authorize request's
-- redirect_uri must equal one of them exactly (byte for byte).
CREATE TABLE requester_redirect_uris (
    app_id       TEXT NOT NULL REFERENCES requesters(app_id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    PRIMARY KEY (app_id, redirect_uri)
) WITHOUT ROWID;

-- An authorize request waiting for the resident's consent. Its id travels in
-- the consent page's URL and is kept only as a SHA-256.
CREATE TABLE oauth_requests (
    id_hash            BLOB NOT NULL PRIMARY KEY,
    app_id             TEXT NOT NULL REFERENCES requesters(app_id) ON DELETE CASCADE,
    redirect_uri       TEXT NOT NULL,
    state              TEXT NOT NULL,
    code_challenge     TEXT NOT NULL,
    -- Space-separated scope names.
    scope              TEXT NOT NULL,
    purpose            TEXT,
    nonce              TEXT,
    consent_valid_till INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL
) WITHOUT ROWID;

-- What a resident allowed an app: a connection. Revoking it stops every
-- token issued under it at once.
CREATE TABLE oauth_grants (
    id           INTEGER PRIMARY KEY,
    resident_id  INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    app_id       TEXT NOT NULL REFERENCES requesters(app_id) ON DELETE CASCADE,
    scope        TEXT NOT NULL,
    granted_at   INTEGER NOT NULL,
    valid_till   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX oauth_grants_resident ON oauth_grants(resident_id, id);

-- Authorization codes (kept as SHA-256): single use, bound to the grant's
-- client, the redirect URI and the PKCE challenge.
CREATE TABLE oauth_codes (
    code_hash      BLOB NOT NULL PRIMARY KEY,
    grant_id       INTEGER NOT NULL REFERENCES oauth_grants(id) ON DELETE CASCADE,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    nonce          TEXT,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER
) WITHOUT ROWID;

-- Access and refresh tokens (kept as SHA-256). A refresh token that was
-- used once (rotated) is kept, so its reuse is seen and kills the grant.
CREATE TABLE oauth_tokens (
    token_hash BLOB NOT NULL PRIMARY KEY,
    grant_id   INTEGER NOT NULL REFERENCES oauth_grants(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX oauth_tokens_grant ON oauth_tokens(grant_id);

-- The OpenID Connect signing keys (ES256), the private key sealed. The
-- current one has no retired_at.
CREATE TABLE oauth_signing_keys (
    kid        TEXT NOT NULL PRIMARY KEY,
    key_enc    BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
) WITHOUT ROWID;
CREATE UNIQUE INDEX oauth_signing_keys_current ON oauth_signing_keys ((retired_at IS NULL))
    WHERE retired_at IS NULL;
