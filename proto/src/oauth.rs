//! The Authorized Partner API's JSON as the resident's app sees it: the
//! consent screen's pending request, the decision and where it leads, and
//! the connected apps.

use serde::{Deserialize, Serialize};

/// `GET /api/oauth/requests/{id}`: what an app asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRequest {
    pub app_id: String,
    pub app_name: String,
    /// The origin of the redirect URI the answer goes to.
    pub origin: String,
    /// Scope names: `openid`, `userdetails`, `files.issueddocs`, ...
    pub scopes: Vec<String>,
    pub purpose: Option<String>,
    /// Unix seconds: when the access ends.
    pub consent_valid_till: i64,
}

/// `POST /api/oauth/requests/{id}`'s body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentDecision {
    pub allow: bool,
}

/// Its answer: where the browser goes next (the app's redirect URI).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRedirect {
    pub redirect: String,
}

/// `GET /api/connections`: one connected app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub id: i64,
    pub app_id: String,
    pub app_name: String,
    /// Space-separated scope names.
    pub scope: String,
    pub granted_at: i64,
    pub last_used_at: Option<i64>,
    pub valid_till: i64,
}
