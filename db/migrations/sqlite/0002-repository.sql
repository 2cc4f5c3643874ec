-- The dedicated-repository role: a department's own e-documents, the
-- lockers allowed to pull them, and their owners and search fields.
-- NEVER EDIT a migration that has landed: add a new numbered file instead.

-- Doc types whose documents wait for a person's approval (Pull URI Status 9).
ALTER TABLE doc_types ADD COLUMN verify_by_hand INTEGER NOT NULL DEFAULT 0;

-- Lockers allowed to call this repository's Pull APIs.
CREATE TABLE repo_clients (
    org_id     TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    name       TEXT NOT NULL,
    key_enc    BLOB NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

-- E-documents, stored by content hash under data/repo/.
CREATE TABLE repo_docs (
    id             INTEGER PRIMARY KEY,
    uri            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    issuer_id      TEXT NOT NULL COLLATE NOCASE,
    doc_type       TEXT NOT NULL COLLATE NOCASE,
    doc_id         TEXT NOT NULL COLLATE NOCASE,
    doc_name       TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    issued_on      TEXT NOT NULL,
    valid_from     TEXT,
    valid_to       TEXT,
    owner_name     TEXT,
    owner_dob      TEXT,
    owner_gender   TEXT,
    -- Set when a person approves a document of a "verify by hand" doc type;
    -- until then Pull URI answers Status 9 (pending) and it is not pushed.
    approved_at    INTEGER,
    pushed_at      INTEGER,
    created_at     INTEGER NOT NULL,
    UNIQUE (issuer_id, doc_type, doc_id)
);

-- Owners of a document (a marriage certificate has two), as HMAC and sealed.
CREATE TABLE repo_doc_owners (
    doc     INTEGER NOT NULL REFERENCES repo_docs(id) ON DELETE CASCADE,
    aadhaar_hmac BLOB NOT NULL,
    aadhaar_enc  BLOB NOT NULL,
    PRIMARY KEY (doc, aadhaar_hmac)
) WITHOUT ROWID;
CREATE INDEX repo_doc_owners_hmac ON repo_doc_owners(aadhaar_hmac);

-- Search fields (UDFs) of a document, such as RollNo and Year.
CREATE TABLE repo_doc_udfs (
    doc   INTEGER NOT NULL REFERENCES repo_docs(id) ON DELETE CASCADE,
    name  TEXT NOT NULL COLLATE NOCASE,
    value TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (doc, name)
) WITHOUT ROWID;
CREATE INDEX repo_doc_udfs_lookup ON repo_doc_udfs(name, value);
