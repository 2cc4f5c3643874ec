//! The widget popup at `/widget/share` and `/widget/save`, opened by the
//! partner-page loader: the widget check first (errors 203 to 207 shown
//! with a plain explanation), then sign-in, the consent naming the
//! requester, and the share or save picker. Its one answer goes to the
//! page that opened it by `postMessage`, with the registered origin as the
//! exact target; it listens to no message itself.

use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::model::Requester;
use crate::screens::save_pick::SavePick;
use crate::screens::share_pick::SharePick;
use crate::screens::sign_in::SignIn;
use crate::state::use_app;
use crate::widget::{self, Service, WidgetQuery};

/// The request the loader put into this window's URL.
fn read_query(service: Service) -> WidgetQuery {
    let params = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok());
    let Some(params) = params else {
        return WidgetQuery::from_pairs(service, []);
    };
    let pairs = ["app_id", "app_hash", "time_stamp", "origin", "href"]
        .into_iter()
        .filter_map(|key| params.get(key).map(|value| (key, value)));
    WidgetQuery::from_pairs(service, pairs)
}

/// Sends `message` to the window that opened this one, only if its page is
/// on `origin`; false when there is no such window any more.
fn tell_opener(origin: &str, message: &serde_json::Value) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let opener = window.opener().ok().filter(|o| !o.is_null() && !o.is_undefined());
    // A cross-origin window fails `instanceof`; it still has `closed` and
    // `postMessage`.
    let Some(opener) = opener.map(JsValue::unchecked_into::<web_sys::Window>) else {
        return false;
    };
    if opener.closed().unwrap_or(true) {
        return false;
    }
    let data = js_sys::JSON::parse(&message.to_string()).unwrap_or(JsValue::NULL);
    opener.post_message(&data, origin).is_ok()
}

/// What a picker reports when it is done.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub ok: bool,
    /// A share's document URL; empty otherwise.
    pub doc_url: String,
    /// For the page (and the popup, on failure).
    pub message: String,
}

/// Props of the pickers.
#[derive(Properties, PartialEq)]
pub struct PickProps {
    pub query: Rc<WidgetQuery>,
    pub requester: Requester,
    pub done: Callback<Outcome>,
}

#[derive(Clone, PartialEq)]
enum Check {
    Pending,
    Refused(ApiError),
    Good(Requester),
}

#[derive(Properties, PartialEq)]
pub struct PopupProps {
    pub service: Service,
}

/// The popup.
#[function_component(Popup)]
pub fn popup(props: &PopupProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let service = props.service;
    let query = use_memo(service, |service| read_query(*service));
    let check = use_state(|| Check::Pending);
    let consented = use_state(|| false);
    // Told after the answer could not be delivered, or after a refusal.
    let ended = use_state(|| None::<(&'static str, String)>);
    {
        let (query, check) = (query.clone(), check.clone());
        use_effect_with(service, move |_| {
            spawn_local(async move {
                match api::post_public::<_, Requester>("/widget/api/check", &*query).await {
                    Ok(requester) => check.set(Check::Good(requester)),
                    Err(e) => check.set(Check::Refused(e)),
                }
            });
        });
    }
    let Check::Good(requester) = (*check).clone() else {
        return match &*check {
            Check::Refused(e) => refused(lang, e),
            _ => html! { <p class="muted">{ lang.t("loading") }</p> },
        };
    };
    let done = {
        let (ended, origin) = (ended.clone(), requester.origin.clone());
        Callback::from(move |outcome: Outcome| {
            let message = widget::message(service, outcome.ok, &outcome.doc_url, &outcome.message);
            if !tell_opener(&origin, &message) {
                ended.set(Some(("opener_gone", String::new())));
            } else if outcome.ok || outcome.doc_url.is_empty() && service == Service::Share {
                if let Some(w) = web_sys::window() {
                    let _ = w.close();
                }
            } else {
                ended.set(Some(("save_failed", outcome.message)));
            }
        })
    };
    if let Some((key, detail)) = &*ended {
        let close = Callback::from(|_: MouseEvent| {
            if let Some(w) = web_sys::window() {
                let _ = w.close();
            }
        });
        return html! {
            <section class="popup">
                <p data-testid="popup-ended" role="alert" class="status error">
                    { lang.t(key) }{ " " }{ detail }
                </p>
                <button type="button" class="secondary" onclick={close}>{ lang.t("close_window") }</button>
            </section>
        };
    }
    if app.me.is_none() {
        return html! {
            <>
                <p class="requester">{ lang.t("popup_for") }{ " " }<strong>{ &requester.app_name }</strong></p>
                <SignIn />
            </>
        };
    }
    if !*consented {
        return consent(lang, service, &requester, consented.clone(), done);
    }
    match service {
        Service::Share => html! { <SharePick {query} {requester} {done} /> },
        Service::Save => html! { <SavePick {query} {requester} {done} /> },
    }
}

fn refused(lang: crate::i18n::Lang, e: &ApiError) -> Html {
    let text = match e.code {
        Some(code) => format!("{} {code}: {}", lang.t("error_word"), lang.t(widget::error_key(code))),
        None => format!("{}: {}", lang.t("widget_other"), e.message),
    };
    html! {
        <section class="popup" aria-labelledby="widget-error-title">
            <h2 id="widget-error-title">{ lang.t("widget_refused") }</h2>
            <p data-testid="widget-error" role="alert" class="status error">{ text }</p>
        </section>
    }
}

fn consent(
    lang: crate::i18n::Lang,
    service: Service,
    requester: &Requester,
    consented: UseStateHandle<bool>,
    done: Callback<Outcome>,
) -> Html {
    let allow = Callback::from(move |_: MouseEvent| consented.set(true));
    let deny = Callback::from(move |_: MouseEvent| {
        done.emit(Outcome {
            ok: false,
            doc_url: String::new(),
            message: "The resident declined.".into(),
        })
    });
    let asks = match service {
        Service::Share => "consent_share",
        Service::Save => "consent_save",
    };
    html! {
        <section class="popup" aria-labelledby="consent-title">
            <h2 id="consent-title">{ lang.t("consent_title") }</h2>
            <p data-testid="consent-requester">
                <strong>{ &requester.app_name }</strong>{ " (" }<code>{ &requester.origin }</code>{ ") " }
                { lang.t(asks) }
            </p>
            <p class="actions">
                <button type="button" data-testid="consent-allow" onclick={allow} autofocus=true>
                    { lang.t("consent_allow") }
                </button>
                { " " }
                <button type="button" class="secondary" data-testid="consent-deny" onclick={deny}>
                    { lang.t("consent_deny") }
                </button>
            </p>
        </section>
    }
}
