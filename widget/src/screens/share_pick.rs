//! The share popup's picker: one document from Issued Documents or
//! Uploaded Documents, confirmed, then `POST /api/shares` mints its URL.

use gloo_net::http::Method;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::model::{IssuedDoc, Minted, UploadedFile};
use crate::screens::popup::{Outcome, PickProps};
use crate::state::{CtxExt, use_app};

/// The chosen document.
#[derive(Clone, Debug, PartialEq)]
enum Choice {
    Issued(String),
    Uploaded(i64),
}

impl Choice {
    fn body(&self) -> serde_json::Value {
        match self {
            Choice::Issued(uri) => serde_json::json!({ "kind": "issued", "uri": uri }),
            Choice::Uploaded(id) => serde_json::json!({ "kind": "uploaded", "id": id }),
        }
    }
}

/// The document picker.
#[function_component(SharePick)]
pub fn share_pick(props: &PickProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let issued = use_state(|| None::<Vec<IssuedDoc>>);
    let uploaded = use_state(|| None::<Vec<UploadedFile>>);
    let chosen = use_state(|| None::<Choice>);
    let busy = use_state(|| false);
    {
        let (app, issued, uploaded) = (app.clone(), issued.clone(), uploaded.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::get::<Vec<IssuedDoc>>("/api/issued").await {
                    Ok(list) => issued.set(Some(list)),
                    Err(e) => {
                        issued.set(Some(Vec::new()));
                        app.fail(&e);
                    }
                }
                match api::get::<Vec<UploadedFile>>("/api/uploaded").await {
                    Ok(list) => uploaded.set(Some(list)),
                    Err(e) => {
                        uploaded.set(Some(Vec::new()));
                        app.fail(&e);
                    }
                }
            });
        });
    }
    let on_confirm = {
        let (app, chosen, busy, query, done) = (
            app.clone(),
            chosen.clone(),
            busy.clone(),
            props.query.clone(),
            props.done.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(choice) = (*chosen).clone() else {
                return;
            };
            if *busy {
                return;
            }
            busy.set(true);
            let body = serde_json::json!({ "widget": &*query, "doc": choice.body() });
            let (app, busy, done) = (app.clone(), busy.clone(), done.clone());
            spawn_local(async move {
                match api::call::<_, Minted>(Method::POST, "/api/shares", &app.csrf(), Some(&body)).await {
                    Ok((_, minted)) => done.emit(Outcome {
                        ok: true,
                        doc_url: minted.doc_url,
                        message: format!("Shared {}", minted.doc_name),
                    }),
                    Err(e) => app.fail(&e),
                }
                busy.set(false);
            });
        })
    };
    let item = |choice: Choice, name: &str, detail: String, uri: Option<&str>| {
        let pressed = chosen.as_ref() == Some(&choice);
        let onclick = {
            let chosen = chosen.clone();
            Callback::from(move |_: MouseEvent| chosen.set(Some(choice.clone())))
        };
        html! {
            <li>
                <button type="button" class={classes!("pick", pressed.then_some("chosen"))} data-testid="doc-item"
                        data-uri={uri.map(str::to_owned)} data-name={name.to_owned()}
                        aria-pressed={pressed.to_string()} {onclick}>
                    <span class="pick-name">{ name }</span>{ " " }<span class="muted">{ detail }</span>
                </button>
            </li>
        }
    };
    let list = |items: Option<Vec<Html>>, empty: &'static str| match items {
        None => html! { <p class="muted">{ lang.t("loading") }</p> },
        Some(items) if items.is_empty() => html! { <p>{ lang.t(empty) }</p> },
        Some(items) => html! { <ul class="picks">{ for items }</ul> },
    };
    let issued_items = issued.as_ref().map(|docs| {
        docs.iter()
            .map(|d| {
                item(
                    Choice::Issued(d.uri.clone()),
                    &d.doc_name,
                    d.issuer_name.clone(),
                    Some(d.uri.as_str()),
                )
            })
            .collect::<Vec<_>>()
    });
    let uploaded_items = uploaded.as_ref().map(|files| {
        files
            .iter()
            .map(|f| {
                item(
                    Choice::Uploaded(f.id),
                    &f.name,
                    f.folder.clone().unwrap_or_default(),
                    None,
                )
            })
            .collect::<Vec<_>>()
    });
    html! {
        <section class="popup" aria-labelledby="share-title">
            <h2 id="share-title">{ lang.t("share_pick_title") }{ " " }{ &props.requester.app_name }</h2>
            <h3>{ lang.t("issued_title") }</h3>
            { list(issued_items, "issued_empty") }
            <h3>{ lang.t("uploaded_title") }</h3>
            { list(uploaded_items, "files_empty") }
            <p class="actions">
                <button type="button" data-testid="share-confirm" onclick={on_confirm}
                        disabled={chosen.is_none() || *busy}>
                    { lang.t("share_confirm") }
                </button>
            </p>
        </section>
    }
}
