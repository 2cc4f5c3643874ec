//! Admission to public verification (`POST /api/verify`), which needs no
//! sign-in and costs an RSA verification and a canonicalization per call: a
//! per-address limit in fixed one-minute windows, and a bounded number of
//! verifications at once (the rest wait briefly, then are told to retry).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::platform::error::Error;

/// Verifications one address may ask for per minute.
const PER_ADDRESS_PER_MINUTE: u32 = 30;
/// Verifications that run at once: about the cores a server gives them.
const WORKERS: usize = 2;
/// How long a request waits for a free worker before it is told to retry.
const QUEUE_WAIT: Duration = Duration::from_secs(5);
/// Addresses remembered at most; past this, old windows are dropped first.
const MAX_ADDRESSES: usize = 100_000;

/// The gate; one per process.
pub struct VerifyGate {
    windows: Mutex<HashMap<String, (i64, u32)>>,
    workers: Arc<Semaphore>,
}

impl Default for VerifyGate {
    fn default() -> Self {
        VerifyGate {
            windows: Mutex::new(HashMap::new()),
            workers: Arc::new(Semaphore::new(WORKERS)),
        }
    }
}

impl VerifyGate {
    /// Counts a request from `address` (a throttle address key) at `now`
    /// (Unix seconds); 429 past the limit.
    pub fn count(&self, address: &str, now: i64) -> Result<(), Error> {
        let window = now - now.rem_euclid(60);
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() >= MAX_ADDRESSES {
            windows.retain(|_, (start, _)| *start == window);
        }
        let entry = windows.entry(address.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 += 1;
        if entry.1 > PER_ADDRESS_PER_MINUTE {
            return Err(Error::TooManyRequests {
                message: format!("more than {PER_ADDRESS_PER_MINUTE} verifications a minute from your address"),
                retry_after: (window + 60 - now).max(1) as u64,
            });
        }
        Ok(())
    }

    /// A worker slot, held while one verification runs.
    pub async fn worker(&self) -> Result<OwnedSemaphorePermit, Error> {
        match tokio::time::timeout(QUEUE_WAIT, self.workers.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Error::TooManyRequests {
                message: "the verifier is busy; try again in a moment".into(),
                retry_after: 1,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_limited_per_minute_and_others_are_not() {
        let gate = VerifyGate::default();
        let start = 1_800_000_000; // a multiple of 60: the start of a window
        for _ in 0..PER_ADDRESS_PER_MINUTE {
            gate.count("a", start + 5).unwrap();
        }
        match gate.count("a", start + 10) {
            Err(Error::TooManyRequests { retry_after, .. }) => assert_eq!(retry_after, 50),
            other => panic!("expected 429, got {other:?}"),
        }
        gate.count("b", start + 10).unwrap();
        gate.count("a", start + 60).unwrap();
    }
}
