//! Aadhaar numbers: parsed (12 digits, not starting with 0 or 1, a valid
//! Verhoeff check digit), never printed in full by `Debug` or `Display`,
//! and shown masked. The server and the browser both check with this one
//! implementation: a hand-kept copy in the browser once drifted and turned
//! valid residents away.

use std::fmt;

/// A valid Aadhaar number. `Debug` and `Display` print only the masked form,
/// so a stray log line cannot leak one.
#[derive(Clone, PartialEq, Eq)]
pub struct Aadhaar(String);

/// Why a string is not an Aadhaar number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AadhaarError {
    /// Not 12 digits (after removing spaces).
    Length,
    /// Starts with 0 or 1, which no Aadhaar number does.
    LeadingDigit,
    /// The last digit is not the Verhoeff check digit of the other eleven.
    CheckDigit,
}

impl fmt::Display for AadhaarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AadhaarError::Length => "an Aadhaar number has 12 digits",
            AadhaarError::LeadingDigit => "an Aadhaar number does not start with 0 or 1",
            AadhaarError::CheckDigit => "the Aadhaar number's check digit is wrong (Verhoeff)",
        })
    }
}

impl std::error::Error for AadhaarError {}

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

    /// The 12 digits, for hashing, sealing and sending to the server only.
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

/// Masks what could be an Aadhaar number in free text, keeping its last
/// four characters: a run of 12 or more digits, also when written in groups
/// (`2000 0005 0278`, `2000-0005-0278`), and a 32-character hex word (the
/// MD5 of a UID, as some issuers send it). An Aadhaar number that turns up
/// where it should not, such as a CSV cell quoted in a rejection reason, is
/// then never stored or shown whole.
pub fn mask_digit_runs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        let word_start = at == 0 || !chars[at - 1].is_alphanumeric();
        let (end, masked) = match hex_word_end(&chars, at) {
            Some(end) if word_start => (end, format!("XXXX{}", chars[end - 4..end].iter().collect::<String>())),
            _ => match digit_run(&chars, at) {
                Some((end, digits)) if digits.len() >= 12 => (end, mask(&digits)),
                Some((end, _)) => (end, chars[at..end].iter().collect()),
                None => (at + 1, chars[at].to_string()),
            },
        };
        out.push_str(&masked);
        at = end;
    }
    out
}

/// The end of a 32-character hex word starting at `at`.
fn hex_word_end(chars: &[char], at: usize) -> Option<usize> {
    let len = chars[at..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
    let after_ends_word = chars.get(at + len).is_none_or(|c| !c.is_alphanumeric());
    (len == 32 && after_ends_word).then_some(at + len)
}

/// The digits starting at `at`, with single spaces or hyphens between
/// groups skipped; `None` when `at` is not a digit.
fn digit_run(chars: &[char], at: usize) -> Option<(usize, String)> {
    if !chars[at].is_ascii_digit() {
        return None;
    }
    let (mut end, mut digits) = (at, String::new());
    while end < chars.len() {
        let c = chars[end];
        let joins = matches!(c, ' ' | '-') && chars.get(end + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !joins {
            break;
        }
        end += 1;
    }
    Some((end, digits))
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

/// The multiplication table of the dihedral group D5 (Verhoeff's `d`).
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

/// Verhoeff's position permutations: row `i` is the base permutation
/// (row 1) applied `i` times.
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

/// The inverse of each element of D5.
const INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/// Whether ASCII digits (check digit last) pass the Verhoeff check; false
/// for anything that is not an ASCII digit.
pub fn verhoeff_valid(digits: &[u8]) -> bool {
    let mut c = 0usize;
    for (i, d) in digits.iter().rev().enumerate() {
        if !d.is_ascii_digit() {
            return false;
        }
        c = usize::from(D[c][usize::from(P[i % 8][usize::from(d - b'0')])]);
    }
    c == 0
}

/// The Verhoeff check digit (0 to 9) for ASCII digits (without it).
///
/// # Panics
/// Never for ASCII digits; other bytes are a caller's bug and panic.
pub fn verhoeff_check_digit(digits: &[u8]) -> u8 {
    let mut c = 0usize;
    for (i, d) in digits.iter().rev().enumerate() {
        c = usize::from(D[c][usize::from(P[(i + 1) % 8][usize::from(d - b'0')])]);
    }
    INV[c]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn accepts_valid_numbers_and_masks_them() {
        let body = b"23412341234";
        let full = format!("{}{}", std::str::from_utf8(body).unwrap(), verhoeff_check_digit(body));
        let a = Aadhaar::parse(&full).unwrap();
        assert_eq!(a.masked(), format!("XXXX XXXX {}", &full[8..]));
        assert!(!format!("{a:?} {a}").contains(&full));
        let spaced = format!("{} {} {}", &full[..4], &full[4..8], &full[8..]);
        assert_eq!(Aadhaar::parse(&spaced).unwrap().digits(), full);
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
        assert!(!verhoeff_valid(b"2363a"), "a non-digit fails rather than panics");
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
    fn grouped_numbers_and_md5_uids_are_masked_too() {
        assert_eq!(mask_digit_runs("uid 2000 0005 0278 bad"), "uid XXXX XXXX 0278 bad");
        assert_eq!(mask_digit_runs("uid 2000-0005-0278."), "uid XXXX XXXX 0278.");
        let md5 = "0cc175b9c0f1b6a831c399e269772661";
        assert_eq!(mask_digit_runs(&format!("uid {md5}, row 3")), "uid XXXX2661, row 3");
        // Not a whole word, or not 32 long: left alone.
        assert_eq!(mask_digit_runs(&format!("x{md5}")), format!("x{md5}"));
        assert_eq!(
            mask_digit_runs("deadbeef 01/05/2024 10:00"),
            "deadbeef 01/05/2024 10:00"
        );
        assert_eq!(mask_digit_runs("row 12 of 300"), "row 12 of 300");
    }

    #[test]
    fn known_verhoeff_vector() {
        // The textbook example: 236 has check digit 3.
        assert_eq!(verhoeff_check_digit(b"236"), 3);
        assert!(verhoeff_valid(b"2363"));
    }
}
