//! The application context that services share: the database, the keys and
//! the settings, plus the data-folder layout.

use std::path::PathBuf;
use std::sync::Arc;

use openlocker_db::Db;

use crate::platform::crypto::Keys;
use crate::platform::error::Error;
use crate::platform::settings::Settings;
use crate::repository::cache::RepoCache;
use crate::wire::replay::ReplayGuard;

/// Everything a service needs; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub keys: Arc<Keys>,
    pub settings: Arc<Settings>,
    /// The txns seen inside the window (one guard per process).
    pub replay: Arc<ReplayGuard>,
    /// The repository's clients, documents and contents most recently pulled.
    pub repo_cache: Arc<RepoCache>,
}

impl App {
    /// Opens the data folder: creates it, its master key and its database on
    /// first use, and migrates the database.
    pub fn open(settings: Settings) -> Result<App, Error> {
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
            Error::Internal(format!(
                "cannot create data folder {}: {e}",
                settings.data_dir.display()
            ))
        })?;
        let keys = Keys::load_or_create(&settings.data_dir)?;
        let db = Db::open(&settings.db_path(), 8)?;
        let app = App {
            db,
            keys: Arc::new(keys),
            replay: Arc::new(ReplayGuard::new(settings.ts_window_minutes)),
            repo_cache: Arc::new(RepoCache::new(
                &settings.data_dir,
                settings.repo_cache_mib as usize * 1024 * 1024,
            )),
            settings: Arc::new(settings),
        };
        for dir in [app.imports_dir(), app.incoming_dir()] {
            std::fs::create_dir_all(&dir)?;
        }
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

    /// Where accepted CSV files wait for (and stay after) import.
    pub fn imports_dir(&self) -> PathBuf {
        self.settings.data_dir.join("imports")
    }

    /// Where request bodies are spooled while they are read.
    pub fn incoming_dir(&self) -> PathBuf {
        self.settings.data_dir.join("incoming")
    }
}
