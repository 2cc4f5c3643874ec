-- Pull URI search by residents (see ../sqlite/0004-pull-search.sql).
-- NEVER EDIT a migration that has landed: add a new numbered file instead.

ALTER TABLE doc_types ADD COLUMN pull_sends_uid BIGINT NOT NULL DEFAULT 0;

ALTER TABLE issued_docs ADD COLUMN source TEXT NOT NULL DEFAULT 'push'
    CHECK (source IN ('push', 'pull'));
