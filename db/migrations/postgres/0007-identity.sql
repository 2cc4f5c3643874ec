-- Identity assurance (see ../sqlite/0007-identity.sql): several unverified
-- accounts may claim one Aadhaar number, at most one is verified (a
-- partial unique index, so racing verifications cannot both win).
-- NEVER EDIT a migration that has landed: add a new numbered file instead.

ALTER TABLE residents DROP CONSTRAINT residents_aadhaar_hmac_key;
ALTER TABLE residents
    ADD COLUMN gender          TEXT CHECK (gender IN ('M', 'F', 'T')),
    ADD COLUMN identity_state  TEXT NOT NULL DEFAULT 'unverified'
        CHECK (identity_state IN ('unverified', 'verified')),
    ADD COLUMN identity_method TEXT CHECK (identity_method IN ('operator', 'counter', 'ekyc')),
    ADD COLUMN identity_by     TEXT,
    ADD COLUMN verified_at     BIGINT,
    ADD COLUMN closed_at       BIGINT;

-- Lockers opened with `resident add` were an operator's act: verified.
UPDATE residents r SET identity_state = 'verified', identity_method = 'operator',
        identity_by = 'resident add (before identity checks)', verified_at = r.created_at
    WHERE EXISTS (SELECT 1 FROM activity a WHERE a.resident_id = r.id
                  AND a.kind = 'signed_up' AND a.detail = 'opened by the operator');

ALTER TABLE residents
    ADD CONSTRAINT residents_identity_complete
        CHECK ((identity_state = 'verified') = (verified_at IS NOT NULL AND identity_method IS NOT NULL)),
    ADD CONSTRAINT residents_closed_unverified
        CHECK (closed_at IS NULL OR identity_state = 'unverified');
CREATE INDEX residents_aadhaar ON residents(aadhaar_hmac);
CREATE UNIQUE INDEX residents_verified_aadhaar ON residents(aadhaar_hmac)
    WHERE identity_state = 'verified';

CREATE TABLE kyc_txns (
    txn         TEXT NOT NULL PRIMARY KEY,
    resident_id BIGINT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX kyc_txns_resident ON kyc_txns(resident_id);

ALTER TABLE issuer_users ADD COLUMN can_verify_residents BIGINT NOT NULL DEFAULT 0;
