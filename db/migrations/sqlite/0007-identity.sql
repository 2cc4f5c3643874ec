-- Identity assurance: an Aadhaar number is printed on many papers, so
-- claiming one proves nothing. Residents are unverified until an operator,
-- counter staff or an e-KYC OTP vouches for them; only a verified resident
-- sees the documents pushed for the number.
-- NEVER EDIT a migration that has landed: add a new numbered file instead.

-- residents is rebuilt because aadhaar_hmac loses its UNIQUE: several
-- unverified accounts may claim one number. One verified account per
-- number is enforced by the partial unique index below, so two
-- verifications racing each other cannot both win. (The migration runner
-- turns foreign keys off around each step, so the tables that refer to
-- residents keep their rows; it checks them again before committing.)
CREATE TABLE residents_new (
    id              INTEGER PRIMARY KEY,
    aadhaar_hmac    BLOB NOT NULL,
    aadhaar_enc     BLOB NOT NULL,
    name            TEXT NOT NULL,
    dob             TEXT NOT NULL,
    gender          TEXT CHECK (gender IN ('M', 'F', 'T')),
    mobile          TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    identity_state  TEXT NOT NULL DEFAULT 'unverified'
        CHECK (identity_state IN ('unverified', 'verified')),
    -- operator (resident add / resident verify), counter (issuer portal
    -- counter staff) or ekyc (OTP through kyc_url).
    identity_method TEXT CHECK (identity_method IN ('operator', 'counter', 'ekyc')),
    -- Who vouched: the operator's name, the counter user, the provider.
    identity_by     TEXT,
    verified_at     INTEGER,
    -- Set when another account verified the number this one claimed.
    closed_at       INTEGER,
    CHECK ((identity_state = 'verified') = (verified_at IS NOT NULL AND identity_method IS NOT NULL)),
    CHECK (closed_at IS NULL OR identity_state = 'unverified')
);

-- Lockers opened with `resident add` were an operator's act: verified.
-- Lockers opened by web sign-up were not: unverified. Only `resident add`
-- logged its sign-up as "opened by the operator".
INSERT INTO residents_new (id, aadhaar_hmac, aadhaar_enc, name, dob, mobile, password_hash, created_at,
        identity_state, identity_method, identity_by, verified_at)
    SELECT r.id, r.aadhaar_hmac, r.aadhaar_enc, r.name, r.dob, r.mobile, r.password_hash, r.created_at,
        CASE WHEN o.id IS NULL THEN 'unverified' ELSE 'verified' END,
        CASE WHEN o.id IS NULL THEN NULL ELSE 'operator' END,
        CASE WHEN o.id IS NULL THEN NULL ELSE 'resident add (before identity checks)' END,
        CASE WHEN o.id IS NULL THEN NULL ELSE r.created_at END
    FROM residents r
    LEFT JOIN (SELECT resident_id, min(id) AS id FROM activity
               WHERE kind = 'signed_up' AND detail = 'opened by the operator'
               GROUP BY resident_id) o ON o.resident_id = r.id;

DROP TABLE residents;
ALTER TABLE residents_new RENAME TO residents;
CREATE INDEX residents_aadhaar ON residents(aadhaar_hmac);
CREATE UNIQUE INDEX residents_verified_aadhaar ON residents(aadhaar_hmac)
    WHERE identity_state = 'verified';

-- e-KYC OTP requests the locker made: a verify result counts only for a
-- txn made here, for this resident, unexpired and not used before.
CREATE TABLE kyc_txns (
    txn         TEXT NOT NULL PRIMARY KEY,
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) WITHOUT ROWID;
CREATE INDEX kyc_txns_resident ON kyc_txns(resident_id);

-- Issuer portal users who may verify residents in person (counter staff).
ALTER TABLE issuer_users ADD COLUMN can_verify_residents INTEGER NOT NULL DEFAULT 0;
