//! The real `openlocker` binary as a child process: `serve` on a loopback
//! port with its own data folder and its logs kept, and `kyc-sim`.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use super::{CliOutput, NEVER, WWW_DIR, bin, cli};

/// A running server with its own data folder.
pub struct Server {
    child: Child,
    pub base: String,
    pub data: PathBuf,
    _dir: Option<tempfile::TempDir>,
    logs: Arc<Mutex<String>>,
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

    fn start_in_with_env(data: &Path, env: &[(&str, &str)], extra: &[&str]) -> Server {
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
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let base = address_in(&first, "server");
        let logs = Arc::new(Mutex::new(first));
        for stream in [
            Box::new(stdout) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            collect_lines(stream, logs.clone());
        }
        Server {
            child,
            base,
            data: data.to_owned(),
            _dir: None,
            logs,
        }
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
        cli(&self.data, &all)
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
