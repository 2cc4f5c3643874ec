-- Issue 15. Whether an issuer's Pull URLs were last set by the issuer in its
-- portal (1: the locker calls them on public addresses only) or by the
-- operator on the command line (0: trusted, loopback allowed).
ALTER TABLE issuers ADD COLUMN pull_set_in_portal INTEGER NOT NULL DEFAULT 0;
