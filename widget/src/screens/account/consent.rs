//! A partner app's authorize request (the Authorized Partner API): the
//! app, the origin its answer goes to, what it asks and until when. Allow
//! or deny ends the server-side pending request; the browser then goes to
//! the app's registered redirect URI, which the server chose.

use openlocker_proto::oauth::ConsentRequest;
use serde::Deserialize;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::hooks::{Loaded, use_fetch};
use crate::state::{CtxExt, use_app};
use crate::ui::local_time;

#[derive(Deserialize)]
struct ConsentQuery {
    request: String,
}

/// The translation key that says what a scope gives.
fn scope_key(scope: &str) -> &'static str {
    match scope {
        "openid" => "scope_openid",
        "userdetails" => "scope_userdetails",
        "files.issueddocs" => "scope_issueddocs",
        "files.uploadeddocs" => "scope_uploadeddocs",
        "files.upload" => "scope_upload",
        _ => "scope_unknown",
    }
}

/// The consent screen.
#[function_component(Consent)]
pub fn consent() -> Html {
    let app = use_app();
    let lang = app.lang;
    let id = use_location()
        .and_then(|l| l.query::<ConsentQuery>().ok())
        .map(|q| q.request)
        .unwrap_or_default();
    let request = {
        let id = id.clone();
        use_fetch(move || async move { api::consent_request(&id).await })
    };
    let busy = use_state(|| false);
    let decide = |allow: bool| {
        let (app, id, busy) = (app.clone(), id.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            let (app, id, busy) = (app.clone(), id.clone(), busy.clone());
            busy.set(true);
            spawn_local(async move {
                match api::consent_decide(&app.csrf(), &id, allow).await {
                    Ok(next) => go_to(&next.redirect),
                    Err(e) => {
                        app.fail(&e);
                        busy.set(false);
                    }
                }
            });
        })
    };
    let Loaded::Ready(asked) = &*request.loaded else {
        return html! { <p class="muted">{ lang.t("loading") }</p> };
    };
    html! {
        <section class="consent" aria-labelledby="consent-title">
            <h2 id="consent-title">{ lang.t("oauth_consent_title") }</h2>
            <Asked asked={asked.clone()} />
            <p class="actions">
                <button type="button" data-testid="consent-allow" onclick={decide(true)} disabled={*busy}>
                    { lang.t("consent_allow") }
                </button>
                { " " }
                <button type="button" class="secondary" data-testid="consent-deny" onclick={decide(false)}
                        disabled={*busy}>
                    { lang.t("consent_deny") }
                </button>
            </p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AskedProps {
    asked: ConsentRequest,
}

/// Who asks, where the answer goes, what and until when.
#[function_component(Asked)]
fn asked(props: &AskedProps) -> Html {
    let lang = use_app().lang;
    let a = &props.asked;
    html! {
        <>
            <p>
                <strong data-testid="consent-app">{ &a.app_name }</strong>{ " " }
                <code data-testid="consent-domain">{ &a.origin }</code>{ " " }{ lang.t("oauth_asks") }
            </p>
            <ul data-testid="consent-scopes">
                { for a.scopes.iter().map(|s| html! { <li data-scope={s.clone()}>{ lang.t(scope_key(s)) }</li> }) }
            </ul>
            if let Some(purpose) = &a.purpose {
                <p data-testid="consent-purpose">{ lang.t("oauth_purpose") }{ " " }{ purpose }</p>
            }
            <p data-testid="consent-valid-till" data-unix={a.consent_valid_till.to_string()}>
                { lang.t("oauth_valid_till") }{ " " }{ local_time(a.consent_valid_till) }
            </p>
        </>
    }
}

/// Leaves the app for the partner's redirect URI.
fn go_to(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}
