-- OpenLocker schema, version 1. NEVER EDIT a migration that has landed:
-- add a new numbered file instead.

-- Issuers: departments that push document URIs. `id` is the public issuer id
-- (a domain such as cbse.nic.in, or an alpha code), case-insensitive.
CREATE TABLE issuers (
    id               TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    name             TEXT NOT NULL,
    org_id           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    pull_uri_url     TEXT,
    pull_doc_url     TEXT,
    pull_org_id      TEXT,
    pull_api_key_enc BLOB,
    created_at       INTEGER NOT NULL
);

-- Push API keys, AES-256-GCM sealed with the master key. The current key has
-- expires_at NULL; a rotated-out key keeps working until its expires_at.
CREATE TABLE issuer_keys (
    id         INTEGER PRIMARY KEY,
    issuer_id  TEXT NOT NULL REFERENCES issuers(id) ON DELETE CASCADE,
    key_enc    BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);
CREATE INDEX issuer_keys_issuer ON issuer_keys(issuer_id);

CREATE TABLE doc_types (
    issuer_id  TEXT NOT NULL REFERENCES issuers(id) ON DELETE CASCADE,
    code       TEXT NOT NULL COLLATE NOCASE,
    name       TEXT NOT NULL,
    -- Search fields for Pull URI, one per line.
    udfs       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (issuer_id, code)
) WITHOUT ROWID;

-- People of an issuer who sign in to the issuer portal.
CREATE TABLE issuer_users (
    id            INTEGER PRIMARY KEY,
    issuer_id     TEXT NOT NULL REFERENCES issuers(id) ON DELETE CASCADE,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Residents with an opened locker. The Aadhaar number is kept only as a keyed
-- HMAC (for look-up) and an AES-256-GCM ciphertext.
CREATE TABLE residents (
    id            INTEGER PRIMARY KEY,
    aadhaar_hmac  BLOB NOT NULL UNIQUE,
    aadhaar_enc   BLOB NOT NULL,
    name          TEXT NOT NULL,
    dob           TEXT NOT NULL,
    mobile        TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Sessions of residents and issuer users. Only a SHA-256 of the cookie value
-- is stored, so a copy of the database cannot be used to sign in.
CREATE TABLE sessions (
    token_hash BLOB NOT NULL PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('resident', 'issuer_user')),
    subject_id INTEGER NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Transaction ids seen from each orgId inside the replay window.
CREATE TABLE seen_txns (
    org_id  TEXT NOT NULL COLLATE NOCASE,
    txn     TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, txn)
) WITHOUT ROWID;

-- One uploaded CSV file (by API or by hand) and the progress of its import.
-- The pos_* columns are the CSV reader position after the last committed
-- batch: a crashed import resumes exactly there.
CREATE TABLE import_tasks (
    id             INTEGER PRIMARY KEY,
    issuer_id      TEXT NOT NULL REFERENCES issuers(id),
    source         TEXT NOT NULL CHECK (source IN ('api', 'portal')),
    file_name      TEXT NOT NULL,
    stored_path    TEXT NOT NULL,
    bytes_total    INTEGER NOT NULL,
    txn            TEXT,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    error          TEXT,
    pos_byte       INTEGER NOT NULL DEFAULT 0,
    pos_line       INTEGER NOT NULL DEFAULT 1,
    pos_record     INTEGER NOT NULL DEFAULT 0,
    rows_imported  INTEGER NOT NULL DEFAULT 0,
    rows_rejected  INTEGER NOT NULL DEFAULT 0,
    run_started_at INTEGER,
    run_start_byte INTEGER,
    run_start_rows INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    finished_at    INTEGER
);
CREATE INDEX import_tasks_issuer ON import_tasks(issuer_id, id);
CREATE INDEX import_tasks_open ON import_tasks(status) WHERE status IN ('pending', 'running');

CREATE TABLE import_rejections (
    task_id INTEGER NOT NULL REFERENCES import_tasks(id) ON DELETE CASCADE,
    line    INTEGER NOT NULL,
    field   TEXT NOT NULL,
    reason  TEXT NOT NULL,
    PRIMARY KEY (task_id, line)
) WITHOUT ROWID;

-- Issued document URIs pushed for an Aadhaar number. A row whose aadhaar_hmac
-- matches no resident is held in the unopened-locker state; it shows in
-- Issued Documents as soon as that resident's locker is created.
CREATE TABLE issued_docs (
    id           INTEGER PRIMARY KEY,
    aadhaar_hmac BLOB NOT NULL,
    aadhaar_enc  BLOB NOT NULL,
    uri          TEXT NOT NULL COLLATE NOCASE,
    issuer_id    TEXT NOT NULL COLLATE NOCASE,
    doc_type     TEXT NOT NULL COLLATE NOCASE,
    doc_name     TEXT NOT NULL,
    doc_id       TEXT NOT NULL,
    issued_on    TEXT NOT NULL,
    valid_from   TEXT,
    valid_to     TEXT,
    time_stamp   TEXT NOT NULL,
    task_id      INTEGER,
    updated_at   INTEGER NOT NULL,
    UNIQUE (aadhaar_hmac, uri)
);
