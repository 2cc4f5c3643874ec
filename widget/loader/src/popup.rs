//! The locker's popup window: opening it, noticing when it is closed or
//! blocked, and its one answer by `postMessage`.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, MessageEvent, RequestInit, Response, UrlSearchParams, Window};

use openlocker_proto::widget::Service;

use crate::page::{self, report};

/// The popup waiting for an answer.
struct Waiting {
    popup: Window,
    element: Element,
    service: Service,
    /// The interval that watches for the popup being closed.
    watch: i32,
}

thread_local! {
    static WAITING: RefCell<Option<Waiting>> = const { RefCell::new(None) };
    /// One reference per page instance, sent as `user_ref`.
    static USER_REF: String = user_ref();
}

fn user_ref() -> String {
    let mut bytes = [0u8; 16];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)] as char, HEX[usize::from(b & 15)] as char])
        .collect()
}

/// The popup's URL on the locker, with the widget request in its query.
fn popup_url(window: &Window, element: &Element, service: Service) -> Option<String> {
    let config = crate::config()?;
    let params = UrlSearchParams::new().ok()?;
    params.append("app_id", &config.app_id);
    params.append("app_hash", &config.app_hash);
    params.append("time_stamp", &config.time_stamp);
    params.append("origin", &window.location().origin().unwrap_or_default());
    if service == Service::Save {
        let href = element
            .dyn_ref::<web_sys::HtmlAnchorElement>()
            .map(|a| a.href())
            .unwrap_or_default();
        params.append("href", &href);
    }
    // Built by hand: `format!` alone would add kilobytes to the loader.
    let mut url = config.locker;
    url.push_str(service.popup_path());
    url.push('?');
    url.push_str(&String::from(params.to_string()));
    Some(url)
}

/// Opens the popup for `element`'s button.
pub fn open(element: &Element, service: Service) {
    let Ok(window) = page::window() else {
        return;
    };
    let Some(url) = popup_url(&window, element, service) else {
        return;
    };
    let features = "popup,width=520,height=680";
    let popup = window
        .open_with_url_and_target_and_features(&url, "openlocker", features)
        .ok()
        .flatten();
    let Some(popup) = popup else {
        report(
            element,
            service,
            "FAILURE",
            "Your browser blocked the DigiLocker window. Allow pop-ups for this site and try again.",
            None,
        );
        return;
    };
    stop_waiting();
    let watch = Closure::<dyn Fn()>::new(closed_without_answer);
    let id = window
        .set_interval_with_callback_and_timeout_and_arguments_0(watch.as_ref().unchecked_ref(), 500)
        .unwrap_or(0);
    watch.forget();
    WAITING.with(|w| {
        *w.borrow_mut() = Some(Waiting {
            popup,
            element: element.clone(),
            service,
            watch: id,
        })
    });
}

/// Forgets the popup being waited for, and returns it.
fn stop_waiting() -> Option<Waiting> {
    let waiting = WAITING.with(|w| w.borrow_mut().take())?;
    if let Ok(window) = page::window() {
        window.clear_interval_with_handle(waiting.watch);
    }
    Some(waiting)
}

fn closed_without_answer() {
    let closed = WAITING.with(|w| w.borrow().as_ref().map(|w| w.popup.closed().unwrap_or(true)));
    if closed == Some(true)
        && let Some(waiting) = stop_waiting()
    {
        let what = match waiting.service {
            Service::Share => "The DigiLocker window was closed before a document was shared.",
            Service::Save => "The DigiLocker window was closed before the document was saved.",
        };
        report(&waiting.element, waiting.service, "FAILURE", what, None);
    }
}

/// The popup's answer. Messages from any other origin or window are
/// ignored.
pub fn on_message(event: MessageEvent) {
    let Some(config) = crate::config() else {
        return;
    };
    if event.origin() != config.locker {
        return;
    }
    let from_popup = WAITING.with(|w| {
        w.borrow()
            .as_ref()
            .zip(event.source())
            .is_some_and(|(waiting, source)| js_sys::Object::is(&waiting.popup, &source))
    });
    if !from_popup {
        return;
    }
    let data = event.data();
    let field = |name: &str| {
        js_sys::Reflect::get(&data, &name.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let Some(waiting) = stop_waiting() else {
        return;
    };
    if field("type") != waiting.service.message_type() {
        report(
            &waiting.element,
            waiting.service,
            "FAILURE",
            "DigiLocker sent an unexpected answer.",
            None,
        );
        return;
    }
    answered(waiting, &field, config.upload_url);
}

/// Acts on the popup's answer of the expected type: a save's result is
/// shown, a share's document URL delivered to the page's upload URL.
fn answered(waiting: Waiting, field: &dyn Fn(&str) -> String, upload_url: Option<String>) {
    let message = field("message");
    match waiting.service {
        Service::Save => {
            let result = if field("result") == "SUCCESS" {
                "SUCCESS"
            } else {
                "FAILURE"
            };
            report(&waiting.element, Service::Save, result, &message, None);
        }
        Service::Share => {
            let doc_url = field("doc_url");
            if doc_url.is_empty() {
                report(&waiting.element, Service::Share, "FAILURE", &message, None);
            } else {
                wasm_bindgen_futures::spawn_local(deliver(waiting.element, upload_url, doc_url));
            }
        }
    }
}

/// POSTs `user_ref`, `doc_id` and `doc_url` to the page's upload URL and
/// reports its SUCCESS or FAILURE.
async fn deliver(element: Element, upload_url: Option<String>, doc_url: String) {
    let Some(upload_url) = upload_url else {
        report(
            &element,
            Service::Share,
            "FAILURE",
            "The page has no data-upload-url.",
            Some(&doc_url),
        );
        return;
    };
    let answer = post_form(&upload_url, &element.id(), &doc_url).await;
    let (result, message) = match answer.as_deref() {
        Ok("SUCCESS") => ("SUCCESS", "Your document was shared from DigiLocker."),
        Ok(_) => ("FAILURE", "The site could not store your document. Please try again."),
        Err(_) => ("FAILURE", "The site could not be reached to store your document."),
    };
    report(&element, Service::Share, result, message, Some(&doc_url));
}

async fn post_form(url: &str, doc_id: &str, doc_url: &str) -> Result<String, JsValue> {
    let form = UrlSearchParams::new()?;
    form.append("user_ref", &USER_REF.with(String::clone));
    form.append("doc_id", doc_id);
    form.append("doc_url", doc_url);
    let init = RequestInit::new();
    init.set_method("POST");
    // A URLSearchParams body is sent as application/x-www-form-urlencoded.
    init.set_body(&form);
    let response: Response = JsFuture::from(page::window()?.fetch_with_str_and_init(url, &init))
        .await?
        .dyn_into()?;
    if !response.ok() {
        return Ok(String::new());
    }
    let text = JsFuture::from(response.text()?).await?;
    Ok(text.as_string().unwrap_or_default().trim().to_ascii_uppercase())
}
