//! Signed e-documents: the repository's signing keys (the current one and
//! those it replaced), the certificates a locker trusts per issuer, and the
//! locker's verdict on each issued document.

use crate::sql::params;

use crate::sql::{OptionalRow, Row};
use crate::{Db, DbResult, UnixTime};

/// A repository signing key as stored (its private key sealed).
#[derive(Debug, Clone)]
pub struct SigningKey {
    pub id: i64,
    pub fingerprint: String,
    pub cert_der: Vec<u8>,
    pub key_enc: Vec<u8>,
    pub source: String,
    pub created_at: UnixTime,
    pub retired_at: Option<UnixTime>,
}

/// A key to store.
pub struct NewSigningKey<'a> {
    pub fingerprint: &'a str,
    pub cert_der: &'a [u8],
    pub key_enc: &'a [u8],
    /// `generated` or `pkcs12`.
    pub source: &'a str,
    pub now: UnixTime,
}

const KEY_COLUMNS: &str = "id, fingerprint, cert_der, key_enc, source, created_at, retired_at";

fn key_from_row(r: &Row<'_>) -> DbResult<SigningKey> {
    Ok(SigningKey {
        id: r.get(0)?,
        fingerprint: r.get(1)?,
        cert_der: r.get(2)?,
        key_enc: r.get(3)?,
        source: r.get(4)?,
        created_at: r.get(5)?,
        retired_at: r.get(6)?,
    })
}

/// The current signing key, if one was made or imported.
pub fn current_key(db: &Db) -> DbResult<Option<SigningKey>> {
    db.conn()?
        .query_row(
            &format!("SELECT {KEY_COLUMNS} FROM repo_signing_keys WHERE retired_at IS NULL"),
            params![],
            key_from_row,
        )
        .optional_row()
}

/// Stores `key` as the current key unless there is one already (another
/// node may have made its own first), and returns whichever is current.
pub fn insert_key_if_absent(db: &Db, key: &NewSigningKey<'_>) -> DbResult<SigningKey> {
    let conn = db.conn()?;
    conn.execute(
        "INSERT INTO repo_signing_keys (fingerprint, cert_der, key_enc, source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        params![key.fingerprint, key.cert_der, key.key_enc, key.source, key.now],
    )?;
    conn.query_row(
        &format!("SELECT {KEY_COLUMNS} FROM repo_signing_keys WHERE retired_at IS NULL"),
        params![],
        key_from_row,
    )
}

/// Makes `key` the current key and retires the one before, in one
/// transaction. `Conflict` when this very certificate is stored already.
pub fn replace_key(db: &Db, key: &NewSigningKey<'_>) -> DbResult<SigningKey> {
    let conn = db.conn()?;
    let tx = conn.transaction()?;
    tx.execute(
        "UPDATE repo_signing_keys SET retired_at = ?1 WHERE retired_at IS NULL",
        [key.now],
    )?;
    tx.execute(
        "INSERT INTO repo_signing_keys (fingerprint, cert_der, key_enc, source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![key.fingerprint, key.cert_der, key.key_enc, key.source, key.now],
    )?;
    let stored = tx.query_row(
        &format!("SELECT {KEY_COLUMNS} FROM repo_signing_keys WHERE retired_at IS NULL"),
        params![],
        key_from_row,
    )?;
    tx.commit()?;
    Ok(stored)
}

/// A retired key's certificate, with how many documents it signed.
#[derive(Debug, Clone)]
pub struct RetiredKey {
    pub key: SigningKey,
    pub documents: u64,
}

/// The keys that were replaced, newest first.
pub fn retired_keys(db: &Db) -> DbResult<Vec<RetiredKey>> {
    let conn = db.conn()?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {KEY_COLUMNS}, (SELECT count(*) FROM repo_docs d WHERE d.signing_key = k.id)
         FROM repo_signing_keys k WHERE retired_at IS NOT NULL ORDER BY retired_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map(params![], |r| {
        Ok(RetiredKey {
            key: key_from_row(r)?,
            documents: r.get::<_, i64>(7)? as u64,
        })
    })?;
    rows.collect::<Result<_, _>>()
}

