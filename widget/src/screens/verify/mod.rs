//! Public verification, open to anyone without signing in: `/verify/`,
//! where a certificate XML (and its PDF) is checked, and `/verify/{token}`,
//! what the QR code beside an issued document opens.

pub mod check;
pub mod link;
pub mod verdict;
