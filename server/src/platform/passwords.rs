//! Password hashing with argon2id (the argon2 crate's defaults: v19,
//! 19 MiB, 2 passes), and the rule on what a password must be.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::platform::error::Error;

/// Shortest password accepted.
pub const MIN_LEN: usize = 10;

/// Checks the password rule, then hashes it into a PHC string.
pub fn hash(password: &str) -> Result<String, Error> {
    if password.chars().count() < MIN_LEN {
        return Err(Error::Invalid(format!(
            "a password needs at least {MIN_LEN} characters"
        )));
    }
    let mut salt = [0u8; 16];
    crate::platform::crypto::fill_random(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("argon2: {e}")))
}

/// Whether `password` matches the stored PHC string.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Spends the time of a real verification, so that "no such user" and
/// "wrong password" take equally long.
pub fn verify_dummy(password: &str) {
    const DUMMY: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$hCcqkl6ZAU1QjKkp6ozvHOmtZZ6ZwDFq7lI9Z1Cf6Y4";
    let _ = verify(password, DUMMY);
}

/// Signs in a portal user found by username (or not): the user when the
/// password matches, else one message for both "no such user" and "wrong
/// password", after the same time spent.
pub fn sign_in<U>(found: Option<U>, password: &str, hash_of: impl Fn(&U) -> &str) -> Result<U, Error> {
    let refused = || Error::Unauthorized("the username and password do not match".into());
    match found {
        Some(user) if verify(password, hash_of(&user)) => Ok(user),
        Some(_) => Err(refused()),
        None => {
            verify_dummy(password);
            Err(refused())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("wrong horse battery", &h));
        assert!(hash("short").is_err());
    }
}
