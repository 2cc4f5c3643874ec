//! Shares: every document the resident shared with a requester, with when,
//! its expiry, its fetches and its state; an active share can be revoked,
//! after which its URL answers 410. Below, the verification links (QR
//! codes), revoked there too.

use openlocker_proto::widget::{ShareEntry, ShareState};
use yew::prelude::*;

use crate::api;
use crate::hooks::use_fetch;
use crate::state::{CtxExt, perform, use_app};
use crate::ui::{list_of, local_time};

/// The translation key of a share's state.
fn state_key(state: ShareState) -> &'static str {
    match state {
        ShareState::Active => "share_active",
        ShareState::Expired => "share_expired",
        ShareState::UsedUp => "share_used_up",
        ShareState::Revoked => "share_revoked",
    }
}

/// The Shares screen.
#[function_component(Shares)]
pub fn shares() -> Html {
    let lang = use_app().lang;
    let shares = use_fetch(api::shares);
    let reload = shares.reload.clone();
    let table = |list: &[ShareEntry]| {
        html! {
            <table class="shares">
                <thead><tr>
                    <th scope="col">{ lang.t("share_doc") }</th>
                    <th scope="col">{ lang.t("share_app") }</th>
                    <th scope="col">{ lang.t("when") }</th>
                    <th scope="col">{ lang.t("share_expires") }</th>
                    <th scope="col">{ lang.t("share_fetches") }</th>
                    <th scope="col">{ lang.t("share_state") }</th>
                    <th scope="col"><span class="visually-hidden">{ lang.t("revoke") }</span></th>
                </tr></thead>
                <tbody>{ for list.iter().map(|s| html! {
                    <ShareRow key={s.id} share={s.clone()} revoked={reload.clone()} />
                }) }</tbody>
            </table>
        }
    };
    html! {
        <section aria-labelledby="shares-title">
            <h2 id="shares-title">{ lang.t("shares_title") }</h2>
            { list_of(lang, &shares.loaded, "shares_empty", table) }
            <super::verify_links::VerifyLinks />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ShareRowProps {
    share: ShareEntry,
    /// Called after a revocation, so the list reloads.
    revoked: Callback<()>,
}

/// One share, with its revoke button while it is active.
#[function_component(ShareRow)]
fn share_row(props: &ShareRowProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let s = &props.share;
    let revoke = {
        let (app, id, name, revoked) = (app.clone(), s.id, s.doc_name.clone(), props.revoked.clone());
        Callback::from(move |_: MouseEvent| {
            let csrf = app.csrf();
            let call = async move { api::revoke_share(&csrf, id).await };
            perform(&app, call, "share_revoked_done", name.clone(), revoked.clone());
        })
    };
    html! {
        <tr data-testid="share-row" data-share-id={s.id.to_string()} data-state={s.state.as_str()}>
            <td>{ &s.doc_name }</td>
            <td>{ &s.app_name }<br /><span class="muted">{ &s.origin }</span></td>
            <td>{ local_time(s.created_at) }</td>
            <td>{ local_time(s.expires_at) }</td>
            <td>{ format!("{} / {}", s.fetches, s.max_fetches) }</td>
            <td data-testid="share-state">{ lang.t(state_key(s.state)) }</td>
            <td>
                if s.state == ShareState::Active {
                    <button type="button" class="secondary" data-testid="share-revoke" onclick={revoke}
                            aria-label={format!("{} {}", lang.t("revoke"), s.doc_name)}>
                        { lang.t("revoke") }
                    </button>
                }
            </td>
        </tr>
    }
}
