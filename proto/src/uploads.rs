//! Uploaded Documents' JSON: folders and the resident's own files.

use serde::{Deserialize, Deserializer, Serialize};

/// One entry of `GET /api/folders`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folder {
    pub id: i64,
    pub name: String,
    /// How many files it holds (only an empty folder can be deleted).
    pub files: i64,
    pub created_at: i64,
}

/// `POST /api/folders` and `PUT /api/folders/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderName {
    pub name: String,
}

/// One entry of `GET /api/uploaded`, and the answer of a save.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub id: i64,
    pub name: String,
    /// The folder's name; `None` at the top level.
    pub folder: Option<String>,
    pub folder_id: Option<i64>,
    pub size: i64,
    pub content_type: String,
    pub uploaded_at: i64,
}

/// `PUT /api/uploaded/{id}`: rename and/or move.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Some(None)` (`null`) moves to the top level, `Some(Some(id))` into a
    /// folder; `None` (absent) leaves the file where it is.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub folder: Option<Option<i64>>,
}

/// A field that is there, even as `null`, is `Some`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}
