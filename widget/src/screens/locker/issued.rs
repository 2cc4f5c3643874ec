//! Issued Documents: each document with its issuer, type, date, validity
//! and signature state; opened (in a new tab) or downloaded, pulled live from its
//! issuer. The file is fetched first, so an unavailable issuer is told in
//! the page rather than in an empty tab.

use openlocker_proto::locker::{DocSource, IssuedDoc};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::hooks::use_fetch;
use crate::state::{Ctx, CtxExt, use_app};
use crate::ui::{list_of, save_blob};

fn report(app: &Ctx, err: &ApiError) {
    if err.issuer_unavailable() {
        app.say_error("issuer_unavailable", "");
    } else {
        app.fail(err);
    }
}

fn open(app: &Ctx, doc: &IssuedDoc) {
    // The tab is opened now, while the click still counts as the
    // resident's (a tab opened after the fetch would be blocked).
    let tab = web_sys::window().and_then(|w| w.open_with_url_and_target("", "_blank").ok().flatten());
    app.say("opening", "");
    let (app, uri, name) = (app.clone(), doc.uri.clone(), doc.doc_name.clone());
    spawn_local(async move {
        match api::issued_file(&uri).await {
            Ok(blob) => {
                let shown = web_sys::Url::create_object_url_with_blob(&blob)
                    .ok()
                    .zip(tab)
                    .map(|(blob_url, tab)| tab.location().set_href(&blob_url));
                match shown {
                    Some(Ok(())) => app.say("opened", name),
                    _ => app.say_error("error", ""),
                }
            }
            Err(e) => {
                if let Some(tab) = tab {
                    let _ = tab.close();
                }
                report(&app, &e);
            }
        }
    });
}

fn download(app: &Ctx, doc: &IssuedDoc) {
    app.say("opening", "");
    let (app, uri) = (app.clone(), doc.uri.clone());
    spawn_local(async move {
        match api::issued_file(&uri).await {
            Ok(blob) => {
                let ext = if blob.type_().contains("pdf") { "pdf" } else { "xml" };
                let name = format!("{uri}.{ext}");
                match save_blob(&blob, &name) {
                    Some(()) => app.say("downloaded", name),
                    None => app.say_error("error", ""),
                }
            }
            Err(e) => report(&app, &e),
        }
    });
}

/// The list of issued documents.
#[function_component(Issued)]
pub fn issued() -> Html {
    let lang = use_app().lang;
    let docs = use_fetch(api::issued);
    html! {
        <section aria-labelledby="issued-title">
            <h2 id="issued-title">{ lang.t("issued_title") }</h2>
            <crate::screens::locker::verify::VerifyNotice />
            { list_of(lang, &docs.loaded, "issued_empty", |list| html! {
                <ul class="docs">{ for list.iter().map(|doc| html! { <DocItem key={doc.uri.clone()} doc={doc.clone()} /> }) }</ul>
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DocItemProps {
    doc: IssuedDoc,
}

/// One document, with its details and actions.
#[function_component(DocItem)]
fn doc_item(props: &DocItemProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let doc = &props.doc;
    let act = |action: fn(&Ctx, &IssuedDoc)| {
        let (app, doc) = (app.clone(), doc.clone());
        Callback::from(move |_: MouseEvent| action(&app, &doc))
    };
    // The badge's class and translation key are the validity's name.
    let badge = doc.validity.as_str();
    html! {
        <li class="doc" data-testid="doc-item" data-uri={doc.uri.clone()} data-name={doc.doc_name.clone()}>
            <h3>{ &doc.doc_name }</h3>
            <super::signature_badge::SignatureBadge doc={doc.clone()} />
            <dl>
                <dt>{ lang.t("issuer") }</dt><dd>{ doc.issuer() }</dd>
                <dt>{ lang.t("doc_type") }</dt><dd>{ doc.type_name() }</dd>
                <dt>{ lang.t("issued_on") }</dt><dd>{ &doc.issued_on }</dd>
                <dt>{ lang.t("validity") }</dt>
                <dd><span class={classes!("badge", badge)} data-testid="validity">{ lang.t(badge) }</span>
                if doc.source == DocSource::Pull {
                    { " " }<span class="badge pulled" data-testid="pulled">{ lang.t("pulled") }</span>
                }
                </dd>
            </dl>
            <p class="actions">
                <button type="button" data-testid="doc-open" onclick={act(open)}>{ lang.t("open") }</button>
                { " " }
                <button type="button" class="secondary" data-testid="doc-download" onclick={act(download)}>
                    { lang.t("download") }
                </button>
                { " " }
                <super::doc_details::DocDetails uri={doc.uri.clone()} />
                <super::verify_qr::VerifyQr doc={doc.clone()} />
            </p>
        </li>
    }
}
