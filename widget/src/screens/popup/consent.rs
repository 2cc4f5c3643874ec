//! The popup's consent: the requester named (with its registered origin)
//! and what it asks for, allowed or denied.

use openlocker_proto::widget::{CheckedRequester, Service};
use yew::prelude::*;

use super::Outcome;
use crate::state::use_app;

#[derive(Properties, PartialEq)]
pub struct ConsentProps {
    pub service: Service,
    pub requester: CheckedRequester,
    /// Set once the resident allows.
    pub consented: UseStateHandle<bool>,
    /// Told when the resident declines.
    pub done: Callback<Outcome>,
}

/// The consent screen.
#[function_component(Consent)]
pub fn consent(props: &ConsentProps) -> Html {
    let lang = use_app().lang;
    let allow = {
        let consented = props.consented.clone();
        Callback::from(move |_: MouseEvent| consented.set(true))
    };
    let deny = props.done.reform(|_: MouseEvent| Outcome {
        ok: false,
        doc_url: String::new(),
        message: "The resident declined.".into(),
    });
    let asks = match props.service {
        Service::Share => "consent_share",
        Service::Save => "consent_save",
    };
    html! {
        <section class="popup" aria-labelledby="consent-title">
            <h2 id="consent-title">{ lang.t("consent_title") }</h2>
            <p data-testid="consent-requester">
                <strong>{ &props.requester.app_name }</strong>{ " (" }<code>{ &props.requester.origin }</code>{ ") " }
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
