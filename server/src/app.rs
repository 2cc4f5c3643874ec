//! The application context that services share: the database, the keys and
//! the settings, plus the data-folder layout.

use std::path::PathBuf;
use std::sync::Arc;

use openlocker_db::{DatabaseUrl, Db};

use crate::locker::activity_behind::ActivityBehind;
use crate::locker::verify_gate::VerifyGate;
use crate::platform::crypto::Keys;
use crate::platform::error::Error;
use crate::platform::objects::Objects;
use crate::platform::settings::Settings;
use crate::repository::cache::RepoCache;
use crate::wire::replay::ReplayGuard;

/// Everything a service needs; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    /// Where stored files live (the data folder, or a shared bucket).
    pub objects: Arc<Objects>,
    /// This process's name in import leases: random, so two nodes (or a
    /// node and an admin command) never share one.
    pub node_id: Arc<str>,
    pub keys: Arc<Keys>,
    pub settings: Arc<Settings>,
    /// The txns seen inside the window (one guard per process).
    pub replay: Arc<ReplayGuard>,
    /// The repository's clients, documents and contents most recently pulled.
    pub repo_cache: Arc<RepoCache>,
    /// Admission to public verification (per address, bounded workers).
    pub verify_gate: Arc<VerifyGate>,
    /// The partner API's activity, written behind in batches.
    pub activity_behind: Arc<ActivityBehind>,
}

impl App {
    /// Opens the data folder: creates it, its master key and its database on
    /// first use, and migrates the database.
    pub fn open(settings: Settings) -> Result<App, Error> {
        crate::platform::data_dir::prepare(&settings.data_dir).map_err(|e| {
            Error::Internal(format!(
                "cannot create data folder {}: {e}",
                settings.data_dir.display()
            ))
        })?;
        crate::platform::passwords::limit(
            settings.password_hash_concurrency,
            settings.password_hash_queue,
            std::time::Duration::from_secs(settings.password_hash_wait_seconds),
        );
        let keys = Keys::load_or_create_file(&settings.master_key_path())?;
        let objects = Objects::open(settings.object_store_url.as_deref(), &settings.data_dir)?;
        let url = DatabaseUrl::parse(&settings.database_url()?)?;
        // The redacted form: a password in the URL never reaches the log.
        tracing::info!(database = %url.redacted(), "opening the database");
        let db = Db::open_url(&url, 8)?;
        let app = App {
            db,
            objects: Arc::new(objects),
            node_id: format!("{}-{}", std::process::id(), crate::platform::crypto::random_hex(8)).into(),
            keys: Arc::new(keys),
            replay: Arc::new(ReplayGuard::new(settings.ts_window_minutes)),
            repo_cache: Arc::new(RepoCache::new(settings.repo_cache_mib as usize * 1024 * 1024)),
            verify_gate: Arc::new(VerifyGate::default()),
            activity_behind: Arc::new(ActivityBehind::default()),
            settings: Arc::new(settings),
        };
        std::fs::create_dir_all(app.incoming_dir())?;
        tracing::info!(objects = %app.objects.describe(), node = %app.node_id, "stored files");
        Ok(app)
    }

    /// The same context with `public_url` set.
    pub fn with_public_url(&self, url: String) -> App {
        let mut settings = (*self.settings).clone();
        settings.public_url = Some(url);
        App {
            settings: Arc::new(settings),
            ..self.clone()
        }
    }

    /// Where request bodies are spooled while they are read.
    pub fn incoming_dir(&self) -> PathBuf {
        self.settings.data_dir.join("incoming")
    }

    /// A new spool file's path in [`Self::incoming_dir`].
    pub fn spool_path(&self, extension: &str) -> PathBuf {
        self.incoming_dir().join(spool_name(extension))
    }
}

/// A new spool file name, `<pid>-<random>.<extension>`: the process id
/// tells a server starting up which spools are left by a dead process
/// (see [`is_stale_spool`]).
pub fn spool_name(extension: &str) -> String {
    format!(
        "{}-{}.{extension}",
        std::process::id(),
        crate::platform::crypto::random_hex(16)
    )
}

/// Whether the spool file `name` belongs to no running server: its process
/// is gone (or is this one, just started), or it has no process id at all.
pub fn is_stale_spool(name: &str, alive: impl Fn(u32) -> bool) -> bool {
    match name.split_once('-').and_then(|(pid, _)| pid.parse::<u32>().ok()) {
        Some(pid) => pid == std::process::id() || !alive(pid),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spools_of_dead_processes_are_stale_and_a_live_ones_are_kept() {
        let name = spool_name("part");
        assert!(name.starts_with(&format!("{}-", std::process::id())));
        assert!(
            is_stale_spool(&name, |_| true),
            "ours, at start-up, are left by a crash"
        );
        assert!(is_stale_spool("4242-ab.part", |_| false));
        assert!(!is_stale_spool("4242-ab.part", |pid| pid == 4242));
        assert!(is_stale_spool("0123abcd.part", |_| true), "the old unnamed form");
    }
}
