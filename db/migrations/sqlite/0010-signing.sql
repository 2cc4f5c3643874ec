-- Signed e-documents (INTERFACE section 7).

-- The repository's signing keys. The current one has no retired_at; an
-- imported key retires the one before, whose certificate stays listed for
-- what it signed. In the database (not a file) so every node signs with the
-- same key; the private key is sealed with the master key.
CREATE TABLE repo_signing_keys (
    id          INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    cert_der    BLOB NOT NULL,
    key_enc     BLOB NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('generated', 'pkcs12')),
    created_at  INTEGER NOT NULL,
    retired_at  INTEGER
);
-- At most one current key: a second node's first-use insert is ignored.
CREATE UNIQUE INDEX repo_signing_keys_current ON repo_signing_keys ((retired_at IS NULL))
    WHERE retired_at IS NULL;

-- The key that signed each document's certificate XML (whose content hash
-- is certificate_sha256, from 0008). NULL for documents stored before
-- signing.
ALTER TABLE repo_docs ADD COLUMN signing_key INTEGER REFERENCES repo_signing_keys(id);

-- The certificates a locker trusts for each issuer (several, for rollover).
CREATE TABLE issuer_certs (
    issuer_id   TEXT NOT NULL COLLATE NOCASE,
    fingerprint TEXT NOT NULL,
    cert_der    BLOB NOT NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (issuer_id, fingerprint)
) WITHOUT ROWID;

-- The locker's verdict on each issued document: 'unchecked' until it is
-- first fetched, then 'valid', 'invalid' (with the reason) or 'unsigned'.
ALTER TABLE issued_docs ADD COLUMN signature TEXT NOT NULL DEFAULT 'unchecked'
    CHECK (signature IN ('unchecked', 'valid', 'invalid', 'unsigned'));
ALTER TABLE issued_docs ADD COLUMN signature_detail TEXT;
ALTER TABLE issued_docs ADD COLUMN signed_by TEXT;
