//! Verhoeff's check digit, as the Aadhaar number uses it, built from its
//! definition: the dihedral group D5 as the symmetries of a pentagon, and
//! the position permutations as powers of Verhoeff's base permutation. No
//! table is copied from the code under test.

// The tables are derived once; a lookup that fails is a bug in this peer.
#![allow(clippy::unwrap_used)]

/// Verhoeff's scheme, built from first principles.
pub struct Reference {
    /// `d[j][k]`: the element of D5 that is `j` composed with `k`.
    pub d: [[u8; 10]; 10],
    /// `p[i]`: the base permutation applied `i` times.
    pub p: [[u8; 10]; 8],
    /// `inv[j]`: the inverse of `j` in D5.
    pub inv: [u8; 10],
}

impl Reference {
    /// Derives the tables.
    pub fn new() -> Reference {
        // Element j of D5 as a map of the pentagon's vertices: j < 5 turns
        // by j steps, j >= 5 reflects (v -> (j - 5) - v, mod 5).
        let vertex_map =
            |j: usize| -> [usize; 5] { std::array::from_fn(|v| if j < 5 { (v + j) % 5 } else { (j - v) % 5 }) };
        let maps: Vec<[usize; 5]> = (0..10).map(vertex_map).collect();
        let d = std::array::from_fn(|j| {
            std::array::from_fn(|k| {
                let composed: [usize; 5] = std::array::from_fn(|v| maps[j][maps[k][v]]);
                maps.iter().position(|m| *m == composed).unwrap() as u8
            })
        });
        // Verhoeff's base permutation in cycle notation: (0 1 5 8 9 4 2 7)(3 6).
        let mut sigma = [0u8; 10];
        for cycle in [&[0u8, 1, 5, 8, 9, 4, 2, 7][..], &[3, 6][..]] {
            for (i, from) in cycle.iter().enumerate() {
                sigma[usize::from(*from)] = cycle[(i + 1) % cycle.len()];
            }
        }
        let mut p = [[0u8; 10]; 8];
        let mut power: [u8; 10] = std::array::from_fn(|x| x as u8);
        for row in &mut p {
            *row = power;
            power = std::array::from_fn(|x| sigma[usize::from(power[x])]);
        }
        let inv = std::array::from_fn(|j: usize| (0..10u8).find(|&k| d[j][usize::from(k)] == 0).unwrap());
        Reference { d, p, inv }
    }

    /// The running Verhoeff value; `offset` 1 leaves room for the check digit.
    fn checksum(&self, digits: &[u8], offset: usize) -> u8 {
        digits.iter().rev().enumerate().fold(0u8, |c, (i, b)| {
            self.d[usize::from(c)][usize::from(self.p[(i + offset) % 8][usize::from(b - b'0')])]
        })
    }

    /// The check digit (0 to 9) of ASCII digits.
    pub fn check_digit(&self, body: &[u8]) -> u8 {
        self.inv[usize::from(self.checksum(body, 1))]
    }

    /// Whether ASCII digits, check digit last, pass.
    pub fn valid(&self, digits: &[u8]) -> bool {
        self.checksum(digits, 0) == 0
    }
}

impl Default for Reference {
    fn default() -> Self {
        Reference::new()
    }
}

/// A valid Aadhaar number: `body` (11 digits, the first 2 to 9) and its
/// check digit.
pub fn aadhaar(body: &str) -> String {
    format!("{body}{}", Reference::new().check_digit(body.as_bytes()))
}
