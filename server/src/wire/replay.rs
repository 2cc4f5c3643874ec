//! Replay protection for the XML APIs: the `txn` values each orgId used
//! inside the window, held in memory and kept in SQLite.
//!
//! A Push CSV request changes the locker, so its txn is written to SQLite
//! in the transaction that queues its task (or on its own when the push is
//! refused): a crash in between loses neither. Pull requests only read, and come far more often:
//! their txns are checked in memory and written behind, in batches, by
//! [`ReplayGuard::flush`] (every second while serving). A crash can forget at
//! most the last second of Pull txns; a server that starts again reloads
//! every txn still inside the window from SQLite. On PostgreSQL, where
//! several nodes share the database, Pull txns are written at once, so a
//! txn used at one node is refused at every other.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

use openlocker_db::txns::{self, SeenTxn};
use openlocker_db::{Db, DbResult, Dialect};

/// `(orgId in lowercase, txn)`: orgIds compare case-insensitively.
type Key = (String, String);

#[derive(Default)]
struct State {
    /// Every txn inside the window, with when it was first used.
    seen: HashMap<Key, i64>,
    /// Pull txns not yet written to SQLite.
    unwritten: Vec<SeenTxn>,
    last_purge: i64,
    /// Txns older than this may be deleted from SQLite by the next flush.
    purge_before: Option<i64>,
}

/// Whether write-behind txns are written at once on `db`: on a shared
/// database (PostgreSQL, several nodes) another node's memory cannot see
/// this one's, so only the table's key can refuse a txn any node used.
pub fn written_at_once(db: &Db) -> bool {
    db.dialect() == Dialect::Postgres
}

/// How a txn use is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Written behind by [`ReplayGuard::flush`].
    WriteBehind,
    /// In memory only: the caller writes it to SQLite together with what it
    /// guards (a Push's task), or with [`ReplayGuard::persist`].
    Deferred,
}

/// The txns seen inside the window; one per server process.
pub struct ReplayGuard {
    /// How long a txn is remembered: a request is acceptable while its ts is
    /// within one window of the clock, on either side, so two windows.
    memory_seconds: i64,
    state: OnceLock<Mutex<State>>,
}

impl ReplayGuard {
    pub fn new(ts_window_minutes: u64) -> ReplayGuard {
        ReplayGuard {
            memory_seconds: 2 * 60 * ts_window_minutes as i64,
            state: OnceLock::new(),
        }
    }

    /// Records that `org_id` used `txn` at `now`; `Ok(false)` is a replay.
    ///
    /// On a shared database (PostgreSQL: several nodes), a write-behind txn
    /// is written at once instead: another node's memory cannot see this
    /// one's, and the table's key refuses a txn any node used.
    pub fn record(&self, db: &Db, org_id: &str, txn: &str, now: i64, durability: Durability) -> DbResult<bool> {
        let key = (org_id.to_ascii_lowercase(), txn.to_owned());
        let mut state = self.state(db)?;
        self.purge_now_and_then(&mut state, now);
        if state.seen.contains_key(&key) {
            return Ok(false);
        }
        match durability {
            Durability::WriteBehind if written_at_once(db) => {
                // Not under the lock: other requests go on meanwhile.
                drop(state);
                let fresh = txns::record(db, org_id, txn, now, self.remember_since(now))?;
                self.state(db)?.seen.insert(key, now);
                return Ok(fresh);
            }
            Durability::WriteBehind => state.unwritten.push(SeenTxn {
                org_id: org_id.to_owned(),
                txn: txn.to_owned(),
                seen_at: now,
            }),
            Durability::Deferred => {}
        }
        state.seen.insert(key, now);
        Ok(true)
    }

    /// The earliest use of a txn that still makes a new use a replay.
    pub fn remember_since(&self, now: i64) -> i64 {
        now - self.memory_seconds
    }

    /// Writes a [`Durability::Deferred`] txn to SQLite on its own (its
    /// request was refused, and the txn is used up all the same).
    pub fn persist(&self, db: &Db, org_id: &str, txn: &str, now: i64) -> DbResult<()> {
        txns::record(db, org_id, txn, now, self.remember_since(now)).map(|_| ())
    }

    /// Forgets a txn, so that a request that failed through no fault of its
    /// sender may be retried with it.
    pub fn forget(&self, db: &Db, org_id: &str, txn: &str) -> DbResult<()> {
        let mut state = self.state(db)?;
        state.seen.remove(&(org_id.to_ascii_lowercase(), txn.to_owned()));
        state
            .unwritten
            .retain(|s| !(s.txn == txn && s.org_id.eq_ignore_ascii_case(org_id)));
        drop(state);
        txns::forget(db, org_id, txn)
    }

