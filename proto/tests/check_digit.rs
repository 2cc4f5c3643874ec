//! The Aadhaar check digit against numbers made by an independent Verhoeff
//! implementation (`openlocker_tests::verhoeff`), whose tables are derived
//! from their definitions, never copied from the code under test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use openlocker_proto::aadhaar::{Aadhaar, AadhaarError, verhoeff_check_digit, verhoeff_valid};
use openlocker_tests::verhoeff::Reference;

/// A small deterministic generator (xorshift64*), so a failure repeats.
struct Digits(u64);

impl Digits {
    fn next(&mut self, below: u64) -> u8 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) % below) as u8
    }

    /// Eleven digits that can start an Aadhaar number (first digit 2 to 9).
    fn body(&mut self) -> Vec<u8> {
        let mut body = vec![b'2' + self.next(8)];
        body.extend((0..10).map(|_| b'0' + self.next(10)));
        body
    }
}

fn numbers(count: usize) -> Vec<Vec<u8>> {
    let reference = Reference::new();
    let mut digits_from = Digits(0x9E37_79B9_7F4A_7C15);
    (0..count)
        .map(|_| {
            let mut n = digits_from.body();
            n.push(b'0' + reference.check_digit(&n));
            n
        })
        .collect()
}

fn text(digits: &[u8]) -> &str {
    std::str::from_utf8(digits).unwrap()
}

#[test]
fn the_reference_is_verhoeffs_scheme() {
    let reference = Reference::new();
    // The textbook example: 236 has check digit 3.
    assert_eq!(reference.check_digit(b"236"), 3);
    assert!(reference.valid(b"2363"));
    // D5 is a group whose identity is 0 and which is not commutative.
    assert!((0..10).all(|j| reference.d[0][j] == j as u8 && reference.d[j][0] == j as u8));
    assert_ne!(reference.d[1][5], reference.d[5][1]);
}

#[test]
fn generated_valid_numbers_pass_and_every_wrong_check_digit_fails() {
    let reference = Reference::new();
    // Every digit turns up in every position, the fifth from the right too.
    let mut seen = [[false; 10]; 12];
    for n in numbers(20_000) {
        for (position, b) in n.iter().enumerate() {
            seen[position][usize::from(b - b'0')] = true;
        }
        let body = &n[..11];
        assert_eq!(verhoeff_check_digit(body), n[11] - b'0', "{}", text(&n));
        let parsed = Aadhaar::parse(text(&n)).unwrap_or_else(|e| panic!("{} refused: {e}", text(&n)));
        assert_eq!(parsed.digits(), text(&n));
        for wrong in (b'0'..=b'9').filter(|d| *d != n[11]) {
            let mut bad = n.clone();
            bad[11] = wrong;
            assert!(!reference.valid(&bad));
            assert_eq!(
                Aadhaar::parse(text(&bad)),
                Err(AadhaarError::CheckDigit),
                "{}",
                text(&bad)
            );
        }
    }
    for (position, digits) in seen.iter().enumerate().skip(1) {
        assert!(digits.iter().all(|s| *s), "position {position}: {digits:?}");
    }
}

#[test]
fn every_single_digit_error_and_adjacent_transposition_is_caught() {
    for n in numbers(2_000) {
        for position in 0..12 {
            for other in (b'0'..=b'9').filter(|d| *d != n[position]) {
                let mut bad = n.clone();
                bad[position] = other;
                assert!(!verhoeff_valid(&bad), "{} passes", text(&bad));
                assert!(Aadhaar::parse(text(&bad)).is_err(), "{} parses", text(&bad));
            }
        }
        for position in 0..11 {
            if n[position] != n[position + 1] {
                let mut swapped = n.clone();
                swapped.swap(position, position + 1);
                assert!(!verhoeff_valid(&swapped), "{} passes", text(&swapped));
            }
        }
    }
}

#[test]
fn the_code_agrees_with_the_reference_on_random_digit_strings() {
    let reference = Reference::new();
    let mut digits_from = Digits(42);
    for len in 1..=16 {
        for _ in 0..2_000 {
            let digits: Vec<u8> = (0..len).map(|_| b'0' + digits_from.next(10)).collect();
            assert_eq!(verhoeff_valid(&digits), reference.valid(&digits), "{}", text(&digits));
            assert_eq!(
                verhoeff_check_digit(&digits),
                reference.check_digit(&digits),
                "{}",
                text(&digits)
            );
        }
    }
}
