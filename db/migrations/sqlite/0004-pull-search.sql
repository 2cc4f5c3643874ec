-- Pull URI search by residents.
-- NEVER EDIT a migration that has landed: add a new numbered file instead.

-- Doc types whose Pull URI search carries the resident's own Aadhaar number
-- (UID), for repositories that match the owner as well as the search fields.
ALTER TABLE doc_types ADD COLUMN pull_sends_uid INTEGER NOT NULL DEFAULT 0;

-- How an issued document reached the locker: pushed by its issuer, or pulled
-- by the resident through a Pull URI search.
ALTER TABLE issued_docs ADD COLUMN source TEXT NOT NULL DEFAULT 'push'
    CHECK (source IN ('push', 'pull'));
