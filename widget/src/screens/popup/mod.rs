//! The widget popup at `/widget/share` and `/widget/save`, opened by the
//! partner-page loader: the widget check first (errors 203 to 207 shown
//! with a plain explanation), then sign-in, the consent naming the
//! requester, and the share or save picker. Its one answer goes to the
//! page that opened it by `postMessage`, with the registered origin as the
//! exact target; it listens to no message itself.

mod consent;
pub mod request;
mod save_pick;
mod share_pick;

use std::rc::Rc;

use openlocker_proto::widget::{CheckedRequester, PopupAnswer, Service};
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use self::consent::Consent;
use self::request::{PopupQuery, QUERY_KEYS, answer};
use self::save_pick::SavePick;
use self::share_pick::SharePick;
use crate::api::{self, ApiError};
use crate::screens::account::sign_in::SignIn;
use crate::state::use_app;

/// The request the loader put into this window's URL.
fn read_query(service: Service) -> PopupQuery {
    let params = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok());
    let Some(params) = params else {
        return PopupQuery::from_pairs(service, []);
    };
    let pairs = QUERY_KEYS
        .into_iter()
        .filter_map(|key| params.get(key).map(|value| (key, value)));
    PopupQuery::from_pairs(service, pairs)
}

/// Sends `answer` to the window that opened this one, only if its page is
/// on `origin`; false when there is no such window any more.
fn tell_opener(origin: &str, answer: &PopupAnswer) -> bool {
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
    let json = serde_json::to_string(answer).unwrap_or_default();
    let data = js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL);
    opener.post_message(&data, origin).is_ok()
}

fn close_window() {
    if let Some(w) = web_sys::window() {
        let _ = w.close();
    }
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
    pub query: Rc<PopupQuery>,
    pub requester: CheckedRequester,
    pub done: Callback<Outcome>,
}

#[derive(Properties, PartialEq)]
pub struct PopupProps {
    pub service: Service,
}

/// The popup: the widget check, then the flow for a good request.
#[function_component(Popup)]
pub fn popup(props: &PopupProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let query = use_memo(props.service, |service| read_query(*service));
    // The check's refusal is shown in the page, not in the status line.
    // The first stage may have checked it already.
    let check = use_state(|| {
        crate::first::handover()
            .and_then(|h| h.requester)
            .map(Ok::<_, ApiError>)
    });
    {
        let (query, check) = (query.clone(), check.clone());
        use_effect_with(props.service, move |_| {
            if check.is_none() {
                wasm_bindgen_futures::spawn_local(async move {
                    check.set(Some(api::check_widget(&query.request).await));
                });
            }
        });
    }
    // The check runs while the app looks the session up (`GET /api/me`):
    // the flow starts once both are known.
    match &*check {
        None => html! { <p class="muted">{ lang.t("loading") }</p> },
        Some(Ok(_)) if !app.checked => html! { <p class="muted">{ lang.t("loading") }</p> },
        Some(Err(e)) => refused(lang, e),
        Some(Ok(requester)) => html! { <Flow service={props.service} {query} requester={requester.clone()} /> },
    }
}

fn refused(lang: crate::i18n::Lang, e: &ApiError) -> Html {
    let text = match e.code {
        Some(code) => format!("{} {code}: {}", lang.t("error_word"), lang.t(request::error_key(code))),
        None => format!("{}: {}", lang.t("widget_other"), e.message),
    };
    html! {
        <section class="popup" aria-labelledby="widget-error-title">
            <h2 id="widget-error-title">{ lang.t("widget_refused") }</h2>
            <p data-testid="widget-error" role="alert" class="status error">{ text }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FlowProps {
    service: Service,
    query: Rc<PopupQuery>,
    requester: CheckedRequester,
}

/// A good request: sign-in, consent, the picker, and the answer.
#[function_component(Flow)]
fn flow(props: &FlowProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let (service, requester) = (props.service, &props.requester);
    let consented = use_state(|| false);
    // Told after the answer could not be delivered, or after a refusal.
    let ended = use_state(|| None::<(&'static str, String)>);
    let done = {
        let (ended, origin) = (ended.clone(), requester.origin.clone());
        Callback::from(move |outcome: Outcome| {
            if !tell_opener(
                &origin,
                &answer(service, outcome.ok, &outcome.doc_url, &outcome.message),
            ) {
                ended.set(Some(("opener_gone", String::new())));
            } else if outcome.ok || outcome.doc_url.is_empty() && service == Service::Share {
                close_window();
            } else {
                ended.set(Some(("save_failed", outcome.message)));
            }
        })
    };
    let (query, requester) = (props.query.clone(), requester.clone());
    match (&*ended, app.me.is_some(), *consented) {
        (Some((key, detail)), _, _) => html! { <Ended what={*key} detail={detail.clone()} /> },
        (None, false, _) => html! {
            <>
                <p class="requester">{ lang.t("popup_for") }{ " " }<strong>{ &requester.app_name }</strong></p>
                <SignIn />
            </>
        },
        (None, true, false) => html! { <Consent {service} {requester} {consented} {done} /> },
        (None, true, true) => match service {
            Service::Share => html! { <SharePick {query} {requester} {done} /> },
            Service::Save => html! { <SavePick {query} {requester} {done} /> },
        },
    }
}

#[derive(Properties, PartialEq)]
struct EndedProps {
    /// The translation key of what happened.
    what: &'static str,
    detail: String,
}

/// The popup's last word, when it cannot simply close.
#[function_component(Ended)]
fn ended(props: &EndedProps) -> Html {
    let lang = use_app().lang;
    html! {
        <section class="popup">
            <p data-testid="popup-ended" role="alert" class="status error">
                { lang.t(props.what) }{ " " }{ &props.detail }
            </p>
            <button type="button" class="secondary" onclick={Callback::from(|_: MouseEvent| close_window())}>
                { lang.t("close_window") }
            </button>
        </section>
    }
}
