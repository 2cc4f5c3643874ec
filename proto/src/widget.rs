//! The partner widgets' JSON: the request a partner page makes (checked
//! before anything else), the check's answer, a share and a save, and the
//! popup's one answer to the page that opened it.

use serde::{Deserialize, Serialize};

/// What a popup serves: sharing a document with the partner or saving one
/// of the partner's documents into the locker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Share,
    Save,
}

impl Service {
    /// The name in the widget request's `service` and in the popup's path.
    pub fn name(self) -> &'static str {
        match self {
            Service::Share => "share",
            Service::Save => "save",
        }
    }

    /// The popup's path on the locker.
    pub fn popup_path(self) -> &'static str {
        match self {
            Service::Share => "/widget/share",
            Service::Save => "/widget/save",
        }
    }

    /// The `type` of the popup's answer, and of the DOM event the loader
    /// fires on the partner page.
    pub fn message_type(self) -> &'static str {
        match self {
            Service::Share => SHARE_ANSWER,
            Service::Save => SAVE_ANSWER,
        }
    }
}

const SHARE_ANSWER: &str = "openlocker:share";
const SAVE_ANSWER: &str = "openlocker:save";

/// The widget request, as the partner page's loader wrote it into the
/// popup's URL; `POST /widget/api/check`, and part of every share or save.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetRequest {
    pub app_id: String,
    /// `sha256(app_id + app_key + time_stamp)`, hex.
    pub app_hash: String,
    /// As written in the page: Unix seconds or milliseconds, or ISO-8601
    /// with an offset.
    pub time_stamp: String,
    /// The partner page's origin (`location.origin`).
    pub origin: String,
    /// `share` or `save`: text, not a [`Service`], because it comes from
    /// the page and an unknown one is refused with the widget's code 207.
    pub service: String,
}

/// The answer of `POST /widget/api/check`: the requester a popup works for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedRequester {
    pub app_id: String,
    pub app_name: String,
    /// The partner page's registered origin, normalised: the only
    /// `postMessage` target.
    pub origin: String,
    pub services: Vec<String>,
}

/// The document a resident picked to share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DocChoice {
    Issued { uri: String },
    Uploaded { id: i64 },
}

/// `POST /api/shares`: the resident confirmed a share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRequest {
    pub widget: WidgetRequest,
    pub doc: DocChoice,
}

/// The answer of `POST /api/shares`: the document URL for the partner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minted {
    pub share_id: i64,
    pub doc_url: String,
    pub doc_name: String,
    pub expires_at: i64,
    pub max_fetches: i64,
    /// The origin the popup may post the result to.
    pub origin: String,
}

/// A share's state, as its resident sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareState {
    Active,
    Expired,
    UsedUp,
    Revoked,
}

impl ShareState {
    /// The JSON name (`active`, `expired`, `used_up`, `revoked`).
    pub fn as_str(self) -> &'static str {
        match self {
            ShareState::Active => "active",
            ShareState::Expired => "expired",
            ShareState::UsedUp => "used_up",
            ShareState::Revoked => "revoked",
        }
    }
}

/// One entry of `GET /api/shares`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareEntry {
    pub id: i64,
    pub resident_id: i64,
    pub app_id: String,
    pub origin: String,
    pub doc_name: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_fetches: i64,
    pub fetches: i64,
    pub last_fetched_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The requester's name (its id when it is no longer registered).
    pub app_name: String,
    pub state: ShareState,
}

/// `POST /api/saves`: "Save to DigiLocker" confirmed; answered with the
/// saved [`UploadedFile`](crate::uploads::UploadedFile).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveRequest {
    pub widget: WidgetRequest,
    /// The `href` of the partner page's `a.locker-saver`.
    pub href: String,
    /// The chosen folder; the top level when absent.
    #[serde(default)]
    pub folder_id: Option<i64>,
}

/// A save's result word, as the DigiLocker widget contract spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SaveResult {
    Success,
    Failure,
}

/// The popup's one `postMessage` to the page that opened it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum PopupAnswer {
    /// A share's document URL; empty when nothing was shared.
    #[serde(rename = "openlocker:share")]
    Share { doc_url: String, message: String },
    #[serde(rename = "openlocker:save")]
    Save { result: SaveResult, message: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_types_match_the_service_names() {
        // serde's renames cannot name the constants: keep them in step.
        assert_eq!(Service::Share.message_type(), "openlocker:share");
        assert_eq!(Service::Save.message_type(), "openlocker:save");
        assert_eq!(Service::Save.popup_path(), format!("/widget/{}", Service::Save.name()));
        assert_eq!(
            Service::Share.popup_path(),
            format!("/widget/{}", Service::Share.name())
        );
    }
}
