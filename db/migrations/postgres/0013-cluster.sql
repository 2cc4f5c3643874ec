-- Several nodes on one database (INTERFACE section 9). NEVER EDIT a
-- migration that has landed: add a new numbered file instead.

-- An import file is worked by one node at a time: the node holds a lease
-- until `lease_until` (unix seconds) and renews it with every batch it
-- commits, so a killed node's file is taken over once its lease runs out.
ALTER TABLE import_tasks ADD COLUMN lease_owner TEXT;
ALTER TABLE import_tasks ADD COLUMN lease_until BIGINT;

-- A counter per cached kind of row, bumped by whoever changes such a row;
-- every node's cache compares it with what it last saw.
CREATE TABLE change_counters (
    name    TEXT NOT NULL PRIMARY KEY,
    counter BIGINT NOT NULL
);
INSERT INTO change_counters (name, counter) VALUES ('repo_clients', 0);
