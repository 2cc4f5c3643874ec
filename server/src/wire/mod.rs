//! The DigiLocker XML protocol that the locker and the repository both
//! speak: the hardened reader, the writer, the request checks (ts window,
//! keyhash, txn replay, body HMAC), the Push CSV columns and the outgoing
//! POST.

pub mod auth;
pub mod envelope;
pub mod push_csv;
pub mod reader;
pub mod refusal;
pub mod replay;
pub mod signature;
pub mod upstream;
pub mod writer;
