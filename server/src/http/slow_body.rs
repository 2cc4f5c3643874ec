//! Cuts request bodies that stall or trickle, on every endpoint: a body
//! that sends nothing for `body_timeout_seconds`, or that averages less
//! than `body_min_bytes_per_second` once that long has passed, ends in an
//! error, the handler answers 400 and the connection is closed. Without
//! this, a client could hold a connection, a file descriptor and a spool
//! file open for ever.

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web;
use futures_util::StreamExt;

use crate::app::App;

/// Middleware (`middleware::from_fn`): paces the request's body.
pub async fn cut_slow_bodies(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let pace = req.app_data::<web::Data<App>>().map(|app| Pace {
        idle: Duration::from_secs(app.settings.body_timeout_seconds),
        min_rate: app.settings.body_min_bytes_per_second,
    });
    let req = match pace {
        Some(pace) => {
            let (head, body) = req.into_parts();
            ServiceRequest::from_parts(head, Payload::from(paced(body, pace)))
        }
        None => req,
    };
    next.call(req).await
}

#[derive(Clone, Copy)]
struct Pace {
    idle: Duration,
    min_rate: u64,
}

impl Pace {
    /// Why a body that sent `read` bytes in `elapsed` is too slow, if it is.
    fn too_slow(self, read: u64, elapsed: Duration) -> Option<String> {
        let expected = self.min_rate.saturating_mul(elapsed.as_secs());
        (elapsed > self.idle && read < expected)
            .then(|| format!("the body arrived at less than {} bytes a second", self.min_rate))
    }
}

fn cut(why: String) -> PayloadError {
    PayloadError::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, why))
}

fn paced(
    body: Payload,
    pace: Pace,
) -> std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<web::Bytes, PayloadError>>>> {
    let started = Instant::now();
    let stream = futures_util::stream::unfold(Some((body, 0u64)), move |state| async move {
        let (mut body, read) = state?;
        match tokio::time::timeout(pace.idle, body.next()).await {
            Err(_) => Some((
                Err(cut(format!("the body sent nothing for {} s", pace.idle.as_secs()))),
                None,
            )),
            Ok(None) => None,
            Ok(Some(Err(e))) => Some((Err(e), None)),
            Ok(Some(Ok(chunk))) => {
                let read = read + chunk.len() as u64;
                match pace.too_slow(read, started.elapsed()) {
                    Some(why) => Some((Err(cut(why)), None)),
                    None => Some((Ok(chunk), Some((body, read)))),
                }
            }
        }
    });
    // Fused: a reader that polls again after the end (actix-multipart does)
    // gets the end again instead of a panic in the worker.
    Box::pin(futures_util::StreamExt::fuse(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trickle_is_too_slow_only_after_the_grace_time() {
        let pace = Pace {
            idle: Duration::from_secs(30),
            min_rate: 1024,
        };
        assert_eq!(pace.too_slow(10, Duration::from_secs(29)), None);
        assert!(pace.too_slow(10, Duration::from_secs(31)).is_some());
        assert_eq!(pace.too_slow(40 * 1024, Duration::from_secs(31)), None);
    }
}
