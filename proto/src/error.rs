//! The JSON body of every refused or failed JSON call.

use serde::{Deserialize, Serialize};

/// `{"error", "message", "field"?, "code"?}`. Internal failures carry a
/// generic message and the request id, never the cause.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A short machine-readable kind (`invalid`, `unauthorized`, ...).
    pub error: String,
    /// For people.
    pub message: String,
    /// The form field at fault, for a refused form value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The widget error code (203 to 207) of a refused widget request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
}
