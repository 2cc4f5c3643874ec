//! Minting document URIs: `IssuerId-DocType-DocId` with a random DocId of
//! Crockford base32 (no I, L, O or U, so no 0/O or 1/I look-alikes;
//! case-insensitive), drawn from a space at least ten times the number of
//! documents of that type.

use crate::platform::crypto;

/// Crockford's base32 alphabet.
pub const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Shortest DocId: short ids are guessable whatever the space rule says.
const MIN_LEN: u32 = 6;
/// Longest DocId the specification allows.
const MAX_LEN: u32 = 10;

/// The DocId space of a doc type is used up.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "doc type {doc_type} has {existing} documents, and 10-character DocIds leave no space ten times that; register a new doc type for new documents"
)]
pub struct Exhausted {
    pub doc_type: String,
    pub existing: u64,
}

/// The DocId length for the next document of a type that has `existing`.
pub fn doc_id_len(doc_type: &str, existing: u64) -> Result<usize, Exhausted> {
    let needed = (existing as u128 + 1) * 10;
    (MIN_LEN..=MAX_LEN)
        .find(|len| (ALPHABET.len() as u128).pow(*len) >= needed)
        .map(|len| len as usize)
        .ok_or_else(|| Exhausted {
            doc_type: doc_type.to_owned(),
            existing,
        })
}

/// A random DocId of `len` characters.
pub fn draw(len: usize) -> String {
    crypto::random_string(ALPHABET, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_space_is_at_least_ten_times_the_documents() {
        assert_eq!(doc_id_len("MSTN", 0), Ok(6));
        let six = 32u128.pow(6);
        assert_eq!(doc_id_len("MSTN", (six / 10 - 1) as u64), Ok(6));
        assert_eq!(doc_id_len("MSTN", (six / 10) as u64), Ok(7));
        let err = doc_id_len("MSTN", u64::MAX).unwrap_err();
        assert!(err.to_string().contains("register a new doc type"));
        assert_eq!(
            doc_id_len("MSTN", (32u128.pow(10) / 10) as u64),
            Err(Exhausted {
                doc_type: "MSTN".into(),
                existing: (32u128.pow(10) / 10) as u64
            })
        );
    }

    #[test]
    fn ids_have_no_look_alikes() {
        for _ in 0..200 {
            let id = draw(10);
            assert_eq!(id.len(), 10);
            assert!(!id.contains(['I', 'L', 'O', 'U']), "{id}");
            assert!(crate::platform::ids::is_doc_id(&id));
        }
    }
}
