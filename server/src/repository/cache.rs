//! What the Pull Doc API reads on every request, kept in memory: the
//! clients (with their keys opened), the documents by URI, and the
//! base64 contents of the documents most recently pulled.
//!
//! A client changed by an admin command (another process, at any node) is
//! forgotten within [`CHANGES_EVERY`]: the command bumps the `repo_clients`
//! change counter in the database, which each node reads at most once in
//! that time. Clients and documents are also trusted for [`FRESH_FOR`] only,
//! in case the database is changed by other means.
//! Contents are stored by hash and never change, so they stay until the
//! memory budget pushes them out, oldest first.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use openlocker_db::repo::Doc;
use openlocker_db::{Db, DbResult, changes};

/// How long a cached client or document is trusted.
pub const FRESH_FOR: Duration = Duration::from_secs(5);

/// How often a node reads the clients' change counter: a client disabled
/// at one node is refused at every node within this (and a request's time).
pub const CHANGES_EVERY: Duration = Duration::from_secs(1);

/// The change counter of the repository's clients.
const CLIENTS: &str = "repo_clients";

/// Most clients or documents remembered at once.
const MAX_ENTRIES: usize = 100_000;

/// A repository client with its API key opened.
pub struct CachedClient {
    pub org_id: String,
    pub key: Vec<u8>,
    pub disabled: bool,
}

/// The memory of the Pull APIs; one per process.
pub struct RepoCache {
    /// The clients' change counter as last read, and when.
    clients_seen: Mutex<Option<(i64, Instant)>>,
    clients: FreshMap<CachedClient>,
    docs: FreshMap<Doc>,
    contents: Mutex<Contents>,
}

impl RepoCache {
    /// A cache holding up to `content_budget` bytes of document contents.
    pub fn new(content_budget: usize) -> RepoCache {
        RepoCache {
            clients_seen: Mutex::new(None),
            clients: FreshMap::default(),
            docs: FreshMap::default(),
            contents: Mutex::new(Contents {
                budget: content_budget,
                ..Contents::default()
            }),
        }
    }

    /// The client with this orgId, if it was read in the last few seconds
    /// and no client changed since (see [`CHANGES_EVERY`]). Without `db`
    /// (an async worker, which must not block), `None` when the change
    /// counter is due to be read again.
    pub fn client(&self, db: Option<&Db>, org_id: &str) -> Option<Arc<CachedClient>> {
        let mut seen = lock(&self.clients_seen);
        let fresh = seen.is_some_and(|(_, at)| at.elapsed() < CHANGES_EVERY);
        if !fresh {
            let db = db?;
            // A database that does not answer: trust nothing (the caller's
            // own read then fails with the cause).
            let counter = changes::counter(db, CLIENTS).ok();
            let unchanged = matches!((*seen, counter), (Some((was, _)), Some(now)) if was == now);
            *seen = counter.map(|now| (now, Instant::now()));
            if !unchanged {
                lock(&self.clients.entries).clear();
                return None;
            }
        }
        drop(seen);
        self.clients.get(org_id)
    }

    /// Tells every node that a client changed.
    pub fn clients_changed(&self, db: &Db) -> DbResult<()> {
        changes::bump(db, CLIENTS)?;
        // This node forgets at once.
        *lock(&self.clients_seen) = None;
        lock(&self.clients.entries).clear();
        Ok(())
    }

    pub fn put_client(&self, client: CachedClient) -> Arc<CachedClient> {
        self.clients.put(&client.org_id.clone(), client)
    }

    /// The document with this URI, if it was read in the last few seconds.
    pub fn doc(&self, uri: &str) -> Option<Arc<Doc>> {
        self.docs.get(uri)
    }

    pub fn put_doc(&self, doc: Doc) -> Arc<Doc> {
        self.docs.put(&doc.uri.clone(), doc)
    }

    /// The base64 content of the document with this SHA-256.
    pub fn content(&self, sha256: &str) -> Option<Bytes> {
        lock(&self.contents).by_hash.get(sha256).cloned()
    }

    /// Keeps a base64 content, pushing out the oldest ones over the budget.
    /// A content larger than a quarter of the budget is not kept.
    pub fn put_content(&self, sha256: &str, base64: Bytes) {
        let mut contents = lock(&self.contents);
        if base64.len() > contents.budget / 4 || contents.by_hash.contains_key(sha256) {
            return;
        }
        contents.used += base64.len();
        contents.by_hash.insert(sha256.to_owned(), base64);
        contents.oldest_first.push_back(sha256.to_owned());
        while contents.used > contents.budget {
            let Some(oldest) = contents.oldest_first.pop_front() else {
                break;
            };
            if let Some(gone) = contents.by_hash.remove(&oldest) {
                contents.used -= gone.len();
            }
        }
    }
}

#[derive(Default)]
struct Contents {
    budget: usize,
    used: usize,
    by_hash: HashMap<String, Bytes>,
    oldest_first: VecDeque<String>,
}

/// Values by a case-insensitive name, trusted for [`FRESH_FOR`].
struct FreshMap<T> {
    entries: Mutex<HashMap<String, (Instant, Arc<T>)>>,
}

impl<T> Default for FreshMap<T> {
    fn default() -> Self {
        FreshMap {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> FreshMap<T> {
    fn get(&self, name: &str) -> Option<Arc<T>> {
        let entries = lock(&self.entries);
        let (read_at, value) = entries.get(&name.to_ascii_lowercase())?;
        (read_at.elapsed() < FRESH_FOR).then(|| value.clone())
    }

    fn put(&self, name: &str, value: T) -> Arc<T> {
        let value = Arc::new(value);
        let mut entries = lock(&self.entries);
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (read_at, _)| read_at.elapsed() < FRESH_FOR);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(name.to_ascii_lowercase(), (Instant::now(), value.clone()));
        value
    }
}

/// A poisoned cache is still a valid cache: every update is one insert or
/// remove.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_over_the_budget_push_out_the_oldest() {
        let cache = RepoCache::new(100);
        cache.put_content("a", Bytes::from(vec![b'A'; 20]));
        cache.put_content("b", Bytes::from(vec![b'B'; 25]));
        cache.put_content("huge", Bytes::from(vec![b'H'; 26]));
        assert!(cache.content("huge").is_none(), "over a quarter of the budget");
        for name in ["c", "d", "e"] {
            cache.put_content(name, Bytes::from(vec![b'C'; 25]));
        }
        assert!(cache.content("a").is_none(), "the oldest went first");
        assert_eq!(cache.content("b").unwrap().len(), 25);
        assert!(cache.content("e").is_some());
    }

    #[test]
    fn clients_are_found_case_insensitively_until_a_client_changes() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite"), 2).unwrap();
        let cache = RepoCache::new(0);
        let put = || {
            cache.put_client(CachedClient {
                org_id: "ORG1".into(),
                key: b"k".to_vec(),
                disabled: false,
            })
        };
        assert!(cache.client(Some(&db), "ORG1").is_none());
        put();
        assert_eq!(cache.client(Some(&db), "org1").unwrap().key, b"k");
        assert!(cache.client(Some(&db), "ORG2").is_none());
        // Another node (here: another cache on the same database) changes a client.
        RepoCache::new(0).clients_changed(&db).unwrap();
        std::thread::sleep(CHANGES_EVERY);
        assert!(cache.client(Some(&db), "ORG1").is_none(), "forgotten within a second");
        put();
        assert!(cache.client(Some(&db), "ORG1").is_some());
        cache.clients_changed(&db).unwrap();
        assert!(
            cache.client(Some(&db), "ORG1").is_none(),
            "and at once by the node that changed it"
        );
    }
}
