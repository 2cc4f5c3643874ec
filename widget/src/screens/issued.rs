//! Issued Documents: each document with its issuer, type, date and
//! validity; opened (in a new tab) or downloaded, pulled live from its
//! issuer. The file is fetched first, so an unavailable issuer is told in
//! the page rather than in an empty tab.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::model::IssuedDoc;
use crate::state::{Ctx, CtxExt, use_app};

fn file_url(uri: &str) -> String {
    format!("/api/issued/{}/file", api::encode(uri))
}

fn report(app: &Ctx, err: &ApiError) {
    if err.issuer_unavailable() {
        app.say_error("issuer_unavailable", "");
    } else {
        app.fail(err);
    }
}

/// Starts a download of `blob` as `name`.
pub fn save_blob(blob: &web_sys::Blob, name: &str) -> Option<()> {
    use wasm_bindgen::JsCast;
    let url = web_sys::Url::create_object_url_with_blob(blob).ok()?;
    let document = web_sys::window()?.document()?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    Some(())
}

fn open(app: &Ctx, doc: &IssuedDoc) {
    // The tab is opened now, while the click still counts as the
    // resident's (a tab opened after the fetch would be blocked).
    let tab = web_sys::window().and_then(|w| w.open_with_url_and_target("", "_blank").ok().flatten());
    app.say("opening", "");
    let (app, url, name) = (app.clone(), file_url(&doc.uri), doc.doc_name.clone());
    spawn_local(async move {
        match api::fetch_blob(&url).await {
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
    let (app, url, uri) = (app.clone(), file_url(&doc.uri), doc.uri.clone());
    spawn_local(async move {
        match api::fetch_blob(&url).await {
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
    let app = use_app();
    let lang = app.lang;
    let docs = use_state(|| None::<Vec<IssuedDoc>>);
    {
        let (app, docs) = (app.clone(), docs.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::get::<Vec<IssuedDoc>>("/api/issued").await {
                    Ok(list) => docs.set(Some(list)),
                    Err(e) => app.fail(&e),
                }
            });
        });
    }
    let item = |doc: &IssuedDoc| {
        let on_open = {
            let (app, doc) = (app.clone(), doc.clone());
            Callback::from(move |_: MouseEvent| open(&app, &doc))
        };
        let on_download = {
            let (app, doc) = (app.clone(), doc.clone());
            Callback::from(move |_: MouseEvent| download(&app, &doc))
        };
        let badge = match doc.validity.as_str() {
            "expired" => "expired",
            "not_yet_valid" => "not_yet_valid",
            _ => "valid",
        };
        let type_name = doc.doc_type_name.clone().unwrap_or_else(|| doc.doc_type.clone());
        html! {
            <li class="doc" data-testid="doc-item" data-uri={doc.uri.clone()} data-name={doc.doc_name.clone()}>
                <h3>{ &doc.doc_name }</h3>
                <dl>
                    <dt>{ lang.t("issuer") }</dt><dd>{ &doc.issuer_name }</dd>
                    <dt>{ lang.t("doc_type") }</dt><dd>{ type_name }</dd>
                    <dt>{ lang.t("issued_on") }</dt><dd>{ doc.issued_on.clone().unwrap_or_default() }</dd>
                    <dt>{ lang.t("validity") }</dt>
                    <dd><span class={classes!("badge", badge)} data-testid="validity">{ lang.t(badge) }</span>
                    if doc.source.as_deref() == Some("pull") {
                        { " " }<span class="badge pulled" data-testid="pulled">{ lang.t("pulled") }</span>
                    }
                    </dd>
                </dl>
                <p class="actions">
                    <button type="button" data-testid="doc-open" onclick={on_open}>{ lang.t("open") }</button>
                    { " " }
                    <button type="button" class="secondary" data-testid="doc-download" onclick={on_download}>
                        { lang.t("download") }
                    </button>
                </p>
            </li>
        }
    };
    html! {
        <section aria-labelledby="issued-title">
            <h2 id="issued-title">{ lang.t("issued_title") }</h2>
            <crate::screens::verify::VerifyNotice />
            {
                match &*docs {
                    None => html! { <p class="muted">{ lang.t("loading") }</p> },
                    Some(list) if list.is_empty() => html! { <p>{ lang.t("issued_empty") }</p> },
                    Some(list) => html! { <ul class="docs">{ for list.iter().map(item) }</ul> },
                }
            }
        </section>
    }
}
