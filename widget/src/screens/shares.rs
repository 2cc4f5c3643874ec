//! Shares: every document the resident shared with a requester, with when,
//! its expiry, its fetches and its state; an active share can be revoked,
//! after which its URL answers 410.

use gloo_net::http::Method;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::model::ShareEntry;
use crate::screens::local_time;
use crate::state::{CtxExt, use_app};

/// The translation key of a share's state.
fn state_key(state: &str) -> &'static str {
    match state {
        "active" => "share_active",
        "expired" => "share_expired",
        "used_up" => "share_used_up",
        _ => "share_revoked",
    }
}

/// The Shares screen.
#[function_component(Shares)]
pub fn shares() -> Html {
    let app = use_app();
    let lang = app.lang;
    let list = use_state(|| None::<Vec<ShareEntry>>);
    let generation = use_state(|| 0u32);
    {
        let (app, list) = (app.clone(), list.clone());
        use_effect_with(*generation, move |_| {
            spawn_local(async move {
                match api::get::<Vec<ShareEntry>>("/api/shares").await {
                    Ok(entries) => list.set(Some(entries)),
                    Err(e) => app.fail(&e),
                }
            });
        });
    }
    let row = |s: &ShareEntry| {
        let revoke = {
            let (app, id, name, generation) = (app.clone(), s.id, s.doc_name.clone(), generation.clone());
            Callback::from(move |_: MouseEvent| {
                let (app, name, generation) = (app.clone(), name.clone(), generation.clone());
                spawn_local(async move {
                    let url = format!("/api/shares/{id}/revoke");
                    match api::call::<(), serde_json::Value>(Method::POST, &url, &app.csrf(), None).await {
                        Ok(_) => {
                            app.say("share_revoked_done", name);
                            generation.set(*generation + 1);
                        }
                        Err(e) => app.fail(&e),
                    }
                });
            })
        };
        html! {
            <tr data-testid="share-row" data-share-id={s.id.to_string()} data-state={s.state.clone()}>
                <td>{ &s.doc_name }</td>
                <td>{ &s.app_name }<br /><span class="muted">{ &s.origin }</span></td>
                <td>{ local_time(s.created_at) }</td>
                <td>{ local_time(s.expires_at) }</td>
                <td>{ format!("{} / {}", s.fetches, s.max_fetches) }</td>
                <td data-testid="share-state">{ lang.t(state_key(&s.state)) }</td>
                <td>
                    if s.state == "active" {
                        <button type="button" class="secondary" data-testid="share-revoke" onclick={revoke}
                                aria-label={format!("{} {}", lang.t("revoke"), s.doc_name)}>
                            { lang.t("revoke") }
                        </button>
                    }
                </td>
            </tr>
        }
    };
    html! {
        <section aria-labelledby="shares-title">
            <h2 id="shares-title">{ lang.t("shares_title") }</h2>
            {
                match &*list {
                    None => html! { <p class="muted">{ lang.t("loading") }</p> },
                    Some(l) if l.is_empty() => html! { <p>{ lang.t("shares_empty") }</p> },
                    Some(l) => html! {
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
                            <tbody>{ for l.iter().map(row) }</tbody>
                        </table>
                    },
                }
            }
        </section>
    }
}
