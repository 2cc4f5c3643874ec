//! Finding and installing the tools the build needs, from the package
//! registries only: rustup for the wasm32 target, crates.io for the
//! wasm-bindgen CLI, Debian's packages for chromium, chromedriver and sqlite3.

use std::path::PathBuf;
use std::process::Command;

use crate::{Result, cargo, status};

/// The workspace root (where Cargo.lock is).
pub fn workspace_root() -> PathBuf {
    let xtask = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

/// The shared target folder, as cargo sees it (honours CARGO_TARGET_DIR).
pub fn target_dir() -> Result<PathBuf> {
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
    meta["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata has no target_directory".into())
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Adds the wasm32-unknown-unknown target when rustup lacks it.
pub fn ensure_wasm_target() -> Result {
    let installed = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    eprintln!("xtask: adding the wasm32-unknown-unknown target");
    status(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The wasm-bindgen version that Cargo.lock pins; the CLI must match it.
fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            let version = lines.next().unwrap_or_default().trim();
            if let Some(v) = version.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')) {
                return Ok(v.to_owned());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

/// Installs wasm-bindgen-cli at the locked version unless it is on PATH.
/// Not `--locked`: its own lock pins a crate release the registry lacks.
pub fn ensure_wasm_bindgen() -> Result<String> {
    let want = locked_wasm_bindgen_version()?;
    let have = output_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str()) {
        return Ok("wasm-bindgen".into());
    }
    eprintln!(
        "xtask: installing wasm-bindgen-cli {want} from crates.io, a few minutes on a fresh machine (found: {})",
        have.trim()
    );
    status(cargo().args(["install", "wasm-bindgen-cli", "--version", &format!("={want}")]))?;
    Ok("wasm-bindgen".into())
}

/// Installs Debian packages when any of `binaries` is missing.
pub fn ensure_debian_packages(binaries: &[&str], packages: &[&str]) -> Result {
    if binaries.iter().all(|b| which(b).is_some()) {
        return Ok(());
    }
    install_debian_packages(binaries, packages)
}

/// PostgreSQL's server binaries (`initdb`, `pg_ctl`), which Debian keeps
/// off PATH in `/usr/lib/postgresql/N/bin`: the PostgreSQL test pass
/// starts its own server with them.
pub fn ensure_postgresql() -> Result {
    let installed = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.flatten().any(|d| d.path().join("bin/initdb").is_file()))
        .unwrap_or(false);
    if installed {
        return Ok(());
    }
    install_debian_packages(&["initdb"], &["postgresql"])
}

/// The version of moto (PyPI) whose server mode is the S3-compatible store
/// of the tests.
const MOTO: &str = "moto[server]==5.2.5";

/// moto's `moto_server`, in a virtualenv under the target folder (made
/// and filled from PyPI on first use); its path.
pub fn ensure_s3_server() -> Result<PathBuf> {
    let venv = target_dir()?.join("s3-venv");
    let server = venv.join("bin/moto_server");
    if server.is_file() {
        return Ok(server);
    }
    eprintln!(
        "xtask: installing {MOTO} from PyPI into {} (a minute or two)",
        venv.display()
    );
    let python = which("python3").ok_or("python3 is missing: it runs the S3 server of the tests (moto)")?;
    status(Command::new(&python).args(["-m", "venv"]).arg(&venv))?;
    status(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--progress-bar", "on", MOTO])
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1"),
    )?;
    Ok(server)
}

fn install_debian_packages(binaries: &[&str], packages: &[&str]) -> Result {
    let root = output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if !root {
        return Err(format!(
            "{} missing; install them with: sudo apt-get install -y {}",
            binaries.join(", "),
            packages.join(" ")
        ));
    }
    eprintln!("xtask: installing {} from Debian's packages", packages.join(" "));
    status(Command::new("apt-get").arg("update").arg("-qq"))?;
    status(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// Where a program is on PATH.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Headless Chromium and its driver.
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

pub fn ensure_browser() -> Result<Browser> {
    ensure_debian_packages(&["chromium", "chromedriver"], &["chromium", "chromium-driver"])?;
    Ok(Browser {
        chromium: which("chromium").ok_or("chromium is not on PATH")?,
        chromedriver: which("chromedriver").ok_or("chromedriver is not on PATH")?,
    })
}
