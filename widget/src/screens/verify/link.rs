//! `/verify/{token}`: what the QR code beside an issued document opens. It
//! shows the verified summary of that one document, checked as it is
//! asked for, or says plainly that the link does not work.

use yew::prelude::*;

use super::verdict::{Shown, VerdictView};
use crate::api;
use crate::hooks::{Loaded, use_fetch};
use crate::state::use_app;

#[derive(Properties, PartialEq)]
pub struct LinkProps {
    pub token: String,
}

/// A verification link's page.
#[function_component(LinkSummary)]
pub fn link_summary(props: &LinkProps) -> Html {
    let lang = use_app().lang;
    let token = props.token.clone();
    let summary = use_fetch(move || async move { api::verify_summary(&token).await });
    html! {
        <section aria-labelledby="verify-link-title">
            <h2 id="verify-link-title">{ lang.t("vl_title") }</h2>
            { match &*summary.loaded {
                Loaded::Loading => html! { <p class="muted">{ lang.t("loading") }</p> },
                Loaded::Failed => Html::default(),
                Loaded::Ready(None) => html! {
                    <p class="signature invalid" data-testid="verify-not-found" role="alert">{ lang.t("vl_not_found") }</p>
                },
                Loaded::Ready(Some(summary)) => html! { <VerdictView shown={Shown::from(summary.clone())} /> },
            } }
        </section>
    }
}
