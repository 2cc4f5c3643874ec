//! OpenLocker's browser app (Yew/WASM). For now it holds the shell that the
//! resident portal and the widget popups will be built into; the partner-page
//! loaders (dl.js, savelocker.js) stay outside Yew to keep them small.

mod app;

pub use app::App;

/// Mounts the app on `#openlocker-app` when the page has one.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("openlocker-app"));
    if let Some(root) = root {
        yew::Renderer::<App>::with_root(root).render();
    }
}
