//! The partner-page loader, served as both `dl.js` and `savelocker.js`.
//!
//! It reads `script#dlshare` (`data-app-id`, `data-app-hash`, `time-stamp`,
//! `data-upload-url`), puts a "Choose from DigiLocker" button in every
//! `div.share_fm_dl` (a small one in `div.share_fm_dl_sm`) and makes every
//! `a.locker-saver[href]` (`a.locker_saver_sm`) a "Save to DigiLocker"
//! button, also in elements added later. A click opens the locker's popup;
//! the popup answers by `postMessage`, checked against the locker's origin
//! and the popup window. A share is then POSTed, form-encoded, to
//! `data-upload-url` by this loader (never by the popup), and the result is
//! shown beside the button and fired as a DOM event (`openlocker:share`,
//! `openlocker:save`). web-sys only, no Yew, so the whole loader stays far
//! under 30 KB gzip.

mod page;
mod popup;

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, MessageEvent, MutationObserver, MutationObserverInit};

/// What the partner page declared in `script#dlshare`.
#[derive(Clone)]
pub struct Config {
    /// The origin the loader was served from: the locker.
    pub locker: String,
    pub app_id: String,
    pub app_hash: String,
    pub time_stamp: String,
    pub upload_url: Option<String>,
}

thread_local! {
    static CONFIG: RefCell<Option<Config>> = const { RefCell::new(None) };
}

pub(crate) fn config() -> Option<Config> {
    CONFIG.with(|c| c.borrow().clone())
}

/// Runs once the wasm is loaded.
#[wasm_bindgen(start)]
pub fn start() {
    if let Err(err) = run() {
        web_sys::console::error_2(&"OpenLocker loader:".into(), &err);
    }
}

fn run() -> Result<(), JsValue> {
    let document = page::document()?;
    let script = document
        .get_element_by_id("dlshare")
        .ok_or("the page has no script#dlshare")?;
    let src = script.get_attribute("src").unwrap_or_default();
    let locker = web_sys::Url::new_with_base(&src, &document.url()?)?.origin();
    let attr = |name: &str| script.get_attribute(name).unwrap_or_default().trim().to_owned();
    let config = Config {
        locker,
        app_id: attr("data-app-id"),
        app_hash: attr("data-app-hash"),
        time_stamp: attr("time-stamp"),
        upload_url: Some(attr("data-upload-url")).filter(|u| !u.is_empty()),
    };
    CONFIG.with(|c| *c.borrow_mut() = Some(config));
    page::add_style(&document)?;
    decorate(&document)?;
    watch_for_new_elements(&document)?;
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(popup::on_message);
    page::window()?.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref())?;
    on_message.forget();
    Ok(())
}

/// Gives every button element on the page its button, once.
fn decorate(document: &Document) -> Result<(), JsValue> {
    let found =
        document.query_selector_all("div.share_fm_dl, div.share_fm_dl_sm, a.locker-saver, a.locker_saver_sm")?;
    for index in 0..found.length() {
        if let Some(element) = found.item(index).and_then(|n| n.dyn_into::<Element>().ok()) {
            page::decorate(&element)?;
        }
    }
    Ok(())
}

/// Single-page apps add elements after load: decorate those too.
fn watch_for_new_elements(document: &Document) -> Result<(), JsValue> {
    let root = document.document_element().ok_or("no document element")?;
    let on_change = Closure::<dyn Fn()>::new(|| {
        if let Ok(document) = page::document() {
            let _ = decorate(&document);
        }
    });
    let observer = MutationObserver::new(on_change.as_ref().unchecked_ref())?;
    let options = MutationObserverInit::new();
    options.set_child_list(true);
    options.set_subtree(true);
    observer.observe_with_options(&root, &options)?;
    on_change.forget();
    Ok(())
}
