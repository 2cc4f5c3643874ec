//! The partner page: the buttons, their status line and their events.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CustomEvent, CustomEventInit, Document, Element, Event, Window};

use openlocker_proto::widget::Service;

use crate::popup;

/// Marks an element that already has its button (a second load of the
/// loader, or the observer, leaves it alone).
const DONE: &str = "data-openlocker";

/// The loader's styles, scoped to its own class names.
const STYLE: &str = ".ol-dl-btn{display:inline-flex;align-items:center;gap:.4em;font:600 15px/1.2 system-ui,sans-serif;\
color:#fff;background:#1c4e9a;border:0;border-radius:6px;padding:.6em 1em;cursor:pointer;text-decoration:none}\
.ol-dl-btn:hover{background:#163f7d}.ol-dl-btn:focus-visible{outline:3px solid #f5a623;outline-offset:2px}\
.ol-dl-sm{font-size:12px;padding:.35em .7em}\
.ol-dl-status{display:block;margin-top:.3em;font:14px/1.3 system-ui,sans-serif;color:#333}\
.ol-dl-status[data-result=FAILURE]{color:#b00020}.ol-dl-status[data-result=SUCCESS]{color:#1b6e2a}";

pub fn window() -> Result<Window, JsValue> {
    web_sys::window().ok_or_else(|| "no window".into())
}

pub fn document() -> Result<Document, JsValue> {
    window()?.document().ok_or_else(|| "no document".into())
}

pub fn add_style(document: &Document) -> Result<(), JsValue> {
    if document.get_element_by_id("openlocker-loader-style").is_some() {
        return Ok(());
    }
    let style = document.create_element("style")?;
    style.set_id("openlocker-loader-style");
    style.set_text_content(Some(STYLE));
    document.head().ok_or("no head")?.append_child(&style)?;
    Ok(())
}

/// Turns a share `div` or a save `a` into a working button.
pub fn decorate(element: &Element) -> Result<(), JsValue> {
    if element.has_attribute(DONE) {
        return Ok(());
    }
    element.set_attribute(DONE, "")?;
    let classes = element.class_list();
    let small = classes.contains("share_fm_dl_sm") || classes.contains("locker_saver_sm");
    let service = if element.tag_name().eq_ignore_ascii_case("a") {
        Service::Save
    } else {
        Service::Share
    };
    let button = match service {
        Service::Share => {
            let button = document()?.create_element("button")?;
            button.set_attribute("type", "button")?;
            button.set_text_content(Some("Choose from DigiLocker"));
            element.append_child(&button)?;
            button
        }
        Service::Save => {
            if element.text_content().unwrap_or_default().trim().is_empty() {
                element.set_text_content(Some("Save to DigiLocker"));
            }
            element.set_attribute("role", "button")?;
            element.clone()
        }
    };
    button.class_list().add_1("ol-dl-btn")?;
    if small {
        button.class_list().add_1("ol-dl-sm")?;
    }
    let target = element.clone();
    let on_click = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        event.prevent_default();
        popup::open(&target, service);
    });
    button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    on_click.forget();
    Ok(())
}

/// Shows the outcome beside the button and fires `openlocker:<service>`
/// on the element, with `{result, message, doc_id, doc_url?}` as detail.
pub fn report(element: &Element, service: Service, result: &str, message: &str, doc_url: Option<&str>) {
    let _ = show(element, service, result, message);
    let detail = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(&detail, &key.into(), value);
    };
    set("result", &result.into());
    set("message", &message.into());
    set("doc_id", &element.id().into());
    if let Some(url) = doc_url {
        set("doc_url", &url.into());
    }
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(service.message_type(), &init) {
        let _ = element.dispatch_event(&event);
    }
}

fn show(element: &Element, service: Service, result: &str, message: &str) -> Result<(), JsValue> {
    if service == Service::Save && !result.is_empty() {
        // The specification's contract: the `a` carries the result.
        element.set_attribute("result", result)?;
    }
    let status = match status_of(element) {
        Some(status) => status,
        None => {
            let status = document()?.create_element("span")?;
            status.set_class_name("ol-dl-status");
            status.set_attribute("role", "status")?;
            status.set_attribute("aria-live", "polite")?;
            match service {
                Service::Share => element.append_child(&status).map(drop)?,
                Service::Save => element.after_with_node_1(&status)?,
            }
            status
        }
    };
    status.set_attribute("data-result", result)?;
    status.set_text_content(Some(message));
    Ok(())
}

fn status_of(element: &Element) -> Option<Element> {
    if element.tag_name().eq_ignore_ascii_case("a") {
        element
            .next_element_sibling()
            .filter(|s| s.class_list().contains("ol-dl-status"))
    } else {
        element.query_selector(".ol-dl-status").ok().flatten()
    }
}
