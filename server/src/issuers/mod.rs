//! The issuers' side of the locker: the registry of issuers (keys, doc
//! types, portal users), the issuer portal, the Push CSV API and the import
//! of queued CSV files.

pub mod import;
pub mod portal;
pub mod push;
pub mod registry;
