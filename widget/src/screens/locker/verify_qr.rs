//! The QR code beside a validly signed issued document: a click makes a
//! verification link (`POST /api/issued/{uri}/verify-link`) and shows the
//! QR code the server drew (SVG, shown as an image so nothing in it runs)
//! with the link's address. Whoever scans it reads the verified summary of
//! this one document, never the document.

use openlocker_proto::locker::{IssuedDoc, SignatureState};
use openlocker_proto::signing::VerifyLinkCreated;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::state::{CtxExt, use_app};
use crate::ui::local_time;

#[derive(Properties, PartialEq)]
pub struct VerifyQrProps {
    pub doc: IssuedDoc,
}

/// The QR button of a valid document (nothing for the others).
#[function_component(VerifyQr)]
pub fn verify_qr(props: &VerifyQrProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let made = use_state(|| None::<VerifyLinkCreated>);
    let onclick = {
        let (app, made, uri) = (app.clone(), made.clone(), props.doc.uri.clone());
        Callback::from(move |_: MouseEvent| {
            let (app, made, uri) = (app.clone(), made.clone(), uri.clone());
            spawn_local(async move {
                match api::create_verify_link(&app.csrf(), &uri).await {
                    Ok(created) => made.set(Some(created)),
                    Err(e) => app.fail(&e),
                }
            });
        })
    };
    if props.doc.signature != SignatureState::Valid {
        return Html::default();
    }
    html! {
        <>
            { " " }
            <button type="button" class="secondary" data-testid="verify-qr-button" {onclick}
                    aria-label={format!("{}: {}", lang.t("qr_label"), props.doc.doc_name)}>{ lang.t("qr") }</button>
            if let Some(link) = &*made {
                <figure class="qr">
                    <img data-testid="verify-qr" src={svg_data_url(&link.qr_svg)} alt={lang.t("qr_image")}
                         width="240" height="240" />
                    <figcaption>
                        { lang.t("qr_made").replace("{}", &local_time(link.expires_at)) }<br />
                        <a data-testid="verify-link-url" href={link.url.clone()} target="_blank" rel="noopener">{ &link.url }</a>
                    </figcaption>
                </figure>
            }
        </>
    }
}

/// An SVG as a `data:` URL (the page's CSP allows `data:` images).
fn svg_data_url(svg: &str) -> String {
    let encoded: String = js_sys::encode_uri_component(svg).into();
    format!("data:image/svg+xml;charset=utf-8,{encoded}")
}
