//! An S3-compatible bucket as the object store, through the `object_store`
//! crate. Its calls are async; ours block (as file and database calls do),
//! so each call runs on one small runtime of its own and the caller waits
//! for its answer. Reads stream in ranged GETs of [`WINDOW`] bytes, and
//! uploads of files stream in multipart parts: no object is held whole in
//! memory unless the caller asks for all of it.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path as FilePath;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::path::Path;
use object_store::{ClientOptions, ObjectStore, RetryConfig};
use tokio::io::AsyncWriteExt;

use super::{Listed, ObjectReader};
use crate::platform::error::Error;

/// Bytes fetched per ranged read.
const WINDOW: u64 = 1024 * 1024;

pub struct Bucket {
    store: Arc<dyn ObjectStore>,
    name: String,
    endpoint: String,
}

/// The runtime of object store calls; never dropped (dropping a runtime
/// inside another one panics).
fn runtime() -> Result<&'static tokio::runtime::Runtime, Error> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("object-store")
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("object store runtime: {e}")))?;
    Ok(RUNTIME.get_or_init(|| rt))
}

/// Runs `call` on the object store runtime and waits for its outcome.
fn run<T: Send + 'static>(
    call: impl Future<Output = Result<T, object_store::Error>> + Send + 'static,
) -> Result<T, Error> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    runtime()?.spawn(async move {
        let _ = tx.send(call.await);
    });
    rx.recv()
        .map_err(|_| Error::Internal("the object store call was dropped".into()))?
        .map_err(refusal)
}

/// Our error for an object store's: a missing object is not found, the
/// rest means the store is not serving (503).
fn refusal(err: object_store::Error) -> Error {
    match err {
        object_store::Error::NotFound { path, .. } => Error::NotFound(format!("no stored object {path}")),
        other => Error::Unavailable(format!("the object store did not answer: {other}")),
    }
}

/// `s3://BUCKET?endpoint=…&region=…`: the bucket, endpoint and region.
fn parse(url: &str) -> Result<(String, Vec<(String, String)>), Error> {
    let rest = &url["s3://".len()..];
    let (bucket, query) = rest.split_once('?').unwrap_or((rest, ""));
    let bucket = bucket.trim_end_matches('/');
    if bucket.is_empty() || bucket.contains('/') {
        return Err(Error::Invalid(
            "object_store_url: s3://BUCKET?endpoint=URL&region=REGION".into(),
        ));
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query).map_err(|e| Error::Invalid(format!("object_store_url: {e}")))?;
    Ok((bucket.to_owned(), pairs))
}

impl Bucket {
    /// The bucket `url` names; credentials come from `AWS_ACCESS_KEY_ID`
    /// and `AWS_SECRET_ACCESS_KEY` (or the other `AWS_*` sources).
    pub fn open(url: &str) -> Result<Bucket, Error> {
        let (name, pairs) = parse(url)?;
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(&name);
        let mut endpoint = String::from("AWS");
        for (key, value) in pairs {
            match key.as_str() {
                "endpoint" => {
                    builder = builder.with_endpoint(&value);
                    endpoint = value;
                }
                "region" => builder = builder.with_region(value),
                other => return Err(Error::Invalid(format!("object_store_url: unknown parameter {other}"))),
            }
        }
        // A store that is down is told within seconds, not after minutes
        // of the default retries.
        let retry = RetryConfig {
            max_retries: 2,
            retry_timeout: Duration::from_secs(10),
            ..RetryConfig::default()
        };
        let client = ClientOptions::new()
            .with_allow_http(endpoint.starts_with("http://"))
            .with_connect_timeout(Duration::from_secs(3))
            .with_timeout(Duration::from_secs(60));
        let store = builder
            .with_retry(retry)
            .with_client_options(client)
            .build()
            .map_err(|e| Error::Invalid(format!("object_store_url: {e}")))?;
        Ok(Bucket {
            store: Arc::new(store),
            name,
            endpoint,
        })
    }

    pub fn describe(&self) -> String {
        format!("S3 bucket {} at {}", self.name, self.endpoint)
    }

    /// Lists one key's worth: a missing bucket or a store that is down fails.
    pub fn check(&self) -> Result<(), Error> {
        let store = self.store.clone();
        let probe = Path::from("healthz");
        run(async move { store.list_with_delimiter(Some(&probe)).await.map(|_| ()) }).map_err(|e| match e {
            Error::Unavailable(why) if why.contains("NoSuchBucket") => Error::Unavailable(format!(
                "the object store has no bucket {}: create it first ({why})",
                self.name
            )),
            other => other,
        })
    }

