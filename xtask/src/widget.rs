//! Builds the Yew app to wasm and binds it into `www/pkg` (git-ignored).

use std::process::Command;

use crate::tools::{ensure_wasm_bindgen, ensure_wasm_target, target_dir, workspace_root};
use crate::{Result, cargo, status};

pub fn build() -> Result {
    ensure_wasm_target()?;
    let bindgen = ensure_wasm_bindgen()?;
    status(cargo().args([
        "build",
        "--package",
        "openlocker-widget",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]))?;
    let wasm = target_dir()?.join("wasm32-unknown-unknown/wasm-release/openlocker_widget.wasm");
    let out = workspace_root().join("www/pkg");
    // --remove-name-section gets most of wasm-opt's gzip gain; Debian's
    // wasm-opt is too old for this wasm-bindgen's output.
    status(
        Command::new(&bindgen)
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--remove-name-section",
                "--out-dir",
            ])
            .arg(&out)
            .arg(&wasm),
    )?;
    let bound = out.join("openlocker_widget_bg.wasm");
    let (raw, gzipped) = sizes(&bound)?;
    eprintln!(
        "xtask: widget built into {} (wasm {raw} bytes, {gzipped} gzipped)",
        out.display()
    );
    build_loader(&bindgen)
}

/// The partner-page loader (dl.js, savelocker.js): a classic script, so
/// wasm-bindgen's no-modules output, which the server wraps in a function
/// scope (see `server/src/http/loader.rs`).
fn build_loader(bindgen: &str) -> Result {
    status(cargo().args([
        "build",
        "--package",
        "openlocker-loader",
        "--target",
        "wasm32-unknown-unknown",
        "--release",
    ]))?;
    let wasm = target_dir()?.join("wasm32-unknown-unknown/release/openlocker_loader.wasm");
    let out = workspace_root().join("www/pkg/loader");
    status(
        Command::new(bindgen)
            .args([
                "--target",
                "no-modules",
                "--no-modules-global",
                "OpenLockerLoader",
                "--no-typescript",
                "--remove-name-section",
                "--remove-producers-section",
                "--out-dir",
            ])
            .arg(&out)
            .arg(&wasm),
    )?;
    eprintln!("xtask: loader built into {}", out.display());
    Ok(())
}

/// The size of a file, raw and gzipped (as the server's compression sends it).
fn sizes(path: &std::path::Path) -> Result<(usize, usize)> {
    use std::io::Write;
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes).map_err(|e| format!("gzip: {e}"))?;
    let gzipped = gz.finish().map_err(|e| format!("gzip: {e}"))?.len();
    Ok((bytes.len(), gzipped))
}
