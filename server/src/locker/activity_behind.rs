//! Activity written behind: the partner API's calls are logged, and their
//! grants' `last_used_at` moved, in batches, so `files/issued` and the
//! other reads stay reads on the hot path.
//!
//! A batch is written every second by the server (`serve`), at once when it
//! reaches [`FLUSH_AT`] entries, before a resident's log or connected apps
//! are read (so a resident always sees their own calls), and when the
//! server stops. A batch that cannot be written (the database is away)
//! stays queued and is tried again; only past [`MAX_QUEUED`] entries are the
//! oldest dropped, with a warning.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use openlocker_db::activity::{self, NewEntry};

use crate::app::App;
use crate::locker::activity::{Client, Kind, clean_detail};
use crate::platform::error::Error;

/// A queue this long is written by the call that fills it.
const FLUSH_AT: usize = 1000;
/// The most entries kept while the database is away.
const MAX_QUEUED: usize = 100_000;

/// An entry waiting to be written.
struct Pending {
    resident_id: i64,
    at: i64,
    kind: &'static str,
    detail: String,
    client: Client,
}

#[derive(Default)]
struct Queue {
    entries: Vec<Pending>,
    /// Grant id → the latest use.
    grant_uses: HashMap<i64, i64>,
}

/// The queue, one per process (shared by every worker).
#[derive(Default)]
pub struct ActivityBehind {
    queue: Mutex<Queue>,
    /// Held while a batch is written, so batches land in order.
    writing: Mutex<()>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The queue holds plain data: a panic elsewhere leaves it whole.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ActivityBehind {
    /// Queues an entry for the resident's log and notes the grant's use.
    pub fn record(
        &self,
        app: &App,
        grant_id: i64,
        resident_id: i64,
        detail: &str,
        client: &Client,
    ) -> Result<(), Error> {
        let at = crate::platform::dates::unix_now();
        let full = {
            let mut queue = lock(&self.queue);
            queue.entries.push(Pending {
                resident_id,
                at,
                kind: Kind::PartnerCall.as_str(),
                detail: clean_detail(detail),
                client: client.trimmed(),
            });
            let last = queue.grant_uses.entry(grant_id).or_insert(at);
            *last = (*last).max(at);
            queue.entries.len() >= FLUSH_AT
        };
        if full {
            self.flush(app)?;
        }
        Ok(())
    }

    /// Writes what is queued in one transaction. On failure the batch goes
    /// back to the front of the queue.
    pub fn flush(&self, app: &App) -> Result<usize, Error> {
        let _writing = lock(&self.writing);
        let batch = std::mem::take(&mut *lock(&self.queue));
        if batch.entries.is_empty() && batch.grant_uses.is_empty() {
            return Ok(0);
        }
        let entries: Vec<NewEntry<'_>> = batch
            .entries
            .iter()
            .map(|p| NewEntry {
                resident_id: p.resident_id,
                at: p.at,
                kind: p.kind,
                detail: &p.detail,
                ip: &p.client.ip,
                user_agent: &p.client.user_agent,
            })
            .collect();
        let uses: Vec<(i64, i64)> = batch.grant_uses.iter().map(|(id, at)| (*id, *at)).collect();
        match activity::write_behind(&app.db, &entries, &uses) {
            Ok(()) => Ok(batch.entries.len()),
            Err(e) => {
                drop(entries);
                self.requeue(batch);
                Err(e.into())
            }
        }
    }

    /// Puts a batch that could not be written back before what came since.
    fn requeue(&self, batch: Queue) {
        let mut queue = lock(&self.queue);
        let since = std::mem::take(&mut *queue);
        let (merged, dropped) = merge_back(batch, since, MAX_QUEUED);
        if dropped > 0 {
            tracing::warn!(
                dropped,
                "the activity queue is full while the database is away; dropped the oldest entries"
            );
        }
        *queue = merged;
    }

    /// How many entries wait.
    pub fn queued(&self) -> usize {
        lock(&self.queue).entries.len()
    }
}

/// A failed batch back in front of what was queued since, keeping each
/// grant's latest use and at most `cap` entries (the newest); how many
/// were dropped.
fn merge_back(mut failed: Queue, mut since: Queue, cap: usize) -> (Queue, usize) {
    failed.entries.append(&mut since.entries);
    for (id, at) in since.grant_uses {
        let last = failed.grant_uses.entry(id).or_insert(at);
        *last = (*last).max(at);
    }
    let dropped = failed.entries.len().saturating_sub(cap);
    failed.entries.drain(..dropped);
    (failed, dropped)
}

/// Writes the queue if anything waits, logging (not failing) when the
/// database is away: for readers and writers of a resident's log.
pub fn flush_pending(app: &App) {
    if app.activity_behind.queued() == 0 {
        return;
    }
    if let Err(e) = app.activity_behind.flush(app) {
        tracing::warn!(error = %e, queued = app.activity_behind.queued(), "could not write the queued partner activity yet");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(details: &[&str], uses: &[(i64, i64)]) -> Queue {
        Queue {
            entries: details
                .iter()
                .map(|d| Pending {
                    resident_id: 1,
                    at: 0,
                    kind: "partner_call",
                    detail: (*d).to_owned(),
                    client: Client::default(),
                })
                .collect(),
            grant_uses: uses.iter().copied().collect(),
        }
    }

    #[test]
    fn a_failed_batch_goes_back_first_and_keeps_the_latest_use() {
        let (merged, dropped) = merge_back(
            queue(&["a", "b"], &[(7, 10), (8, 30)]),
            queue(&["c"], &[(7, 20), (9, 5)]),
            10,
        );
        assert_eq!(dropped, 0);
        let order: Vec<&str> = merged.entries.iter().map(|p| p.detail.as_str()).collect();
        assert_eq!(order, ["a", "b", "c"]);
        assert_eq!(merged.grant_uses, HashMap::from([(7, 20), (8, 30), (9, 5)]));
    }

    #[test]
    fn past_the_cap_the_oldest_entries_go() {
        let (merged, dropped) = merge_back(queue(&["a", "b", "c"], &[]), queue(&["d"], &[]), 2);
        assert_eq!(dropped, 2);
        let order: Vec<&str> = merged.entries.iter().map(|p| p.detail.as_str()).collect();
        assert_eq!(order, ["c", "d"]);
    }
}
