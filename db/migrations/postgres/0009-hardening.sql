-- Issue 15 (see ../sqlite/0009-hardening.sql): whether an issuer's Pull URLs
-- were last set in its portal (1) or by the operator (0).
ALTER TABLE issuers ADD COLUMN pull_set_in_portal BIGINT NOT NULL DEFAULT 0;
