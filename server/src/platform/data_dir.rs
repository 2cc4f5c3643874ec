//! The data folder's permissions: only the server's own user may read it.
//! The process runs with umask 077, so every folder it makes is 0700 and
//! every file 0600 (the database, its WAL, CSVs, spools, documents), and a
//! data folder made by an older version is tightened once at start-up.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rustix::fs::Mode;

/// Sets the process umask to 077, then creates `dir` (0700) or tightens an
/// existing one and everything in it.
pub fn prepare(dir: &Path) -> io::Result<()> {
    rustix::process::umask(Mode::from_raw_mode(0o077));
    fs::create_dir_all(dir)?;
    let open_to_others = fs::metadata(dir)?.permissions().mode() & 0o077 != 0;
    if open_to_others {
        tighten(dir)?;
        tracing::info!(dir = %dir.display(), "made the data folder readable by its owner only");
    }
    Ok(())
}

/// Folders 0700 and files 0600, all the way down.
fn tighten(path: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if meta.is_dir() {
        fs::set_permissions(path, fs::Permissions::from_mode(0o700))?;
        for entry in fs::read_dir(path)? {
            tighten(&entry?.path())?;
        }
    } else if meta.is_file() {
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_data_folder_is_tightened_and_new_files_are_private() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        fs::create_dir_all(data.join("imports")).unwrap();
        fs::write(data.join("imports/a.csv"), "x").unwrap();
        fs::set_permissions(&data, fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(data.join("imports/a.csv"), fs::Permissions::from_mode(0o644)).unwrap();
        prepare(&data).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("imports")), 0o700);
        assert_eq!(mode(&data.join("imports/a.csv")), 0o600);
        fs::write(data.join("new"), "y").unwrap();
        assert_eq!(mode(&data.join("new")), 0o600, "umask 077");
    }
}
