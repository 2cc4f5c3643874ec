//! The resident portal's screens under `/locker/`.

pub mod activity;
pub mod connections;
pub mod doc_details;
pub mod file_row;
pub mod folders;
pub mod issued;
pub mod profile;
pub mod pull;
pub mod shares;
pub mod signature_badge;
pub mod upload_form;
pub mod uploaded;
pub mod verify;
pub mod verify_links;
pub mod verify_qr;
