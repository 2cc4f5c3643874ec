//! Builds the Yew app to wasm and binds it into `www/pkg` (git-ignored),
//! puts the partner-page loader beside it, and pre-compresses each served
//! file (`.gz` and `.br` siblings, which the server sends as they are).

use std::path::{Path, PathBuf};
use std::process::Command;

use openlocker_proto::widget::Service;

use crate::tools::{ensure_wasm_bindgen, ensure_wasm_target, target_dir, workspace_root};
use crate::{Result, cargo, status};

/// The loader as served, under `www/pkg` (the server's `http::loader`).
pub const LOADER: &str = "loader/dl.js";

pub fn build() -> Result {
    ensure_wasm_target()?;
    let bindgen = ensure_wasm_bindgen()?;
    build_app(&bindgen, &[], "openlocker_widget")?;
    // The widget popups' first download: the same app without the portal's
    // screens (`www/locker.js` starts it under `/widget/`).
    build_app(&bindgen, &["--no-default-features"], "popup")?;
    build_popup_first()?;
    build_loader()
}

/// The texts of `widget/src/i18n.rs` that the popups' first stage shows.
const FIRST_STAGE_TEXTS: [&str; 11] = [
    "app_title",
    "skip",
    "lang_switch",
    "lang_switch_label",
    "popup_for",
    "sign_in_title",
    "username",
    "password",
    "sign_in",
    "no_account",
    "sign_up",
];

/// The popups' first stage (`widget/popup/first.js`, plain JS), with the
/// texts it shows taken from the app's one table, into `www/pkg/popup_first.js`.
fn build_popup_first() -> Result {
    let root = workspace_root();
    let read = |path: &str| std::fs::read_to_string(root.join(path)).map_err(|e| format!("{path}: {e}"));
    let table = read("widget/src/i18n.rs")?;
    let (mut en, mut hi) = (serde_json::Map::new(), serde_json::Map::new());
    for key in FIRST_STAGE_TEXTS {
        let (english, hindi) = texts_of(&table, key).ok_or(format!("widget/src/i18n.rs has no {key}"))?;
        en.insert(key.into(), english.into());
        hi.insert(key.into(), hindi.into());
    }
    let strings = serde_json::json!({ "en": en, "hi": hi });
    let js = format!("const STRINGS = {strings};\n{}", read("widget/popup/first.js")?);
    let out = pkg_dir().join("popup_first.js");
    std::fs::write(&out, js).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("xtask: popup_first.js: {}", precompress(&out)?);
    Ok(())
}

/// The English and Hindi of `key` in the i18n table's source, a row
/// `("key", "English", "Hindi"),` (texts without quotes or escapes).
fn texts_of<'a>(table: &'a str, key: &str) -> Option<(&'a str, &'a str)> {
    let row = table
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(&format!("(\"{key}\", \"")))?;
    let mut quoted = row.split('"').skip(1).step_by(2);
    let (_, english, hindi) = (quoted.next()?, quoted.next()?, quoted.next()?);
    Some((english, hindi))
}

/// One build of the Yew app, bound into `www/pkg` as `NAME.js` and
/// `NAME_bg.wasm`, pre-compressed.
fn build_app(bindgen: &str, features: &[&str], name: &str) -> Result {
    status(
        cargo()
            .args([
                "build",
                "--package",
                "openlocker-widget",
                "--target",
                "wasm32-unknown-unknown",
                "--profile",
                "wasm-release",
            ])
            .args(features),
    )?;
    let wasm = target_dir()?.join("wasm32-unknown-unknown/wasm-release/openlocker_widget.wasm");
    let out = pkg_dir();
    // --remove-name-section gets most of wasm-opt's gzip gain; binaryen's
    // `wasm-opt -Oz` makes this wasm smaller raw but bigger gzip'd (see
    // README, Benchmarks), so it is not run.
    status(
        Command::new(bindgen)
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--remove-name-section",
                "--remove-producers-section",
                "--out-name",
                name,
                "--out-dir",
            ])
            .arg(&out)
            .arg(&wasm),
    )?;
    for file in [format!("{name}_bg.wasm"), format!("{name}.js")] {
        let sizes = precompress(&out.join(&file))?;
        eprintln!("xtask: {file}: {sizes}");
    }
    Ok(())
}

/// `www/pkg`, where the built files go.
pub fn pkg_dir() -> PathBuf {
    workspace_root().join("www/pkg")
}

/// The partner-page loader (dl.js, savelocker.js): plain JS, wrapped in a
/// function scope, so the page's globals gain only `window.OpenLocker`
/// (which also makes a second load do nothing).
fn build_loader() -> Result {
    let source = workspace_root().join("widget/loader/loader.js");
    let js = std::fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
    let out = pkg_dir().join(LOADER);
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&out, wrapped(&js)).map_err(|e| format!("{}: {e}", out.display()))?;
    let sizes = precompress(&out)?;
    eprintln!("xtask: loader built into {} ({sizes})", out.display());
    Ok(())
}

/// The script around the loader: a second load does nothing, and the
/// popup paths and answer types come from `openlocker-proto`.
fn wrapped(loader: &str) -> String {
    let service = |s: Service| format!("{{ path: \"{}\", type: \"{}\" }}", s.popup_path(), s.message_type());
    format!(
        "/* OpenLocker widget loader: a drop-in for dl.js and savelocker.js. */\n\
         (function () {{\n\
         \"use strict\";\n\
         if (window.OpenLocker) return;\n\
         var script = document.getElementById(\"dlshare\");\n\
         if (!script) {{ console.error(\"OpenLocker loader: the page has no script#dlshare\"); return; }}\n\
         window.OpenLocker = {{ loader: 2 }};\n\
         var SERVICES = {{ share: {}, save: {} }};\n\
         {loader}\
         }})();\n",
        service(Service::Share),
        service(Service::Save),
    )
}

/// A file's sizes as sent: raw, gzip'd and brotli'd.
pub struct Sizes {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

impl std::fmt::Display for Sizes {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{} bytes, {} gzip, {} brotli", self.raw, self.gzip, self.brotli)
    }
}

/// Writes `path.gz` (best level) and `path.br` (quality 11) beside `path`:
/// the server sends whichever the browser takes, compressed once here
/// rather than at the middleware's fastest level on every request.
pub fn precompress(path: &Path) -> Result<Sizes> {
    use std::io::Write;
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes).map_err(|e| format!("gzip: {e}"))?;
    let gzipped = gz.finish().map_err(|e| format!("gzip: {e}"))?;
    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut bytes.as_slice(), &mut brotli, &params).map_err(|e| format!("brotli: {e}"))?;
    for (ext, body) in [("gz", &gzipped), ("br", &brotli)] {
        let mut name = path.as_os_str().to_owned();
        name.push(".");
        name.push(ext);
        std::fs::write(&name, body).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(Sizes {
        raw: bytes.len(),
        gzip: gzipped.len(),
        brotli: brotli.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::{FIRST_STAGE_TEXTS, texts_of};

    #[test]
    fn the_first_stage_texts_are_read_from_the_apps_table() {
        let table = include_str!("../../widget/src/i18n.rs");
        assert_eq!(texts_of(table, "sign_in"), Some(("Sign in", "साइन इन करें")));
        for key in FIRST_STAGE_TEXTS {
            let (english, hindi) = texts_of(table, key).unwrap_or_else(|| panic!("{key}"));
            assert!(!english.is_empty() && !hindi.is_empty() && english != hindi, "{key}");
        }
    }
}
