//! What every role stands on: the one error type, settings, secrets at rest
//! (keys, sealed files, passwords), Aadhaar numbers, ids, dates and logs.

pub mod aadhaar;
pub mod crypto;
pub mod dates;
pub mod error;
pub mod ids;
pub mod logging;
pub mod passwords;
pub mod sealed_file;
pub mod settings;
pub mod spool;
