//! Aadhaar numbers: the one check (12 digits, Verhoeff) and the masking
//! live in `openlocker-proto`, which the browser app uses too, so the two
//! can never disagree; the server's callers reach them here.

pub use openlocker_proto::aadhaar::{
    Aadhaar, AadhaarError, mask, mask_digit_runs, verhoeff_check_digit, verhoeff_valid,
};
