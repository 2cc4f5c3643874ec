//! Spool files: a request body or a fetched document on its way in, kept
//! in the incoming folder under a random name and removed when its guard is
//! dropped, whatever path the request took. (Stale ones left by a crash are
//! swept at start-up by `serve`.)

use std::path::{Path, PathBuf};

use crate::platform::crypto;

/// A spool file in `dir`, removed when this is dropped.
#[derive(Debug)]
pub struct SpoolFile(PathBuf);

impl SpoolFile {
    /// A fresh, not yet created, `<random>.part` path in `dir`.
    pub fn new_in(dir: &Path) -> SpoolFile {
        SpoolFile(dir.join(format!("{}.part", crypto::random_hex(16))))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for SpoolFile {
    fn drop(&mut self) {
        // Absent when the spool was never written or was moved on.
        if let Err(e) = std::fs::remove_file(&self.0)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(error = %e, file = %self.0.display(), "could not remove a spool file");
        }
    }
}