    /// Writes the Pull txns not yet in SQLite, in one transaction.
    pub fn flush(&self, db: &Db) -> DbResult<()> {
        let (unwritten, purge_before) = {
            let mut state = self.state(db)?;
            (std::mem::take(&mut state.unwritten), state.purge_before.take())
        };
        // Old txns leave SQLite here, off the request path and its lock.
        if let Some(before) = purge_before {
            txns::purge(db, before)?;
        }
        if unwritten.is_empty() {
            return Ok(());
        }
        let written = txns::record_many(db, &unwritten);
        if written.is_err() {
            // Keep them for the next flush.
            self.state(db)?.unwritten.splice(0..0, unwritten);
        }
        written
    }

    /// The in-memory state, loaded from SQLite on first use (so the CLI,
    /// which never checks a txn, never loads it).
    fn state(&self, db: &Db) -> DbResult<MutexGuard<'_, State>> {
        if self.state.get().is_none() {
            let since = crate::platform::dates::unix_now() - self.memory_seconds;
            let seen = txns::since(db, since)?
                .into_iter()
                .map(|s| ((s.org_id.to_ascii_lowercase(), s.txn), s.seen_at))
                .collect();
            let _ = self.state.set(Mutex::new(State {
                seen,
                ..State::default()
            }));
        }
        let state = self
            .state
            .get()
            .ok_or_else(|| openlocker_db::DbError::Other("the txn memory was not loaded".into()))?;
        Ok(state.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Forgets txns older than the memory, once a minute rather than on
    /// every request; SQLite forgets them at the next [`Self::flush`].
    fn purge_now_and_then(&self, state: &mut State, now: i64) {
        if now - state.last_purge < 60 {
            return;
        }
        state.last_purge = now;
        let keep_since = now - self.memory_seconds;
        state.seen.retain(|_, seen_at| *seen_at >= keep_since);
        state.purge_before = Some(keep_since);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db"), 2).unwrap();
        (dir, db)
    }

    #[test]
    fn a_reused_txn_is_a_replay_in_either_mode_and_per_org() {
        let (_dir, db) = db();
        let guard = ReplayGuard::new(30);
        let now = crate::platform::dates::unix_now();
        assert!(guard.record(&db, "ORG", "t1", now, Durability::WriteBehind).unwrap());
        assert!(!guard.record(&db, "org", "t1", now, Durability::Deferred).unwrap());
        assert!(guard.record(&db, "OTHER", "t1", now, Durability::Deferred).unwrap());
        assert!(!guard.record(&db, "OTHER", "t1", now, Durability::WriteBehind).unwrap());
    }

    #[test]
    fn written_behind_txns_survive_a_restart_once_flushed() {
        let (_dir, db) = db();
        let now = crate::platform::dates::unix_now();
        let first = ReplayGuard::new(30);
        assert!(first.record(&db, "ORG", "t1", now, Durability::WriteBehind).unwrap());
        assert!(first.record(&db, "ORG", "t2", now, Durability::Deferred).unwrap());
        first.persist(&db, "ORG", "t2", now).unwrap();
        // Deferred and never written (its push crashed before its task).
        assert!(first.record(&db, "ORG", "t3", now, Durability::Deferred).unwrap());
        first.flush(&db).unwrap();
        let restarted = ReplayGuard::new(30);
        assert!(
            !restarted
                .record(&db, "ORG", "t1", now, Durability::WriteBehind)
                .unwrap()
        );
        assert!(
            !restarted
                .record(&db, "ORG", "t2", now, Durability::WriteBehind)
                .unwrap()
        );
        assert!(restarted.record(&db, "ORG", "t3", now, Durability::Deferred).unwrap());
    }

    #[test]
    fn a_forgotten_txn_may_be_used_again_and_old_ones_are_purged() {
        let (_dir, db) = db();
        let guard = ReplayGuard::new(1);
        let now = crate::platform::dates::unix_now();
        assert!(guard.record(&db, "ORG", "t1", now, Durability::Deferred).unwrap());
        guard.forget(&db, "ORG", "t1").unwrap();
        assert!(guard.record(&db, "ORG", "t1", now, Durability::Deferred).unwrap());
        assert!(
            guard.record(&db, "ORG", "t1", now + 121, Durability::Deferred).unwrap(),
            "remembered for two windows only"
        );
    }
}
