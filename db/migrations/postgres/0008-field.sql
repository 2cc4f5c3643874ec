-- Field compatibility with Issuer API v1.13 (see ../sqlite/0008-field.sql).
-- NEVER EDIT a migration that has landed: add a new numbered file instead.

ALTER TABLE issuers ADD COLUMN pull_hmac TEXT NOT NULL DEFAULT 'raw'
    CHECK (pull_hmac IN ('raw', 'hex', 'none'));

ALTER TABLE doc_types ADD COLUMN pull_sends_name BIGINT NOT NULL DEFAULT 0;
ALTER TABLE doc_types ADD COLUMN pull_sends_dob BIGINT NOT NULL DEFAULT 0;
ALTER TABLE doc_types ADD COLUMN pull_match TEXT NOT NULL DEFAULT 'name';

-- The 36-character DigiLocker id, a random version-4 UUID drawn once per
-- resident (SQLite draws it in a trigger; here it is the column default).
ALTER TABLE residents ADD COLUMN digilocker_id TEXT;
UPDATE residents SET digilocker_id = gen_random_uuid()::text;
ALTER TABLE residents ALTER COLUMN digilocker_id SET DEFAULT gen_random_uuid()::text;
CREATE UNIQUE INDEX residents_digilocker_id ON residents(digilocker_id);

ALTER TABLE issued_docs ADD COLUMN doc_content_id TEXT;
ALTER TABLE issued_docs ADD COLUMN data_content_id TEXT;

ALTER TABLE repo_docs ADD COLUMN owner_phone TEXT;
ALTER TABLE repo_docs ADD COLUMN certificate_sha256 TEXT;

ALTER TABLE repo_doc_owners ADD COLUMN uid_hmac BYTEA;
CREATE INDEX repo_doc_owners_uid ON repo_doc_owners(uid_hmac);

-- Kept copies whose row went: their files are removed by the locker once
-- no row refers to them any more.
CREATE TABLE issued_copy_trash (
    content_id TEXT NOT NULL PRIMARY KEY
);
CREATE FUNCTION issued_docs_copy_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO issued_copy_trash (content_id)
        SELECT DISTINCT v FROM (VALUES (OLD.doc_content_id), (OLD.data_content_id)) AS copies (v)
        WHERE v IS NOT NULL
        ON CONFLICT DO NOTHING;
    RETURN OLD;
END
$$;
CREATE TRIGGER issued_docs_copy_deleted AFTER DELETE ON issued_docs
    FOR EACH ROW WHEN (OLD.doc_content_id IS NOT NULL OR OLD.data_content_id IS NOT NULL)
    EXECUTE FUNCTION issued_docs_copy_deleted();
