//! Replay protection: the `txn` values each orgId used inside the window.

use crate::Db;
use crate::sql::{Conn, params};

use crate::{DbResult, UnixTime};

/// One use of a `txn` by an orgId.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenTxn {
    pub org_id: String,
    pub txn: String,
    pub seen_at: UnixTime,
}

/// Forgets the txns recorded before `keep_since`; returns how many.
pub fn purge(db: &Db, keep_since: UnixTime) -> DbResult<usize> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute("DELETE FROM seen_txns WHERE seen_at < ?1", [keep_since])
}

/// Records that `org_id` used `txn` at `now`. Returns `false` when it was
/// used at or after `remember_since` (a replay); an older use, not yet
/// purged, no longer counts.
pub fn record(db: &Db, org_id: &str, txn: &str, now: UnixTime, remember_since: UnixTime) -> DbResult<bool> {
    record_on(&db.conn()?, org_id, txn, now, remember_since)
}

pub(crate) fn record_on(
    conn: &Conn,
    org_id: &str,
    txn: &str,
    now: UnixTime,
    remember_since: UnixTime,
) -> DbResult<bool> {
    let changed = conn.execute(
        "INSERT INTO seen_txns (org_id, txn, seen_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (org_id, txn) DO UPDATE SET seen_at = excluded.seen_at WHERE seen_txns.seen_at < ?4",
        params![org_id, txn, now, remember_since],
    )?;
    Ok(changed == 1)
}

/// Records many txn uses in one transaction; a txn already recorded keeps
/// its newest use.
pub fn record_many(db: &Db, seen: &[SeenTxn]) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO seen_txns (org_id, txn, seen_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (org_id, txn) DO UPDATE SET seen_at = CASE WHEN excluded.seen_at > seen_txns.seen_at
                     THEN excluded.seen_at ELSE seen_txns.seen_at END",
        )?;
        for s in seen {
            insert.execute(params![s.org_id, s.txn, s.seen_at])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Every txn recorded at or after `since`.
pub fn since(db: &Db, since: UnixTime) -> DbResult<Vec<SeenTxn>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare("SELECT org_id, txn, seen_at FROM seen_txns WHERE seen_at >= ?1")?;
    let rows = stmt.query_map([since], |r| {
        Ok(SeenTxn {
            org_id: r.get(0)?,
            txn: r.get(1)?,
            seen_at: r.get(2)?,
        })
    })?;
    rows.collect::<Result<_, _>>()
}

/// Forgets a recorded `txn`, for a request that failed after recording it
/// through no fault of the sender, so that the sender may retry.
pub fn forget(db: &Db, org_id: &str, txn: &str) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.execute(
        "DELETE FROM seen_txns WHERE org_id = ?1 AND txn = ?2",
        params![org_id, txn],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_txn_is_a_replay_until_it_is_purged() {
        let db = crate::testing::db(1);
        assert!(record(&db, "ORG", "t1", 1000, 0).unwrap());
        assert_eq!(purge(&db, 400).unwrap(), 0);
        assert!(
            !record(&db, "org", "t1", 4000, 1000).unwrap(),
            "orgIds compare case-insensitively"
        );
        assert!(
            record(&db, "ORG", "t1", 4000, 1001).unwrap(),
            "a use older than the memory no longer counts, purged or not"
        );
        assert!(record(&db, "ORG", "t2", 4000, 0).unwrap());
        assert_eq!(purge(&db, 4001).unwrap(), 2);
    }

    #[test]
    fn many_are_recorded_at_once_and_read_back_by_time() {
        let db = crate::testing::db(1);
        let seen = |txn: &str, at| SeenTxn {
            org_id: "ORG".into(),
            txn: txn.into(),
            seen_at: at,
        };
        record_many(&db, &[seen("a", 10), seen("b", 20)]).unwrap();
        record_many(&db, &[seen("b", 30), seen("a", 5)]).unwrap();
        let mut back = since(&db, 15).unwrap();
        back.sort_by(|x, y| x.txn.cmp(&y.txn));
        assert_eq!(back, vec![seen("b", 30)], "a repeat keeps the newest use");
    }

    #[test]
    fn a_txn_recorded_by_one_node_is_refused_at_another() {
        // Two handles on one database, as two nodes: the primary key decides.
        let (_dir, url) = crate::testing::fresh_url();
        let (a, b) = (
            crate::Db::connect(&url, 2).unwrap(),
            crate::Db::connect(&url, 2).unwrap(),
        );
        assert!(record(&a, "ORG", "t9", 1000, 0).unwrap());
        assert!(!record(&b, "org", "t9", 1001, 0).unwrap(), "a replay at the other node");
    }
}
