//! The share popup's picker: one document from Issued Documents or
//! Uploaded Documents, confirmed, then `POST /api/shares` mints its URL.

use openlocker_proto::widget::{DocChoice, ShareRequest};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::{Outcome, PickProps};
use crate::api;
use crate::hooks::use_fetch;
use crate::state::{Ctx, CtxExt, use_app};
use crate::ui::list_of;

/// Mints the document URL; tells `done`, or the status line on failure.
fn share(app: &Ctx, request: ShareRequest, busy: UseStateHandle<bool>, done: Callback<Outcome>) {
    busy.set(true);
    let app = app.clone();
    spawn_local(async move {
        match api::share(&app.csrf(), &request).await {
            Ok(minted) => done.emit(Outcome {
                ok: true,
                doc_url: minted.doc_url,
                message: format!("Shared {}", minted.doc_name),
            }),
            Err(e) => app.fail(&e),
        }
        busy.set(false);
    });
}

/// The document picker.
#[function_component(SharePick)]
pub fn share_pick(props: &PickProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let issued = use_fetch(api::issued);
    let uploaded = use_fetch(api::uploaded);
    let chosen = use_state(|| None::<DocChoice>);
    let busy = use_state(|| false);
    let on_confirm = {
        let (chosen, busy, query, done) = (chosen.clone(), busy.clone(), props.query.clone(), props.done.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(doc) = (*chosen).clone().filter(|_| !*busy) else {
                return;
            };
            let request = ShareRequest {
                widget: query.request.clone(),
                doc,
            };
            share(&app, request, busy.clone(), done.clone());
        })
    };
    let pick = |choice: DocChoice, name: &str, detail: &str| {
        html! { <DocPick {choice} name={name.to_owned()} detail={detail.to_owned()} chosen={chosen.clone()} /> }
    };
    html! {
        <section class="popup" aria-labelledby="share-title">
            <h2 id="share-title">{ lang.t("share_pick_title") }{ " " }{ &props.requester.app_name }</h2>
            <h3>{ lang.t("issued_title") }</h3>
            { list_of(lang, &issued.loaded, "issued_empty", |docs| html! { <ul class="picks">{ for docs.iter().map(|d| {
                pick(DocChoice::Issued { uri: d.uri.clone() }, &d.doc_name, d.issuer())
            }) }</ul> }) }
            <h3>{ lang.t("uploaded_title") }</h3>
            { list_of(lang, &uploaded.loaded, "files_empty", |files| html! { <ul class="picks">{ for files.iter().map(|f| {
                pick(DocChoice::Uploaded { id: f.id }, &f.name, f.folder.as_deref().unwrap_or_default())
            }) }</ul> }) }
            <p class="actions">
                <button type="button" data-testid="share-confirm" onclick={on_confirm}
                        disabled={chosen.is_none() || *busy}>
                    { lang.t("share_confirm") }
                </button>
            </p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DocPickProps {
    choice: DocChoice,
    name: String,
    detail: String,
    chosen: UseStateHandle<Option<DocChoice>>,
}

/// One document to pick, pressed while chosen.
#[function_component(DocPick)]
fn doc_pick(props: &DocPickProps) -> Html {
    let pressed = props.chosen.as_ref() == Some(&props.choice);
    let onclick = {
        let (chosen, choice) = (props.chosen.clone(), props.choice.clone());
        Callback::from(move |_: MouseEvent| chosen.set(Some(choice.clone())))
    };
    let uri = match &props.choice {
        DocChoice::Issued { uri } => Some(uri.clone()),
        DocChoice::Uploaded { .. } => None,
    };
    html! {
        <li>
            <button type="button" class={classes!("pick", pressed.then_some("chosen"))} data-testid="doc-item"
                    data-uri={uri} data-name={props.name.clone()} aria-pressed={pressed.to_string()} {onclick}>
                <span class="pick-name">{ &props.name }</span>{ " " }<span class="muted">{ &props.detail }</span>
            </button>
        </li>
    }
}
