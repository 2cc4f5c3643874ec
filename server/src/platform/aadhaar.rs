//! Aadhaar numbers: parsed (12 digits, valid Verhoeff check digit), never
//! printed in full by `Debug` or `Display`, and shown masked.

use std::fmt;

/// A valid Aadhaar number. `Debug` and `Display` print only the masked form,
/// so a stray log line cannot leak one.
#[derive(Clone, PartialEq, Eq)]
pub struct Aadhaar(String);

/// Why a string is not an Aadhaar number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AadhaarError {
    #[error("an Aadhaar number has 12 digits")]
    Length,
    #[error("an Aadhaar number does not start with 0 or 1")]
    LeadingDigit,
    #[error("the Aadhaar number's check digit is wrong (Verhoeff)")]
    CheckDigit,
}

impl Aadhaar {
    /// Parses 12 digits; spaces between groups are allowed (`2341 2341 2346`).
    pub fn parse(input: &str) -> Result<Aadhaar, AadhaarError> {
        let digits: String = input.chars().filter(|c| *c != ' ').collect();
        Self::parse_digits(&digits).map(|()| Aadhaar(digits))
    }

    /// Checks 12 plain digits without allocating; the importer's hot path.
    pub fn parse_digits(digits: &str) -> Result<(), AadhaarError> {
        let bytes = digits.as_bytes();
        if bytes.len() != 12 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(AadhaarError::Length);
        }
        if bytes[0] == b'0' || bytes[0] == b'1' {
            return Err(AadhaarError::LeadingDigit);
        }
        if !verhoeff_valid(bytes) {
            return Err(AadhaarError::CheckDigit);
        }
        Ok(())
    }

    /// The 12 digits, for hashing and sealing only.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `XXXX XXXX 1234`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks any Aadhaar-like digit string to `XXXX XXXX 1234`.
pub fn mask(digits: &str) -> String {
    let tail: String = digits
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("XXXX XXXX {tail}")
}

/// Masks every run of 12 or more digits in free text (keeping the last
/// four), so an Aadhaar number that turns up where it should not, such as
/// a CSV cell quoted in a rejection reason, is never stored or shown whole.
pub fn mask_digit_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 12 {
            out.push_str(&mask(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

impl fmt::Debug for Aadhaar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Aadhaar({})", self.masked())
    }
}

impl fmt::Display for Aadhaar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

const D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

const P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

const INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/// Whether ASCII digits (check digit last) pass the Verhoeff check.
pub fn verhoeff_valid(digits: &[u8]) -> bool {
    let mut c = 0usize;
    for (i, d) in digits.iter().rev().enumerate() {
        c = D[c][P[i % 8][(d - b'0') as usize] as usize] as usize;
    }
    c == 0
}

/// The Verhoeff check digit for ASCII digits (without it).
pub fn verhoeff_check_digit(digits: &[u8]) -> u8 {
    let mut c = 0usize;
    for (i, d) in digits.iter().rev().enumerate() {
        c = D[c][P[(i + 1) % 8][(d - b'0') as usize] as usize] as usize;
    }
    INV[c]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_numbers_and_masks_them() {
        let body = b"23412341234";
        let full = format!("{}{}", std::str::from_utf8(body).unwrap(), verhoeff_check_digit(body));
        let a = Aadhaar::parse(&full).unwrap();
        assert_eq!(a.masked(), format!("XXXX XXXX {}", &full[8..]));
        assert!(!format!("{a:?} {a}").contains(&full));
    }

    #[test]
    fn refuses_wrong_length_leading_digit_and_check_digit() {
        assert_eq!(Aadhaar::parse("12345"), Err(AadhaarError::Length));
        assert_eq!(Aadhaar::parse("12341234123a"), Err(AadhaarError::Length));
        let body = b"13412341234";
        let n = format!("{}{}", std::str::from_utf8(body).unwrap(), verhoeff_check_digit(body));
        assert_eq!(Aadhaar::parse(&n), Err(AadhaarError::LeadingDigit));
        let body = b"23412341234";
        let wrong = (verhoeff_check_digit(body) + 1) % 10;
        let n = format!("{}{}", std::str::from_utf8(body).unwrap(), wrong);
        assert_eq!(Aadhaar::parse(&n), Err(AadhaarError::CheckDigit));
    }

    #[test]
    fn digit_runs_in_free_text_are_masked() {
        assert_eq!(
            mask_digit_runs("\"234123412346\" is not A, U or D"),
            "\"XXXX XXXX 2346\" is not A, U or D"
        );
        assert_eq!(mask_digit_runs("line 12345678901 ok"), "line 12345678901 ok");
    }

    #[test]
    fn known_verhoeff_vector() {
        // The textbook example: 236 has check digit 3.
        assert_eq!(verhoeff_check_digit(b"236"), 3);
        assert!(verhoeff_valid(b"2363"));
    }
}