    /// Streams the file at `local` up as `key`: one PUT when small, else a
    /// multipart upload that is completed only at the end (aborted on failure).
    pub fn upload(&self, key: &str, local: &FilePath) -> Result<(), Error> {
        let store = self.store.clone();
        let path = Path::from(key);
        let local = local.to_path_buf();
        run(async move {
            let mut file = tokio::fs::File::open(&local).await.map_err(io_failure)?;
            let mut writer = BufWriter::new(store, path);
            let copied = tokio::io::copy(&mut file, &mut writer).await;
            match copied {
                Ok(_) => writer.shutdown().await.map_err(io_failure),
                Err(e) => {
                    let _ = writer.abort().await;
                    Err(io_failure(e))
                }
            }
        })
    }

    pub fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), Error> {
        let store = self.store.clone();
        let path = Path::from(key);
        run(async move { store.put(&path, Bytes::from(bytes).into()).await.map(|_| ()) })
    }

    pub fn exists(&self, key: &str) -> Result<bool, Error> {
        match self.size(key) {
            Ok(_) => Ok(true),
            Err(Error::NotFound(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub fn modified(&self, key: &str) -> Result<Option<std::time::SystemTime>, Error> {
        let store = self.store.clone();
        let path = Path::from(key);
        match run(async move { store.head(&path).await }) {
            Ok(meta) => Ok(Some(meta.last_modified.into())),
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn size(&self, key: &str) -> Result<u64, Error> {
        let store = self.store.clone();
        let path = Path::from(key);
        run(async move { store.head(&path).await.map(|meta| meta.size) })
    }

    pub fn reader(&self, key: &str) -> Result<Box<dyn ObjectReader>, Error> {
        let size = self.size(key)?;
        Ok(Box::new(RangedReader {
            store: self.store.clone(),
            path: Path::from(key),
            size,
            position: 0,
            window: Bytes::new(),
            window_start: 0,
        }))
    }

    pub fn read_all(&self, key: &str) -> Result<Vec<u8>, Error> {
        let store = self.store.clone();
        let path = Path::from(key);
        run(async move { Ok(store.get(&path).await?.bytes().await?.to_vec()) })
    }

    pub fn delete(&self, key: &str) -> Result<(), Error> {
        let store = self.store.clone();
        let path = Path::from(key);
        match run(async move { store.delete(&path).await }) {
            Ok(()) | Err(Error::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    pub fn list(&self, prefix: &str) -> Result<Vec<Listed>, Error> {
        let store = self.store.clone();
        let prefix = Path::from(prefix);
        let metas = run(async move { store.list(Some(&prefix)).try_collect::<Vec<_>>().await })?;
        Ok(metas
            .into_iter()
            .map(|meta| Listed {
                key: meta.location.to_string(),
                name: meta.location.filename().unwrap_or_default().to_owned(),
                modified: meta.last_modified.into(),
            })
            .collect())
    }
}

fn io_failure(err: io::Error) -> object_store::Error {
    object_store::Error::Generic {
        store: "S3",
        source: Box::new(err),
    }
}

/// A stored object read a window at a time with ranged GETs.
struct RangedReader {
    store: Arc<dyn ObjectStore>,
    path: Path,
    size: u64,
    position: u64,
    window: Bytes,
    window_start: u64,
}

impl RangedReader {
    /// Makes the window hold `position`, fetching the next one if it does not.
    fn fill(&mut self) -> io::Result<()> {
        let inside = self.position >= self.window_start && self.position < self.window_start + self.window.len() as u64;
        if inside || self.position >= self.size {
            return Ok(());
        }
        let range = self.position..(self.position + WINDOW).min(self.size);
        let store = self.store.clone();
        let path = self.path.clone();
        let fetched = run(async move { store.get_range(&path, range).await }).map_err(io::Error::other)?;
        self.window_start = self.position;
        self.window = fetched;
        Ok(())
    }
}

impl Read for RangedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.fill()?;
        if self.position >= self.size {
            return Ok(0);
        }
        let offset = (self.position - self.window_start) as usize;
        let n = buf.len().min(self.window.len() - offset);
        buf[..n].copy_from_slice(&self.window[offset..offset + n]);
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for RangedReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.size.checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.position)
    }
}
