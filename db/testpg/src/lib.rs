//! A real PostgreSQL for the tests of `openlocker-db` and the e2e suite:
//! [`shared`] starts one server per test process (in a temporary folder,
//! with `initdb` and `pg_ctl`, on a free loopback port, as the `postgres`
//! user when run as root, since `initdb` refuses root), and
//! [`Cluster::create_database`] gives each test a database of its own.
//! A watchdog shell stops the server and removes its folder when the test
//! process exits, however it exits (it waits for its stdin to close).
//!
//! The binaries come from Debian's `postgresql` package
//! (`/usr/lib/postgresql/N/bin`, the newest N), or `OL_PG_BIN`.

#![allow(clippy::expect_used)] // a harness that cannot start fails the test run loudly

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

/// The password of the `postgres` role in every test cluster: connections
/// use password (SCRAM) authentication, as a deployment would.
pub const PASSWORD: &str = "ol-test-pw-9f3e";

/// Which backend a test run uses: `OL_TEST_DATABASE=postgres`, else SQLite.
pub fn use_postgres() -> bool {
    std::env::var("OL_TEST_DATABASE").is_ok_and(|v| v.eq_ignore_ascii_case("postgres"))
}

/// The test process's shared server, started on first use.
pub fn shared() -> &'static Cluster {
    static SHARED: OnceLock<Cluster> = OnceLock::new();
    SHARED.get_or_init(Cluster::start)
}

/// A running PostgreSQL server of the tests.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    /// Holding its stdin keeps the watchdog waiting.
    watchdog: Mutex<Child>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args...`, as the `postgres` user when we are root.
fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

fn find_bin() -> PathBuf {
    if let Ok(dir) = std::env::var("OL_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed (/usr/lib/postgresql): `cargo xtask test` installs Debian's postgresql")
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("no initdb under /usr/lib/postgresql/*/bin").1
}

fn run(mut cmd: Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

impl Cluster {
    /// Starts a server of its own (for tests that stop and start it).
    pub fn start() -> Cluster {
        let bin = find_bin();
        let dir = std::env::temp_dir().join(format!(
            "ol-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create the cluster folder");
        let pwfile = dir.join("pw");
        std::fs::write(&pwfile, PASSWORD).expect("write the password file");
        if is_root() {
            run(
                {
                    let mut c = Command::new("chown");
                    c.args(["-R", "postgres:postgres"]).arg(&dir);
                    c
                },
                "chown the cluster folder",
            );
        }
        let mut initdb = as_server_user(&bin.join("initdb"));
        initdb
            .arg("-D")
            .arg(dir.join("data"))
            .args([
                "-U",
                "postgres",
                "-A",
                "scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .arg(format!("--pwfile={}", pwfile.display()));
        run(initdb, "initdb");
        let watchdog = Self::watchdog(&bin, &dir);
        let cluster = Cluster {
            bin,
            dir,
            port: free_port(),
            watchdog: Mutex::new(watchdog),
        };
        cluster.start_server();
        cluster
    }

    /// A shell that waits for its stdin to close (our exit), then stops the
    /// server at once and removes the folder.
    fn watchdog(bin: &Path, dir: &Path) -> Child {
        let script = format!(
            "read _; '{}' -D '{}' stop -m immediate >/dev/null 2>&1; rm -rf '{}'",
            bin.join("pg_ctl").display(),
            dir.join("data").display(),
            dir.display()
        );
        let mut cmd = as_server_user(Path::new("/bin/sh"));
        cmd.args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd.spawn().expect("start the cluster watchdog")
    }

    /// Starts (or starts again) the server, waiting until it accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off",
            self.port,
            self.dir.display()
        );
        let mut pg_ctl = as_server_user(&self.bin.join("pg_ctl"));
        pg_ctl
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-o", &options, "-l"])
            .arg(self.dir.join("server.log"))
            .args(["-w", "start"]);
        run(pg_ctl, "pg_ctl start");
    }

    /// Stops the server (fast shutdown: connections are cut).
    pub fn stop_server(&self) {
        let mut pg_ctl = as_server_user(&self.bin.join("pg_ctl"));
        pg_ctl
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "fast", "-w", "stop"]);
        run(pg_ctl, "pg_ctl stop");
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of database `name` on this server, with the password.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres:{PASSWORD}@127.0.0.1:{}/{name}", self.port)
    }

    /// Runs one SQL command as the `postgres` superuser, in database `db`.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                db,
            ])
            .args(["-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A plain-SQL `pg_dump` of the database at `url` (made by
    /// [`Cluster::create_database`]): every byte it holds, for tests that
    /// look for plaintext.
    pub fn dump(&self, url: &str) -> Vec<u8> {
        let name = url.rsplit('/').next().unwrap_or("");
        let out = Command::new(self.bin.join("pg_dump"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres", name])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .expect("run pg_dump");
        assert!(
            out.status.success(),
            "pg_dump {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// Makes a new, empty database and returns its URL.
    pub fn create_database(&self) -> String {
        let name = format!("ol_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // A private cluster ends with its owner: closing the watchdog's stdin
        // stops the server and removes the folder.
        if let Ok(mut child) = self.watchdog.lock() {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(b"\n");
            }
            let _ = child.wait();
        }
    }
}
