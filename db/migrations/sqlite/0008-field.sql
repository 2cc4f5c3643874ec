-- Field compatibility with Issuer API v1.13 (issue 11).
-- NEVER EDIT a migration that has landed: add a new numbered file instead.

-- How the locker signs the body of each request to an issuer's repository
-- (`x-digilocker-hmac`): base64 of the raw HMAC-SHA256, of its hex, or none.
ALTER TABLE issuers ADD COLUMN pull_hmac TEXT NOT NULL DEFAULT 'raw'
    CHECK (pull_hmac IN ('raw', 'hex', 'none'));

-- What a Pull URI search of a doc type also sends, and what of the answer's
-- IssuedTo/Persons must agree with the resident before anything is saved.
-- Doc types that exist match by name from now on.
ALTER TABLE doc_types ADD COLUMN pull_sends_name INTEGER NOT NULL DEFAULT 0;
ALTER TABLE doc_types ADD COLUMN pull_sends_dob INTEGER NOT NULL DEFAULT 0;
ALTER TABLE doc_types ADD COLUMN pull_match TEXT NOT NULL DEFAULT 'name';

-- (The gender column comes with 0007-identity.) The 36-character
-- DigiLocker id sent to every issuer, drawn once at random (a version-4 UUID
-- in form) and never changed.
ALTER TABLE residents ADD COLUMN digilocker_id TEXT;
UPDATE residents SET digilocker_id = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
    || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1)
    || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));
CREATE UNIQUE INDEX residents_digilocker_id ON residents(digilocker_id);
CREATE TRIGGER residents_new_digilocker_id AFTER INSERT ON residents
    WHEN NEW.digilocker_id IS NULL
BEGIN
    UPDATE residents SET digilocker_id = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
        || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1)
        || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
    WHERE id = NEW.id;
END;

-- The kept copy of a document that came through Pull URI (or a pushed URI of
-- a v1.13 issuer, resolved at first open): sealed files in data/issued/,
-- named by content id. The PDF (DocContent) and the certificate XML
-- (DataContent); NULL when the issuer gave none.
ALTER TABLE issued_docs ADD COLUMN doc_content_id TEXT;
ALTER TABLE issued_docs ADD COLUMN data_content_id TEXT;

-- The repository: the owner's phone for IssuedTo, and the DLTS Certificate
-- XML built once when the document is stored (its content hash under
-- data/repo/), which DataContent carries and a signer may sign.
ALTER TABLE repo_docs ADD COLUMN owner_phone TEXT;
ALTER TABLE repo_docs ADD COLUMN certificate_sha256 TEXT;

-- Aadhaar-seeded search by UID: a keyed HMAC of the MD5 of the number (the
-- MD5 itself is a reversible form of the number and is never stored).
ALTER TABLE repo_doc_owners ADD COLUMN uid_hmac BLOB;
CREATE INDEX repo_doc_owners_uid ON repo_doc_owners(uid_hmac);

-- Kept copies whose row went (a pushed D) or changed: their files are removed
-- by the locker once no row refers to them any more.
CREATE TABLE issued_copy_trash (
    content_id TEXT NOT NULL PRIMARY KEY
) WITHOUT ROWID;
CREATE TRIGGER issued_docs_copy_deleted AFTER DELETE ON issued_docs
    WHEN OLD.doc_content_id IS NOT NULL OR OLD.data_content_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO issued_copy_trash (content_id)
        SELECT value FROM (SELECT OLD.doc_content_id AS value UNION SELECT OLD.data_content_id)
        WHERE value IS NOT NULL;
END;
