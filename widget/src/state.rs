//! The app's state: the language, who is signed in (with the CSRF token),
//! and the one status message. A reducer shared through a context.

use std::rc::Rc;

use yew::prelude::*;

use crate::api::{ApiError, ApiResult};
use crate::i18n::Lang;
use openlocker_proto::locker::Me;

/// The message shown in the status line: a translation key, and details
/// (a name, the server's words) that stay as they are.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub error: bool,
    pub key: &'static str,
    pub detail: String,
}

impl Status {
    /// The message in `lang`: `{}` in the text takes the detail, else the
    /// detail follows the text.
    pub fn text(&self, lang: Lang) -> String {
        let text = lang.t(self.key);
        if text.contains("{}") {
            text.replace("{}", &self.detail)
        } else if self.detail.is_empty() {
            text.to_owned()
        } else {
            format!("{text} {}", self.detail)
        }
    }
}

/// Everything the screens share.
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub lang: Lang,
    /// The signed-in resident; `None` when signed out.
    pub me: Option<Me>,
    /// Whether the first `GET /api/me` has answered.
    pub checked: bool,
    pub status: Option<Status>,
    /// Counts the messages said, so a repeated message is still a new one
    /// (shown as `data-seq` on the status line).
    pub said: u32,
}

/// What changes the state.
pub enum Action {
    Lang(Lang),
    SignedIn(Me),
    SignedOut,
    Checked,
    Say(Status),
}

impl AppState {
    pub fn new() -> AppState {
        AppState {
            lang: Lang::load(),
            me: None,
            // The popups' first stage saw `GET /api/me` answer 401.
            checked: crate::first::handover().is_some_and(|h| h.requester.is_some()),
            status: None,
            said: 0,
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new()
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Lang(lang) => next.lang = lang,
            Action::SignedIn(me) => {
                next.me = Some(me);
                next.checked = true;
            }
            Action::SignedOut => next.me = None,
            Action::Checked => next.checked = true,
            Action::Say(status) => {
                next.status = Some(status);
                next.said = next.said.wrapping_add(1);
            }
        }
        Rc::new(next)
    }
}

/// The shared state, as the screens hold it.
pub type Ctx = UseReducerHandle<AppState>;

/// The status key for a failed call, by its HTTP status; `None` for the
/// generic message with the server's words.
pub fn error_key(err: &ApiError) -> &'static str {
    match err.status {
        0 => "network",
        401 => "session_over",
        413 => "too_large",
        415 => "wrong_type",
        429 => "throttled",
        502 | 504 => "issuer_unavailable",
        507 => "quota_full",
        _ => "error",
    }
}

/// Helpers on the shared state.
pub trait CtxExt {
    /// The session's CSRF token (empty when signed out).
    fn csrf(&self) -> String;
    fn say(&self, key: &'static str, detail: impl Into<String>);
    fn say_error(&self, key: &'static str, detail: impl Into<String>);
    /// Reports a failed call; a lost session signs the resident out.
    fn fail(&self, err: &ApiError);
}

impl CtxExt for Ctx {
    fn csrf(&self) -> String {
        self.me.as_ref().map(|m| m.csrf_token.clone()).unwrap_or_default()
    }

    fn say(&self, key: &'static str, detail: impl Into<String>) {
        self.dispatch(Action::Say(Status {
            error: false,
            key,
            detail: detail.into(),
        }));
    }

    fn say_error(&self, key: &'static str, detail: impl Into<String>) {
        self.dispatch(Action::Say(Status {
            error: true,
            key,
            detail: detail.into(),
        }));
    }

    fn fail(&self, err: &ApiError) {
        let key = error_key(err);
        if err.status == 401 {
            self.dispatch(Action::SignedOut);
        }
        let detail = match key {
            "error" => err.message.clone(),
            "throttled" => err.retry_after.clone().unwrap_or_default(),
            _ => String::new(),
        };
        self.say_error(key, detail);
    }
}

/// Runs a call that changes something; on success says `key` (with
/// `detail`) and calls `then` (a reload, say), on failure tells why.
pub fn perform<F>(app: &Ctx, call: F, key: &'static str, detail: String, then: Callback<()>)
where
    F: Future<Output = ApiResult<()>> + 'static,
{
    let app = app.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match call.await {
            Ok(()) => {
                app.say(key, detail);
                then.emit(());
            }
            Err(e) => app.fail(&e),
        }
    });
}

/// The shared state; the app's root provides it.
#[hook]
pub fn use_app() -> Ctx {
    #[allow(clippy::expect_used)] // App, the root, always provides it
    use_context::<Ctx>().expect("the App component provides the state")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_places_its_detail() {
        let s = Status {
            error: true,
            key: "throttled",
            detail: "60".into(),
        };
        assert_eq!(
            s.text(Lang::En),
            "Too many failed sign-ins. Wait and try again in 60 seconds."
        );
        let s = Status {
            error: false,
            key: "uploaded",
            detail: "a.pdf".into(),
        };
        assert_eq!(s.text(Lang::En), "Uploaded: a.pdf");
    }
}
