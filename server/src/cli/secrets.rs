//! Secrets given to the admin commands: on the command line (visible to
//! every user of the machine in the process list), or, better, in a file or
//! on stdin (`-`).

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::platform::error::Error;

/// A password: `--password` or `--password-file`.
#[derive(Debug, Clone, clap::Args)]
#[group(required = true, multiple = false)]
pub struct PasswordArgs {
    /// At least 10 characters. Other users can see it in the process list:
    /// prefer --password-file.
    #[arg(long)]
    password: Option<String>,
    /// A file whose first line is the password; `-` reads it from stdin.
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
}

impl PasswordArgs {
    /// The password, read from wherever it was given.
    pub fn read(&self) -> Result<String, Error> {
        secret(self.password.as_deref(), self.password_file.as_deref(), "--password")
    }
}

/// An API key: `--api-key` or `--api-key-file`.
#[derive(Debug, Clone, clap::Args)]
#[group(required = true, multiple = false)]
pub struct ApiKeyArgs {
    /// The key. Other users can see it in the process list: prefer --api-key-file.
    #[arg(long)]
    api_key: Option<String>,
    /// A file whose first line is the key; `-` reads it from stdin.
    #[arg(long, value_name = "FILE")]
    api_key_file: Option<PathBuf>,
}

impl ApiKeyArgs {
    /// The key, read from wherever it was given.
    pub fn read(&self) -> Result<String, Error> {
        secret(self.api_key.as_deref(), self.api_key_file.as_deref(), "--api-key")
    }
}

/// The secret given as `value`, or the first line of `file` (`-`: stdin);
/// `None` when neither was given.
pub fn optional_secret(value: Option<&str>, file: Option<&Path>) -> Result<Option<String>, Error> {
    match (value, file) {
        (Some(value), _) => Ok(Some(value.to_owned())),
        (None, Some(file)) => first_line(file).map(Some),
        (None, None) => Ok(None),
    }
}

fn secret(value: Option<&str>, file: Option<&Path>, flag: &str) -> Result<String, Error> {
    optional_secret(value, file)?.ok_or_else(|| Error::Invalid(format!("{flag} or {flag}-file is needed")))
}

fn first_line(file: &Path) -> Result<String, Error> {
    let mut text = String::new();
    let read = if file == Path::new("-") {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_string(&mut text))
    };
    read.map_err(|e| Error::Invalid(format!("cannot read the secret from {}: {e}", file.display())))?;
    let line = text.lines().next().unwrap_or_default().trim_end_matches('\r');
    if line.is_empty() {
        return Err(Error::Invalid(format!("{} holds no secret", file.display())));
    }
    Ok(line.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_comes_from_the_flag_or_the_first_line_of_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, "from the file\r\nsecond line\n").unwrap();
        assert_eq!(optional_secret(Some("flag"), None).unwrap().as_deref(), Some("flag"));
        assert_eq!(
            optional_secret(None, Some(&file)).unwrap().as_deref(),
            Some("from the file")
        );
        assert_eq!(optional_secret(None, None).unwrap(), None);
        std::fs::write(&file, "\n").unwrap();
        assert!(optional_secret(None, Some(&file)).is_err());
        assert!(optional_secret(None, Some(&dir.path().join("missing"))).is_err());
    }
}
