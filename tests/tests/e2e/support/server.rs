//! The real `openlocker` binary as a child process: `serve` on a loopback
//! port with its own data folder and its logs kept, and `kyc-sim`.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use super::{CliOutput, NEVER, WWW_DIR, bin, cli_with};

/// A running server with its own data folder.
pub struct Server {
    child: Child,
    pub base: String,
    pub data: PathBuf,
    _dir: Option<tempfile::TempDir>,
    logs: Arc<Mutex<String>>,
    /// Settings flags and variables the admin commands of this server get
    /// too (a cluster node's object store and master key).
    cli_flags: Vec<String>,
    cli_env: Vec<(String, String)>,
}

impl Server {
    /// A server on a fresh data folder; `extra` flags go before `serve`.
    pub fn start(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut server = Server::start_in(&dir.path().join("data"), extra);
        server._dir = Some(dir);
        server
    }

    /// A server on a fresh data folder, with `env` set for it (settings as
    /// `OPENLOCKER_*` variables, or `OPENLOCKER_FAULT`).
    pub fn start_with_env(env: &[(&str, &str)], extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut server = Server::start_in_with_env(&dir.path().join("data"), env, extra);
        server._dir = Some(dir);
        server
    }

    /// A server on the given data folder.
    pub fn start_in(data: &Path, extra: &[&str]) -> Server {
        Server::start_in_with_env(data, &[], extra)
    }

    /// A server on the given data folder, with `env` set for it.
    pub fn start_in_with_env(data: &Path, env: &[(&str, &str)], extra: &[&str]) -> Server {
        let mut child = Command::new(bin())
            .arg("--data-dir")
            .arg(data)
            .args(crate::backend::database_args(data))
            .args(serve_flags(extra))
            .arg("serve")
            .env("OPENLOCKER_LOG", "debug")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The log is read from the start: a server that fails to start says
        // why there, and a full pipe must not stall it before its first line.
        let logs = Arc::new(Mutex::new(String::new()));
        collect_lines(Box::new(child.stderr.take().unwrap()), logs.clone());
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        if first.is_empty() {
            std::thread::sleep(std::time::Duration::from_millis(300));
            panic!("the server did not start:\n{}", logs.lock().unwrap());
        }
        let base = address_in(&first, "server");
        logs.lock().unwrap().insert_str(0, &first);
        collect_lines(Box::new(stdout), logs.clone());
        Server {
            child,
            base,
            data: data.to_owned(),
            _dir: None,
            logs,
            cli_flags: Vec::new(),
            cli_env: Vec::new(),
        }
    }

    /// Kills the server (`kill -9`), as a node that dies.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills the server (`kill -9`) and starts a new one on the same data
    /// folder, with the same flags.
    pub fn crash_and_restart(&mut self, extra: &[&str]) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let dir = self._dir.take();
        *self = Server::start_in(&self.data, extra);
        self._dir = dir;
    }

    /// Whether the server process is still running (it did not exit or panic).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Everything the server wrote to stdout and stderr so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs an admin subcommand with `--json` on this server's data folder.
    pub fn cli(&self, args: &[&str]) -> CliOutput {
        let mut all = vec!["--json"];
        all.extend(args);
        cli_with(&self.data, &self.cli_flags, &self.cli_env, &all)
    }

    /// Gives this server's admin commands these settings flags and variables.
    pub fn with_cli_settings(mut self, flags: &[&str], env: &[(&str, &str)]) -> Server {
        self.cli_flags = flags.iter().map(|f| f.to_string()).collect();
        self.cli_env = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `openlocker kyc-sim` on a loopback port, fed the given fixture text.
pub struct KycSim {
    child: Child,
    pub base: String,
    _dir: tempfile::TempDir,
}

impl KycSim {
    pub fn start(fixture: &str) -> KycSim {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.csv");
        std::fs::write(&path, fixture).unwrap();
        let mut child = Command::new(bin())
            .args(["--bind", "127.0.0.1:0", "kyc-sim", "--fixture"])
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let base = address_in(&first, "kyc-sim");
        KycSim { child, base, _dir: dir }
    }
}

impl Drop for KycSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The default flags before `serve`, then `extra`: a free loopback port,
/// the workspace's web folder and an import schedule that never fires,
/// unless `extra` sets them.
fn serve_flags<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args: Vec<&str> = vec!["--bind", "127.0.0.1:0"];
    if !extra.contains(&"--www-dir") {
        args.extend(["--www-dir", WWW_DIR]);
    }
    if !extra.contains(&"--import-schedule") {
        args.extend(["--import-schedule", NEVER]);
    }
    args.extend(extra);
    args
}

/// The `http://` address a process printed on its first line.
fn address_in(first: &str, who: &str) -> String {
    first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("{who} did not print its address: {first:?}"))
        .to_owned()
}

/// Appends every line of `stream` to `logs`, on a thread of its own.
fn collect_lines(stream: Box<dyn Read + Send>, logs: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            logs.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
}
