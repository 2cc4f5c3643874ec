//! OpenLocker's browser app (Yew/WASM): the resident portal under
//! `/locker/`, the partner widgets' popups under `/widget/` and public
//! verification under `/verify/`. The JSON
//! types and the Aadhaar check come from `openlocker-proto`, shared with
//! the server. The partner-page loaders (dl.js, savelocker.js) stay outside
//! Yew to keep them small.
//!
//! - `app`, `layout`, `route`: the root, the page frame, the routes;
//! - `first`: what the popups' first stage (plain JS) hands over;
//! - `api`: every server endpoint as a typed function (the only place that
//!   fetches); `hooks`: the load-on-mount fetch;
//! - `state`: the shared state (reducer); `i18n`: every string, English
//!   and Hindi; `ui`: small shared pieces;
//! - `screens/`: `account/` (sign-in, sign-up), `locker/` (the portal),
//!   `popup/` (the widget popups), `verify/` (public verification).
//!
//! Without its default `portal` feature it is the popups' build (`/widget/`
//! routes only), which leaves the portal's API calls and helpers unused.
#![cfg_attr(not(feature = "portal"), allow(dead_code))]

mod api;
mod app;
mod first;
mod hooks;
mod i18n;
mod layout;
mod route;
mod safe_view;
mod screens;
mod state;
mod ui;

pub use app::App;

/// Mounts the app on `#openlocker-app` when the page has one.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("openlocker-app"));
    if let Some(root) = root {
        first::adopt();
        root.set_inner_html("");
        yew::Renderer::<App>::with_root(root).render();
    }
}
