//! Test support: the real `openlocker` binary as a child process on a
//! loopback port ([`server`]), fixtures on it ([`setup`]), its CLI, HTTP
//! helpers ([`http`]) and Push CSV request builders ([`push`]).

pub mod http;
pub mod push;
pub mod s3;
pub mod server;
pub mod setup;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub use http::{Http, Resp};
pub use push::*;
pub use server::{KycSim, Server};
pub use setup::{CBSE, Issuer};

/// The workspace's static web folder, where `cargo xtask` builds the app.
pub const WWW_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../www");

/// A schedule that never fires during a test (midnight on 1 January).
pub const NEVER: &str = "0 0 0 1 1 *";

/// The `openlocker` binary: `OL_TEST_BIN` (set by `cargo xtask test`)
/// or the debug build beside this test binary.
pub fn bin() -> PathBuf {
    if let Some(path) = std::env::var_os("OL_TEST_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join("openlocker");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p openlocker` or `cargo xtask test`",
        path.display()
    );
    path
}

/// What an admin subcommand did.
#[derive(Debug)]
pub struct CliOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl CliOutput {
    /// The one JSON object printed with `--json`; panics unless it succeeded.
    pub fn json(&self) -> serde_json::Value {
        assert_eq!(self.code, 0, "command failed: {}", self.stderr);
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {}", self.stdout))
    }
}

/// Runs `openlocker --data-dir DATA ARGS...`.
pub fn cli(data: &Path, args: &[&str]) -> CliOutput {
    cli_with(data, &[], &[], args)
}

/// `openlocker` on `data` with settings `flags` (before `args`) and `env`.
pub fn cli_with(data: &Path, flags: &[String], env: &[(String, String)], args: &[&str]) -> CliOutput {
    let out = Command::new(bin())
        .arg("--data-dir")
        .arg(data)
        .args(crate::backend::database_args(data))
        .args(flags)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args)
        .output()
        .unwrap();
    CliOutput {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `line` split at its spaces: a command line without quoting.
pub fn words(line: &str) -> Vec<&str> {
    line.split(' ').collect()
}

/// The password every test account uses.
pub const PASSWORD: &str = "a-long-test-password";

/// A valid Aadhaar number (Verhoeff check digit) made from `n`.
pub fn aadhaar(n: u64) -> String {
    openlocker_tests::verhoeff::aadhaar(&format!("{}", 30_000_000_000u64 + n))
}

/// Polls `check` every 50 ms until it returns `Some`, for at most `limit`.
pub fn wait_for<T>(limit: Duration, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