/// Trusts a certificate for an issuer; adding it twice is a no-op.
pub fn add_issuer_cert(db: &Db, issuer_id: &str, fingerprint: &str, cert_der: &[u8], now: UnixTime) -> DbResult<()> {
    db.conn()?.execute(
        "INSERT INTO issuer_certs (issuer_id, fingerprint, cert_der, added_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        params![issuer_id, fingerprint, cert_der, now],
    )?;
    Ok(())
}

/// The certificates (DER) trusted for an issuer, oldest first.
pub fn issuer_certs(db: &Db, issuer_id: &str) -> DbResult<Vec<Vec<u8>>> {
    let conn = db.conn()?;
    let mut stmt =
        conn.prepare_cached("SELECT cert_der FROM issuer_certs WHERE issuer_id = ?1 ORDER BY added_at, fingerprint")?;
    let rows = stmt.query_map([issuer_id], |r| r.get(0))?;
    rows.collect::<Result<_, _>>()
}

/// The locker's verdict on one document.
pub struct Verdict<'a> {
    /// `valid`, `invalid` or `unsigned`.
    pub state: &'a str,
    pub detail: Option<&'a str>,
    pub signed_by: Option<&'a str>,
}

/// Records the verdict on `uri` for every locker that holds it (the same
/// document has one signature whoever holds it).
pub fn set_issued_verdict(db: &Db, uri: &str, verdict: &Verdict<'_>) -> DbResult<()> {
    db.conn()?.execute(
        "UPDATE issued_docs SET signature = ?2, signature_detail = ?3, signed_by = ?4 WHERE uri = ?1",
        params![uri, verdict.state, verdict.detail, verdict.signed_by],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> ((), crate::testing::TestDb) {
        ((), crate::testing::db(2))
    }

    fn key(fingerprint: &str, now: UnixTime) -> NewSigningKey<'_> {
        NewSigningKey {
            fingerprint,
            cert_der: b"cert",
            key_enc: b"sealed",
            source: "generated",
            now,
        }
    }

    #[test]
    fn the_first_key_made_wins_and_an_import_retires_it() {
        let (_dir, db) = db();
        assert!(current_key(&db).unwrap().is_none());
        let first = insert_key_if_absent(&db, &key("aa", 1)).unwrap();
        let second = insert_key_if_absent(&db, &key("bb", 2)).unwrap();
        assert_eq!(
            second.fingerprint, "aa",
            "a node that made its own key second uses the first"
        );
        assert_eq!(first.id, second.id);
        let imported = replace_key(
            &db,
            &NewSigningKey {
                source: "pkcs12",
                ..key("cc", 3)
            },
        )
        .unwrap();
        assert_eq!(current_key(&db).unwrap().unwrap().fingerprint, "cc");
        assert_eq!(imported.source, "pkcs12");
        let retired = retired_keys(&db).unwrap();
        assert_eq!(retired.len(), 1);
        assert_eq!(retired[0].key.fingerprint, "aa");
        assert_eq!(retired[0].key.retired_at, Some(3));
        assert!(replace_key(&db, &key("cc", 4)).is_err(), "the same certificate twice");
        assert_eq!(
            current_key(&db).unwrap().unwrap().fingerprint,
            "cc",
            "a failed import changes nothing"
        );
    }

    #[test]
    fn issuer_certificates_are_kept_per_issuer() {
        let (_dir, db) = db();
        add_issuer_cert(&db, "in.board", "aa", b"one", 1).unwrap();
        add_issuer_cert(&db, "IN.BOARD", "aa", b"one", 2).unwrap();
        add_issuer_cert(&db, "in.board", "bb", b"two", 3).unwrap();
        assert_eq!(
            issuer_certs(&db, "in.board").unwrap(),
            vec![b"one".to_vec(), b"two".to_vec()]
        );
        assert!(issuer_certs(&db, "in.other").unwrap().is_empty());
    }
}
