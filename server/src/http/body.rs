//! Request bodies spooled to disk as they arrive, with a size cap checked
//! while streaming, so a large upload is never held in memory.

use std::io::Read;
use std::path::Path;

use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::platform::error::Error;
use crate::platform::sealed_file::Encoder;
use crate::platform::spool::SpoolFile;

/// A spooled body; the file is removed when this is dropped.
pub struct Spooled {
    file: SpoolFile,
    pub bytes: u64,
}

impl Spooled {
    pub fn path(&self) -> &Path {
        self.file.path()
    }
}

/// The `Content-Length` the client declared, if any.
pub fn declared_length(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

fn too_large(limit: u64) -> Error {
    Error::TooLarge(format!("the request body is larger than the limit of {limit} bytes"))
}

/// Streams the body, sealed (see `sealed_file`), into a new file in `dir`,
/// refusing it as soon as it passes `limit` bytes (at once when
/// `Content-Length` says it will).
pub async fn spool(
    req: &HttpRequest,
    payload: web::Payload,
    dir: &Path,
    limit: u64,
    cipher: aes_gcm::Aes256Gcm,
) -> Result<Spooled, Error> {
    spool_after(req, &[], payload, dir, limit, cipher).await
}

/// [`spool`], for a body whose first bytes, `head`, were already read.
pub async fn spool_after(
    req: &HttpRequest,
    head: &[u8],
    mut payload: web::Payload,
    dir: &Path,
    limit: u64,
    cipher: aes_gcm::Aes256Gcm,
) -> Result<Spooled, Error> {
    if declared_length(req).is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let mut spooled = Spooled {
        file: SpoolFile::new_in(dir),
        bytes: head.len() as u64,
    };
    let file = tokio::fs::File::create(spooled.path()).await?;
    let mut writer = tokio::io::BufWriter::with_capacity(256 * 1024, file);
    let mut encoder = Encoder::new(cipher)?;
    writer.write_all(&encoder.push(head)?).await?;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(unreadable)?;
        spooled.bytes += chunk.len() as u64;
        if spooled.bytes > limit {
            return Err(too_large(limit));
        }
        writer.write_all(&encoder.push(&chunk)?).await?;
    }
    writer.write_all(&encoder.finish()?).await?;
    writer.flush().await?;
    Ok(spooled)
}

/// Reads the first bytes of the body until `complete` says they are
/// enough (or the body ends), within `limit`; the rest stays unread.
pub async fn read_head(
    req: &HttpRequest,
    payload: &mut web::Payload,
    limit: u64,
    complete: impl Fn(&[u8]) -> Result<bool, Error>,
) -> Result<web::BytesMut, Error> {
    if declared_length(req).is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let mut head = web::BytesMut::new();
    while !complete(&head)? {
        match payload.next().await {
            Some(chunk) => head.extend_from_slice(&chunk.map_err(unreadable)?),
            None => break,
        }
    }
    Ok(head)
}

fn unreadable(err: actix_web::error::PayloadError) -> Error {
    Error::Invalid(format!("the request body could not be read: {err}"))
}

/// Reads a small body (an XML request) into memory, refusing it as soon as
/// it passes `limit` bytes.
pub async fn read_small(req: &HttpRequest, mut payload: web::Payload, limit: u64) -> Result<web::Bytes, Error> {
    if declared_length(req).is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(unreadable)?;
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Bytes read at a time by [`stream_reader`].
const STREAM_CHUNK: usize = 64 * 1024;

/// A response body read from a blocking reader a chunk at a time on the
/// blocking pool, so a download holds one chunk in memory, not the file.
pub fn stream_reader<R: Read + Send + 'static>(
    reader: R,
) -> impl futures_util::Stream<Item = Result<web::Bytes, Error>> {
    futures_util::stream::try_unfold(reader, |mut reader| async move {
        let (reader, chunk) = web::block(move || {
            let mut chunk = vec![0u8; STREAM_CHUNK];
            let n = reader.read(&mut chunk)?;
            chunk.truncate(n);
            Ok::<_, std::io::Error>((reader, chunk))
        })
        .await??;
        Ok((!chunk.is_empty()).then(|| (web::Bytes::from(chunk), reader)))
    })
}
