-- Verification links (INTERFACE section 7, GET /verify/{token}): what the
-- QR code beside an issued document opens. The token is kept only as its
-- SHA-256, as shares keep theirs; the link answers the verified summary of
-- the certificate XML kept under certificate_id (a content id in the
-- locker's store of issued documents), never the PDF.
CREATE TABLE verify_links (
    id             INTEGER PRIMARY KEY,
    resident_id    INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    uri            TEXT NOT NULL,
    doc_name       TEXT NOT NULL,
    certificate_id TEXT NOT NULL,
    token_hash     BLOB NOT NULL UNIQUE,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    revoked_at     INTEGER
);
CREATE INDEX verify_links_resident ON verify_links(resident_id, id);
