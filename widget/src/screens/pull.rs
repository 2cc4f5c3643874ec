//! Get documents from issuers (Pull URI): pick an issuer, then a doc type,
//! fill in its search fields, and ask. Saved, no match, pending and an
//! unavailable issuer each get their own message.

use std::collections::BTreeMap;

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::model::{PullAnswer, PullIssuer, PullRequest};
use crate::screens::input_value;
use crate::state::{Ctx, CtxExt, use_app};

fn answered(app: &Ctx, result: Result<(u16, PullAnswer), ApiError>) {
    match result {
        Ok((_, answer)) => match answer.status.as_str() {
            "saved" if answer.new == Some(false) => app.say("pull_already", ""),
            "saved" => app.say("pull_saved", ""),
            "no_match" => app.say_error("pull_no_match", ""),
            "pending" => app.say("pull_pending", ""),
            _ => app.say_error("error", answer.message),
        },
        Err(e) if e.issuer_unavailable() => app.say_error("issuer_unavailable", ""),
        Err(e) => app.fail(&e),
    }
}

fn selected(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// The Pull URI search.
#[function_component(Pull)]
pub fn pull() -> Html {
    let app = use_app();
    let lang = app.lang;
    let issuers = use_state(|| None::<Vec<PullIssuer>>);
    let issuer = use_state(String::new);
    let doc_type = use_state(String::new);
    let fields = use_state(BTreeMap::<String, String>::new);
    let busy = use_state(|| false);
    {
        let (app, issuers) = (app.clone(), issuers.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::get::<Vec<PullIssuer>>("/api/issuers").await {
                    Ok(list) => issuers.set(Some(list)),
                    Err(e) => {
                        issuers.set(Some(Vec::new()));
                        // A locker without Pull URI searches has no list.
                        if e.status != 404 {
                            app.fail(&e);
                        }
                    }
                }
            });
        });
    }
    let list = (*issuers).clone().unwrap_or_default();
    let chosen = list.iter().find(|i| i.issuer_id == *issuer).cloned();
    let chosen_type = chosen
        .as_ref()
        .and_then(|i| i.doc_types.iter().find(|d| d.code == *doc_type).cloned());
    let on_issuer = {
        let (issuer, doc_type, fields) = (issuer.clone(), doc_type.clone(), fields.clone());
        Callback::from(move |e: Event| {
            issuer.set(selected(&e));
            doc_type.set(String::new());
            fields.set(BTreeMap::new());
        })
    };
    let on_doc_type = {
        let (doc_type, fields) = (doc_type.clone(), fields.clone());
        Callback::from(move |e: Event| {
            doc_type.set(selected(&e));
            fields.set(BTreeMap::new());
        })
    };
    let onsubmit = {
        let (app, issuer, doc_type, fields, busy) = (
            app.clone(),
            issuer.clone(),
            doc_type.clone(),
            fields.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy || issuer.is_empty() || doc_type.is_empty() {
                return;
            }
            busy.set(true);
            app.say("pulling", "");
            let body = PullRequest {
                issuer_id: (*issuer).clone(),
                doc_type: (*doc_type).clone(),
                fields: (*fields).clone(),
            };
            let (app, busy) = (app.clone(), busy.clone());
            spawn_local(async move {
                let csrf = app.csrf();
                answered(
                    &app,
                    api::call(gloo_net::http::Method::POST, "/api/pull", &csrf, Some(&body)).await,
                );
                busy.set(false);
            });
        })
    };
    let field_input = |name: &String| {
        let id = format!("pull-field-{name}");
        let value = fields.get(name).cloned().unwrap_or_default();
        let oninput = {
            let (fields, name) = (fields.clone(), name.clone());
            Callback::from(move |e: InputEvent| {
                let mut next = (*fields).clone();
                next.insert(name.clone(), input_value(&e));
                fields.set(next);
            })
        };
        html! {
            <>
                <label for={id.clone()}>{ name }</label>
                <input id={id} type="text" required=true data-field={name.clone()} {value} {oninput} />
            </>
        }
    };
    html! {
        <section aria-labelledby="pull-title">
            <h2 id="pull-title">{ lang.t("pull_title") }</h2>
            if issuers.is_none() {
                <p class="muted">{ lang.t("loading") }</p>
            } else if list.is_empty() {
                <p>{ lang.t("pull_none") }</p>
            } else {
                <form {onsubmit} aria-busy={busy.to_string()}>
                    <label for="pull-issuer">{ lang.t("pick_issuer") }</label>
                    <select id="pull-issuer" data-testid="pull-issuer" onchange={on_issuer} required=true>
                        <option value="" selected={issuer.is_empty()}>{ "—" }</option>
                        { for list.iter().map(|i| html! {
                            <option value={i.issuer_id.clone()} selected={*issuer == i.issuer_id}>{ &i.name }</option>
                        }) }
                    </select>
                    if let Some(chosen) = &chosen {
                        <label for="pull-doc-type">{ lang.t("pick_doc_type") }</label>
                        <select id="pull-doc-type" data-testid="pull-doc-type" onchange={on_doc_type} required=true>
                            <option value="" selected={doc_type.is_empty()}>{ "—" }</option>
                            { for chosen.doc_types.iter().map(|d| html! {
                                <option value={d.code.clone()} selected={*doc_type == d.code}>{ &d.name }</option>
                            }) }
                        </select>
                    }
                    if let Some(doc_type) = &chosen_type {
                        { for doc_type.fields.iter().map(field_input) }
                        if doc_type.sends_uid {
                            <p class="muted">{ lang.t("pull_sends_uid") }</p>
                        }
                        <p>
                            <button type="submit" data-testid="pull-submit" disabled={*busy}>
                                { lang.t("pull_submit") }
                            </button>
                        </p>
                    }
                    if *busy {
                        <progress data-testid="pull-progress" aria-label={lang.t("pulling")}></progress>
                    }
                </form>
            }
        </section>
    }
}
