//! The portal's screens, one function component per file.

pub mod activity;
pub mod file_row;
pub mod folders;
pub mod issued;
pub mod popup;
pub mod profile;
pub mod pull;
pub mod save_pick;
pub mod share_pick;
pub mod shares;
pub mod sign_in;
pub mod sign_up;
pub mod uploaded;
pub mod verify;

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The value of the input an event came from.
pub fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// A callback that stores an input's value in `state`.
pub fn bind(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(input_value(&e)))
}

/// A Unix time, in the browser's locale and time zone.
pub fn local_time(unix: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}
