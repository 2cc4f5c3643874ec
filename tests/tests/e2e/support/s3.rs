//! A real S3-compatible server for the tests: moto's server mode (PyPI),
//! which `cargo xtask test` installs into `target/s3-venv` and names by
//! `OL_TEST_MOTO`. [`shared`] starts one per test process, on a free
//! loopback port, and [`S3::create_bucket`] gives each test a bucket of its
//! own. A watchdog shell stops the server when the test process exits,
//! however it exits (it waits for its stdin to close).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The credentials every test server takes (moto checks none; the client
/// signs with them all the same).
pub const CREDENTIALS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "openlocker-test"),
    ("AWS_SECRET_ACCESS_KEY", "openlocker-test-secret"),
];

pub struct S3 {
    pub endpoint: String,
    /// Holding its stdin keeps the watchdog waiting; dropping it stops moto.
    watchdog: Mutex<Option<Child>>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The test process's shared S3 server, started on first use.
pub fn shared() -> &'static S3 {
    static SHARED: OnceLock<S3> = OnceLock::new();
    SHARED.get_or_init(S3::start)
}

/// moto's server: `OL_TEST_MOTO`, else the xtask's virtualenv.
fn moto_server() -> PathBuf {
    if let Some(path) = std::env::var_os("OL_TEST_MOTO") {
        return path.into();
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    root.join("target/s3-venv/bin/moto_server")
}

impl S3 {
    /// A server of its own (for a test that stops it).
    pub fn start() -> S3 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        S3::start_on(port)
    }

    /// A server on `port` (again, after [`Self::stop`]: empty).
    pub fn start_on(port: u16) -> S3 {
        let moto = moto_server();
        assert!(
            moto.exists(),
            "no moto_server at {} (run `cargo xtask test`, or set OL_TEST_MOTO)",
            moto.display()
        );
        let script = format!(
            "'{}' -H 127.0.0.1 -p {port} >/dev/null 2>&1 & pid=$!; read _; kill $pid",
            moto.display()
        );
        let watchdog = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        let s3 = S3 {
            endpoint: format!("http://127.0.0.1:{port}"),
            watchdog: Mutex::new(Some(watchdog)),
        };
        s3.wait_until_up();
        s3
    }

    fn wait_until_up(&self) {
        let start = Instant::now();
        while ureq::get(&self.endpoint).call().is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "moto did not start at {}",
                self.endpoint
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Stops the server (its buckets go with it).
    pub fn stop(&self) {
        if let Some(mut watchdog) = self.watchdog.lock().unwrap().take() {
            drop(watchdog.stdin.take());
            let _ = watchdog.wait();
        }
    }

    /// A new, empty bucket; its name.
    pub fn create_bucket(&self) -> String {
        let name = format!(
            "ol-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        self.create_bucket_named(&name)
    }

    /// A new, empty bucket called `name`; its name.
    pub fn create_bucket_named(&self, name: &str) -> String {
        let resp = ureq::put(&format!("{}/{name}", self.endpoint)).send_empty().unwrap();
        assert_eq!(resp.status(), 200);
        name.to_owned()
    }

    /// The `object_store_url` of `bucket`.
    pub fn url(&self, bucket: &str) -> String {
        format!("s3://{bucket}?endpoint={}&region=us-east-1", self.endpoint)
    }

    /// The keys stored in `bucket` under `prefix`, as an independent S3
    /// client (boto3, from moto's virtualenv) lists them.
    pub fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        let script = "import boto3,sys\n\
            s3=boto3.client('s3',endpoint_url=sys.argv[1],region_name='us-east-1')\n\
            for page in s3.get_paginator('list_objects_v2').paginate(Bucket=sys.argv[2],Prefix=sys.argv[3]):\n\
            \x20for o in page.get('Contents',[]): print(o['Key'])\n";
        let out = self.boto3(script, &[bucket, prefix]);
        String::from_utf8(out).unwrap().lines().map(str::to_owned).collect()
    }

    /// The bytes of one stored object, as boto3 reads them.
    pub fn get(&self, bucket: &str, key: &str) -> Vec<u8> {
        let script = "import boto3,sys\n\
            s3=boto3.client('s3',endpoint_url=sys.argv[1],region_name='us-east-1')\n\
            sys.stdout.buffer.write(s3.get_object(Bucket=sys.argv[2],Key=sys.argv[3])['Body'].read())\n";
        self.boto3(script, &[bucket, key])
    }

    fn boto3(&self, script: &str, args: &[&str]) -> Vec<u8> {
        let python = moto_server().with_file_name("python3");
        let out = Command::new(python)
            .args(["-c", script, &self.endpoint])
            .args(args)
            .envs(CREDENTIALS)
            .output()
            .unwrap();
        assert!(out.status.success(), "boto3: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        self.stop();
    }
}
