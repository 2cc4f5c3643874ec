//! The Verhoeff check digit of Aadhaar numbers, checked in the browser
//! before sign-up (the server checks again).

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
    [9, 4, 5, 3, 1, 2, 8, 7, 0, 6],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// The digits of `input` with spaces removed, when that is 12 digits, not
/// starting with 0 or 1, whose Verhoeff checksum holds.
pub fn valid_aadhaar(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with(['0', '1']) {
        return None;
    }
    let mut c = 0u8;
    for (i, b) in digits.bytes().rev().enumerate() {
        c = D[usize::from(c)][usize::from(P[i % 8][usize::from(b - b'0')])];
    }
    (c == 0).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::valid_aadhaar;

    #[test]
    fn the_check_digit_is_verified() {
        // 30000000001 + its Verhoeff digit, as the e2e tests make them.
        assert!(valid_aadhaar("2341 2341 2346").is_some());
        assert!(valid_aadhaar("234123412347").is_none());
        assert!(valid_aadhaar("12345678901").is_none());
        assert!(valid_aadhaar("034123412346").is_none());
        assert!(valid_aadhaar("23412341234a").is_none());
    }
}
