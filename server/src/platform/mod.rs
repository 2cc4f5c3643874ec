//! What every role stands on: the one error type, settings, secrets at rest
//! (keys, sealed files, passwords), Aadhaar numbers, ids, dates and logs.

pub mod aadhaar;
pub mod address_policy;
pub mod crypto;
pub mod data_dir;
pub mod dates;
pub mod error;
pub mod faults;
pub mod ids;
pub mod logging;
pub mod objects;
pub mod passwords;
pub mod sealed_file;
pub mod settings;
pub mod spool;
pub mod text;
