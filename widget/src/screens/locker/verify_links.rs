//! The Shares screen's verification links: each QR code that still works,
//! for which document and until when, with a button that revokes it (its
//! page then says the link does not work).

use openlocker_proto::signing::VerifyLinkEntry;
use yew::prelude::*;

use crate::api;
use crate::hooks::use_fetch;
use crate::state::{CtxExt, perform, use_app};
use crate::ui::{list_of, local_time};

/// The list of live verification links.
#[function_component(VerifyLinks)]
pub fn verify_links() -> Html {
    let lang = use_app().lang;
    let links = use_fetch(api::verify_links);
    let reload = links.reload.clone();
    let table = |list: &[VerifyLinkEntry]| {
        html! {
            <table class="shares">
                <thead><tr>
                    <th scope="col">{ lang.t("share_doc") }</th>
                    <th scope="col">{ lang.t("when") }</th>
                    <th scope="col">{ lang.t("share_expires") }</th>
                    <th scope="col"><span class="visually-hidden">{ lang.t("revoke") }</span></th>
                </tr></thead>
                <tbody>{ for list.iter().map(|link| html! {
                    <LinkRow key={link.id} link={link.clone()} revoked={reload.clone()} />
                }) }</tbody>
            </table>
        }
    };
    html! {
        <section aria-labelledby="verify-links-title">
            <h3 id="verify-links-title">{ lang.t("vlinks_title") }</h3>
            { list_of(lang, &links.loaded, "vlinks_empty", table) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LinkRowProps {
    link: VerifyLinkEntry,
    /// Called after a revocation, so the list reloads.
    revoked: Callback<()>,
}

/// One link with its revoke button.
#[function_component(LinkRow)]
fn link_row(props: &LinkRowProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let link = &props.link;
    let revoke = {
        let (app, id, name, revoked) = (app.clone(), link.id, link.doc_name.clone(), props.revoked.clone());
        Callback::from(move |_: MouseEvent| {
            let csrf = app.csrf();
            let call = async move { api::revoke_verify_link(&csrf, id).await };
            perform(&app, call, "vlink_revoked_done", name.clone(), revoked.clone());
        })
    };
    html! {
        <tr data-testid="verify-link-row" data-link-id={link.id.to_string()} data-uri={link.uri.clone()}>
            <td>{ &link.doc_name }</td>
            <td>{ local_time(link.created_at) }</td>
            <td>{ local_time(link.expires_at) }</td>
            <td>
                <button type="button" class="secondary" data-testid="verify-link-revoke" onclick={revoke}
                        aria-label={format!("{} {}", lang.t("revoke"), link.doc_name)}>
                    { lang.t("revoke") }
                </button>
            </td>
        </tr>
    }
}
