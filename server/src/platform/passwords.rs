//! Password hashing with argon2id (the argon2 crate's defaults: v19,
//! 19 MiB, 2 passes), and the rule on what a password must be.
//!
//! Each hash holds 19 MiB while it runs, so the process runs only a few at
//! once (see [`HashGate`]): a burst of sign-ins, right or wrong, waits in a
//! short queue or is told to come back (503), instead of taking gigabytes.
//! The 19 MiB are not allocated per hash either: each permit owns one work
//! area, made once and reused. A fresh 19 MiB allocation per hash, freed on
//! whichever of the blocking threads ran it, left the allocator holding
//! hundreds of megabytes across its per-thread arenas.

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::platform::error::Error;

/// At most `permits` hashes run at once; up to `queue` more wait, each at
/// most `wait`; the rest are refused at once.
pub struct HashGate {
    permits: usize,
    queue: usize,
    wait: Duration,
    state: Mutex<GateState>,
    freed: Condvar,
}

#[derive(Default)]
struct GateState {
    running: usize,
    waiting: usize,
    /// Work areas of finished hashes, for the next ones.
    spare: Vec<Vec<Block>>,
}

/// A running hash's place and its work area; both go back when dropped.
struct Permit<'a> {
    gate: &'a HashGate,
    memory: Vec<Block>,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut state = self.gate.state.lock().unwrap_or_else(|e| e.into_inner());
        state.running -= 1;
        state.spare.push(std::mem::take(&mut self.memory));
        drop(state);
        self.gate.freed.notify_one();
    }
}

impl HashGate {
    /// A gate of `permits` (at least 1) running and `queue` waiting.
    pub fn new(permits: usize, queue: usize, wait: Duration) -> HashGate {
        HashGate {
            permits: permits.max(1),
            queue,
            wait,
            state: Mutex::new(GateState::default()),
            freed: Condvar::new(),
        }
    }

    /// Runs `work` with a work area once a place is free, or refuses with
    /// [`Error::Busy`].
    pub fn run<T>(&self, work: impl FnOnce(&mut Vec<Block>) -> T) -> Result<T, Error> {
        let mut permit = self.acquire()?;
        Ok(work(&mut permit.memory))
    }

    fn acquire(&self) -> Result<Permit<'_>, Error> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.running < self.permits {
            return Ok(self.admit(&mut state));
        }
        if state.waiting >= self.queue {
            return Err(self.busy());
        }
        state.waiting += 1;
        let deadline = Instant::now() + self.wait;
        while state.running >= self.permits {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                state.waiting -= 1;
                return Err(self.busy());
            }
            state = self
                .freed
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        state.waiting -= 1;
        Ok(self.admit(&mut state))
    }

    fn admit(&self, state: &mut GateState) -> Permit<'_> {
        state.running += 1;
        Permit {
            gate: self,
            memory: state.spare.pop().unwrap_or_default(),
        }
    }

    fn busy(&self) -> Error {
        tracing::warn!(
            permits = self.permits,
            queue = self.queue,
            "password checks are all busy"
        );
        Error::Busy {
            message: "the server is busy checking passwords; please try again shortly".into(),
            retry_after: self.wait.as_secs().max(1),
        }
    }
}

static GATE: OnceLock<HashGate> = OnceLock::new();

/// Sets the process's bounds (once, at start; later calls change nothing).
/// `permits` 0 means min(cores, 8).
pub fn limit(permits: usize, queue: usize, wait: Duration) {
    let permits = match permits {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
        n => n,
    };
    let _ = GATE.set(HashGate::new(permits, queue, wait));
}

fn gate() -> &'static HashGate {
    GATE.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        HashGate::new(cores, 64, Duration::from_secs(10))
    })
}

/// Shortest password accepted.
pub const MIN_LEN: usize = 10;

