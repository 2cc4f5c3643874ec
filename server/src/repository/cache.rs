//! What the Pull Doc API reads on every request, kept in memory: the
//! clients (with their keys opened), the documents by URI, and the
//! base64 contents of the documents most recently pulled.
//!
//! A client changed by an admin command (another process) is forgotten at
//! once: the command grows a stamp file, which the server checks with one
//! `stat` per request. Clients and documents are also trusted for
//! [`FRESH_FOR`] only, in case the database is changed by other means.
//! Contents are stored by hash and never change, so they stay until the
//! memory budget pushes them out, oldest first.

use std::collections::{HashMap, VecDeque};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use openlocker_db::repo::Doc;

/// How long a cached client or document is trusted.
pub const FRESH_FOR: Duration = Duration::from_secs(5);

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
    /// Replaced whenever a client changes.
    stamp: PathBuf,
    /// The stamp's inode and size when the clients were last read.
    clients_stamp: Mutex<Option<(u64, u64)>>,
    clients: FreshMap<CachedClient>,
    docs: FreshMap<Doc>,
    contents: Mutex<Contents>,
}

impl RepoCache {
    /// A cache holding up to `content_budget` bytes of document contents,
    /// watching a stamp file in `data_dir`.
    pub fn new(data_dir: &Path, content_budget: usize) -> RepoCache {
        RepoCache {
            stamp: data_dir.join("repo-clients.stamp"),
            clients_stamp: Mutex::new(None),
            clients: FreshMap::default(),
            docs: FreshMap::default(),
            contents: Mutex::new(Contents {
                budget: content_budget,
                ..Contents::default()
            }),
        }
    }

    /// The client with this orgId, if it was read in the last few seconds.
    pub fn client(&self, org_id: &str) -> Option<Arc<CachedClient>> {
        let stamp = std::fs::metadata(&self.stamp).ok().map(|m| (m.ino(), m.size()));
        let mut seen = lock(&self.clients_stamp);
        if *seen != stamp {
            *seen = stamp;
            lock(&self.clients.entries).clear();
            return None;
        }
        drop(seen);
        self.clients.get(org_id)
    }

    /// Tells every server on this data folder that a client changed: the
    /// stamp grows by one byte, so its size never repeats (file times can).
    pub fn clients_changed(&self) -> std::io::Result<()> {
        use std::io::Write;
        let mut stamp = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.stamp)?;
        stamp.write_all(b".")
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
        let dir = tempfile::tempdir().unwrap();
        let cache = RepoCache::new(dir.path(), 100);
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
        let cache = RepoCache::new(dir.path(), 0);
        let put = || {
            cache.put_client(CachedClient {
                org_id: "ORG1".into(),
                key: b"k".to_vec(),
                disabled: false,
            })
        };
        assert!(cache.client("ORG1").is_none());
        put();
        assert_eq!(cache.client("org1").unwrap().key, b"k");
        assert!(cache.client("ORG2").is_none());
        // Another process (here: another cache on the same folder) changes a client.
        RepoCache::new(dir.path(), 0).clients_changed().unwrap();
        assert!(cache.client("ORG1").is_none(), "forgotten at once");
        put();
        assert!(cache.client("ORG1").is_some());
        RepoCache::new(dir.path(), 0).clients_changed().unwrap();
        assert!(cache.client("ORG1").is_none(), "and again at the next change");
    }
}
