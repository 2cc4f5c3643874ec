//! OpenLocker's browser app (Yew/WASM): the resident portal under
//! `/locker/`, with a router that the widget popups will join. The
//! partner-page loaders (dl.js, savelocker.js) stay outside Yew to keep
//! them small.

mod api;
mod app;
mod i18n;
mod layout;
mod model;
mod route;
mod safe_view;
mod screens;
mod state;
mod verhoeff;
mod widget;

pub use app::App;

/// Mounts the app on `#openlocker-app` when the page has one.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("openlocker-app"));
    if let Some(root) = root {
        root.set_inner_html("");
        yew::Renderer::<App>::with_root(root).render();
    }
}
