-- The resident's side of the locker: sign-in throttling, the activity log,
-- and Uploaded Documents in folders.
-- NEVER EDIT a migration that has landed: add a new numbered file instead.

-- One row per failed sign-in, under a throttle key: `account:...` (a
-- resident, or a keyed hash of an unknown user name) or `address:...` (the
-- client address). Rows older than the throttle window are purged as new
-- ones arrive; a successful sign-in deletes its account's rows.
CREATE TABLE login_failures (
    key       TEXT NOT NULL,
    failed_at INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, failed_at);
CREATE INDEX login_failures_time ON login_failures(failed_at);

-- What a resident did, and from where: sign-ins, uploads, downloads...
-- `kind` is free text so that new features need no migration.
CREATE TABLE activity (
    id          INTEGER PRIMARY KEY,
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    user_agent  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activity_resident ON activity(resident_id, id);

-- A resident's folders of Uploaded Documents; names unique per resident.
CREATE TABLE upload_folders (
    id          INTEGER PRIMARY KEY,
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    name        TEXT NOT NULL COLLATE NOCASE,
    created_at  INTEGER NOT NULL,
    UNIQUE (resident_id, name)
);

-- Uploaded Documents. The bytes live sealed under data/uploads/, named by
-- `content_id` (a keyed hash of the content), shared by every row with the
-- same content. No ON DELETE on folder_id: a folder that holds files
-- cannot be deleted. folder_id NULL is the top level.
CREATE TABLE uploaded_files (
    id           INTEGER PRIMARY KEY,
    resident_id  INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    folder_id    INTEGER REFERENCES upload_folders(id),
    name         TEXT NOT NULL COLLATE NOCASE,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    content_id   TEXT NOT NULL,
    uploaded_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX uploaded_files_name ON uploaded_files(resident_id, IFNULL(folder_id, 0), name);
CREATE INDEX uploaded_files_folder ON uploaded_files(folder_id);
CREATE INDEX uploaded_files_content ON uploaded_files(content_id);
