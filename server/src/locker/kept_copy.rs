//! Kept copies of issued documents: what a v1.13 issuer's Pull URI answer
//! carried (the PDF and the certificate XML) is kept sealed under
//! `issued/` of the object store, in the same sealed, content-addressed store as Uploaded
//! Documents ([`crate::locker::uploads::store`]), so a document opens and is shared
//! from the copy without calling the issuer again. A copy whose row went (a
//! pushed `D`) is removed by [`remove_unused`].

use std::io::{Read, Write};
use std::sync::{Mutex, MutexGuard};

use hmac::Mac;
use openlocker_db::docs::{self, KeptCopy};

use crate::app::App;
use crate::locker::uploads::store;
use crate::platform::error::Error;
use crate::platform::sealed_file::SealedWriter;

/// Held while a copy is stored and recorded, and while unused copies are
/// removed, so a removal never takes bytes that a save is about to refer to.
static STORE_LOCK: Mutex<()> = Mutex::new(());

/// Takes the store lock.
pub fn lock() -> MutexGuard<'static, ()> {
    // A panic elsewhere leaves nothing half-done that the lock protects.
    STORE_LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where kept copies are stored.
pub fn shelf(app: &App) -> store::Shelf<'_> {
    store::Shelf {
        objects: &app.objects,
        folder: "issued",
    }
}

/// Stores `bytes` sealed (once per content) and returns its content id.
/// Call under [`lock`], and record the id before letting go of it.
pub fn put(app: &App, bytes: &[u8]) -> Result<String, Error> {
    let mut hasher = app.keys.content_id_hasher();
    hasher.update(bytes);
    let content_id = hex::encode(hasher.finalize().into_bytes());
    let spooled = app.spool_path("kept");
    let written = (|| -> Result<(), Error> {
        let mut writer = SealedWriter::new(std::fs::File::create(&spooled)?, app.keys.file_cipher())?;
        writer.write_all(bytes)?;
        writer.finish()?;
        shelf(app).put(&content_id, &spooled)
    })();
    // The spooled name goes either way; the stored one is a hard link.
    let _ = std::fs::remove_file(&spooled);
    written.map(|()| content_id)
}

/// Stores each part that is there and returns where they are.
pub fn put_parts(app: &App, doc_content: Option<&[u8]>, data_content: Option<&[u8]>) -> Result<KeptCopy, Error> {
    Ok(KeptCopy {
        doc_content_id: doc_content.map(|b| put(app, b)).transpose()?,
        data_content_id: data_content.map(|b| put(app, b)).transpose()?,
    })
}

/// The bytes of a kept part.
pub fn read(app: &App, content_id: &str) -> Result<Vec<u8>, Error> {
    let mut reader = shelf(app).open(content_id, app.keys.file_cipher())?;
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Removes the files of kept copies that no document refers to any more;
/// how many went.
pub fn remove_unused(app: &App) -> Result<usize, Error> {
    let _guard = lock();
    let unused = docs::unused_trashed_copies(&app.db)?;
    let root = shelf(app);
    let mut removed = Vec::with_capacity(unused.len());
    for content_id in unused {
        // One left for now (written lately to a shared store) stays in the
        // trash for a later run.
        if root.remove_unused(&content_id)? {
            removed.push(content_id);
        }
    }
    docs::clear_copy_trash(&app.db, &removed)?;
    if !removed.is_empty() {
        tracing::info!(files = removed.len(), "removed kept copies of deleted documents");
    }
    Ok(removed.len())
}
