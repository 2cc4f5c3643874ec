//! What the popups' first stage (`widget/popup/first.js`) hands over when
//! it starts this app: the checked request, and the sign-in form as the
//! resident filled and submitted it. Read once, before the app mounts.

use std::cell::RefCell;

use openlocker_proto::widget::CheckedRequester;
use serde::Deserialize;

/// `window.OpenLockerPopup`, set by the first stage.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Handover {
    /// The answer of `POST /widget/api/check` (the first stage also saw
    /// `GET /api/me` answer 401).
    pub requester: Option<CheckedRequester>,
    pub username: String,
    pub password: String,
    /// The form was submitted: sign in at once.
    pub submit: bool,
}

thread_local! {
    static HANDOVER: RefCell<Option<Handover>> = const { RefCell::new(None) };
}

/// Reads the first stage's handover from the page, if it left one.
#[cfg(target_arch = "wasm32")]
pub fn adopt() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let value = js_sys::Reflect::get(&window, &"OpenLockerPopup".into()).ok();
    let json = value
        .filter(|v| v.is_object())
        .and_then(|v| js_sys::JSON::stringify(&v).ok())
        .and_then(|s| s.as_string());
    let _ = js_sys::Reflect::delete_property(&window, &"OpenLockerPopup".into());
    if let Some(handover) = json.and_then(|json| serde_json::from_str::<Handover>(&json).ok()) {
        HANDOVER.with(|h| *h.borrow_mut() = Some(handover));
    }
}

/// The handover, if the first stage left one.
pub fn handover() -> Option<Handover> {
    HANDOVER.with(|h| h.borrow().clone())
}

/// Whether a submitted form waits to be signed in; true once only (the
/// password is forgotten then: the sign-in form has its own copy).
pub fn take_submit() -> bool {
    HANDOVER.with(|h| {
        h.borrow_mut().as_mut().is_some_and(|h| {
            h.password.clear();
            std::mem::take(&mut h.submit)
        })
    })
}
