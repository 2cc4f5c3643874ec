-- Requesters: partner sites that ask residents for documents (share) or
-- save documents into lockers (save) through the widgets; and the shares.
-- NEVER EDIT a migration that has landed: add a new numbered file instead.

CREATE TABLE requesters (
    app_id     TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    name       TEXT NOT NULL,
    -- The services the app may use, one per line: share, save.
    services   TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- An app's keys, sealed. A rotated-out key keeps working until expires_at.
CREATE TABLE requester_keys (
    id         INTEGER PRIMARY KEY,
    app_id     TEXT NOT NULL REFERENCES requesters(app_id) ON DELETE CASCADE,
    key_enc    BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);
CREATE INDEX requester_keys_app ON requester_keys(app_id);

-- The origins (scheme://host[:port]) an app's pages are served from.
CREATE TABLE requester_origins (
    app_id TEXT NOT NULL REFERENCES requesters(app_id) ON DELETE CASCADE,
    origin TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (app_id, origin)
) WITHOUT ROWID;

-- A document a resident shared with a requester. The public URL's token is
-- kept only as a SHA-256, so a copy of the database cannot fetch anything.
CREATE TABLE shares (
    id              INTEGER PRIMARY KEY,
    resident_id     INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    app_id          TEXT NOT NULL REFERENCES requesters(app_id) ON DELETE CASCADE,
    origin          TEXT NOT NULL,
    doc_kind        TEXT NOT NULL CHECK (doc_kind IN ('issued', 'uploaded')),
    -- The issued document's URI, or the uploaded file's id.
    doc_ref         TEXT NOT NULL,
    doc_name        TEXT NOT NULL,
    token_hash      BLOB NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    max_fetches     INTEGER NOT NULL,
    fetches         INTEGER NOT NULL DEFAULT 0,
    last_fetched_at INTEGER,
    revoked_at      INTEGER
);
CREATE INDEX shares_resident ON shares(resident_id, id);
CREATE INDEX shares_app ON shares(app_id, id);

-- People of a requester who sign in to the requester portal.
CREATE TABLE requester_users (
    id            INTEGER PRIMARY KEY,
    app_id        TEXT NOT NULL REFERENCES requesters(app_id) ON DELETE CASCADE,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Sessions gain the requester-user kind. SQLite cannot change a CHECK
-- constraint, so the table is rebuilt with its rows.
CREATE TABLE sessions_new (
    token_hash BLOB NOT NULL PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('resident', 'issuer_user', 'requester_user')),
    subject_id INTEGER NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO sessions_new (token_hash, kind, subject_id, csrf_token, created_at, expires_at)
    SELECT token_hash, kind, subject_id, csrf_token, created_at, expires_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