/// Checks the password rule, then hashes it into a PHC string (argon2id,
/// v19, the crate's default cost).
pub fn hash(password: &str) -> Result<String, Error> {
    if password.chars().count() < MIN_LEN {
        return Err(Error::Invalid(format!(
            "a password needs at least {MIN_LEN} characters"
        )));
    }
    let mut salt = [0u8; 16];
    crate::platform::crypto::fill_random(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(argon2_error)?;
    let params = Params::DEFAULT;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(argon2_error)?;
    gate().run(|memory| {
        compute(
            Algorithm::Argon2id,
            Version::V0x13,
            &params,
            password,
            salt_bytes,
            &mut out,
            memory,
        )
    })??;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(argon2_error)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(argon2_error)?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the stored PHC string; `Err` only when the
/// server is too busy to check.
pub fn verify(password: &str, stored: &str) -> Result<bool, Error> {
    let Some(stored) = Stored::parse(stored) else {
        return Ok(false);
    };
    let mut out = vec![0u8; stored.expected.len()];
    let computed = gate().run(|memory| {
        compute(
            stored.algorithm,
            stored.version,
            &stored.params,
            password,
            &stored.salt,
            &mut out,
            memory,
        )
    })?;
    // Output's equality is constant-time.
    Ok(computed.is_ok() && Output::new(&out).is_ok_and(|o| o == stored.expected))
}

/// A stored PHC string, taken apart.
struct Stored {
    algorithm: Algorithm,
    version: Version,
    params: Params,
    salt: Vec<u8>,
    expected: Output,
}

impl Stored {
    fn parse(phc: &str) -> Option<Stored> {
        let parsed = PasswordHash::new(phc).ok()?;
        let mut salt = [0u8; 64];
        Some(Stored {
            algorithm: Algorithm::try_from(parsed.algorithm).ok()?,
            version: parsed
                .version
                .map_or(Some(Version::V0x13), |v| Version::try_from(v).ok())?,
            params: Params::try_from(&parsed).ok()?,
            salt: parsed.salt?.decode_b64(&mut salt).ok()?.to_vec(),
            expected: parsed.hash?,
        })
    }
}

/// One argon2 hash of `password` into `out`, in `memory` (grown to the
/// cost's size the first time, then reused).
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    password: &str,
    salt: &[u8],
    out: &mut [u8],
    memory: &mut Vec<Block>,
) -> Result<(), Error> {
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory[..params.block_count()])
        .map_err(argon2_error)
}

fn argon2_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("argon2: {e}"))
}

/// Spends the time of a real verification, so that "no such user" and
/// "wrong password" take equally long.
pub fn verify_dummy(password: &str) -> Result<(), Error> {
    const DUMMY: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$hCcqkl6ZAU1QjKkp6ozvHOmtZZ6ZwDFq7lI9Z1Cf6Y4";
    verify(password, DUMMY).map(|_| ())
}

/// Signs in a portal user found by username (or not): the user when the
/// password matches, else one message for both "no such user" and "wrong
/// password", after the same time spent.
pub fn sign_in<U>(found: Option<U>, password: &str, hash_of: impl Fn(&U) -> &str) -> Result<U, Error> {
    let refused = || Error::Unauthorized("the username and password do not match".into());
    match found {
        Some(user) if verify(password, hash_of(&user))? => Ok(user),
        Some(_) => Err(refused()),
        None => {
            verify_dummy(password)?;
            Err(refused())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        // The argon2 crate's own verifier agrees, so stored hashes stay
        // standard PHC strings.
        use argon2::password_hash::PasswordVerifier;
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        assert!(verify("correct horse battery", &h).unwrap());
        assert!(!verify("wrong horse battery", &h).unwrap());
        assert!(hash("short").is_err());
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_itself_verify() {
        use argon2::password_hash::PasswordHasher;
        // Made the crate's own way (a fresh work area each time), as every
        // stored hash before the reused work areas was.
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let theirs = Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        assert!(verify("correct horse battery", &theirs).unwrap());
        assert!(!verify("correct horse batterz", &theirs).unwrap());
        // A cheaper cost than ours still verifies (a larger work area is reused).
        let cheap = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"correct horse battery", &salt)
        .unwrap()
        .to_string();
        assert!(verify("correct horse battery", &cheap).unwrap());
        assert!(!verify("x", "not a phc string").unwrap());
    }

    #[test]
    fn work_areas_are_reused_not_made_per_hash() {
        let gate = HashGate::new(1, 1, Duration::from_millis(100));
        let first = gate.run(|memory| {
            memory.resize(8, Block::default());
            memory.as_ptr() as usize
        });
        let second = gate.run(|memory| memory.as_ptr() as usize);
        assert_eq!(
            first.unwrap(),
            second.unwrap(),
            "the second hash got the first one's area"
        );
    }

    #[test]
    fn the_hash_gate_runs_at_most_its_permits_and_refuses_past_its_queue() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let gate = Arc::new(HashGate::new(2, 3, Duration::from_millis(400)));
        let (running, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (gate, running, peak) = (gate.clone(), running.clone(), peak.clone());
                std::thread::spawn(move || {
                    gate.run(|_| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(150));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
            })
            .collect();
        let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(peak.load(Ordering::SeqCst), 2, "never more than the permits at once");
        let refused = results.iter().filter(|r| matches!(r, Err(Error::Busy { .. }))).count();
        // 2 run, 3 wait (and get their turn within 400 ms), 3 are refused.
        assert_eq!(refused, 3, "{results:?}");
    }

    #[test]
    fn a_waiter_gives_up_after_the_wait() {
        let gate = Arc::new(HashGate::new(1, 5, Duration::from_millis(100)));
        let holder = {
            let gate = gate.clone();
            std::thread::spawn(move || gate.run(|_| std::thread::sleep(Duration::from_millis(500))))
        };
        std::thread::sleep(Duration::from_millis(50));
        let started = Instant::now();
        assert!(matches!(gate.run(|_| ()), Err(Error::Busy { retry_after: 1, .. })));
        assert!(started.elapsed() < Duration::from_millis(450));
        holder.join().unwrap().unwrap();
    }
}
