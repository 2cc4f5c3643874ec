//! `/verify/`: anyone drops or picks a certificate XML, and its PDF if they
//! have it, and reads the verdict of `POST /api/verify`. Nothing is kept.

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::verdict::{Shown, VerdictView};
use crate::api;
use crate::state::{CtxExt, use_app};

/// The first file an input holds.
fn file_of(input: &NodeRef) -> Option<web_sys::File> {
    input.cast::<HtmlInputElement>()?.files()?.get(0)
}

/// The public verification page.
#[function_component(Check)]
pub fn check() -> Html {
    let app = use_app();
    let lang = app.lang;
    let (xml_input, pdf_input) = (use_node_ref(), use_node_ref());
    let shown = use_state(|| None::<Shown>);
    let onsubmit = {
        let (app, xml_input, pdf_input, shown) = (app.clone(), xml_input.clone(), pdf_input.clone(), shown.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(xml) = file_of(&xml_input) else {
                return app.say_error("vp_pick_xml", "");
            };
            let (app, pdf, shown) = (app.clone(), file_of(&pdf_input), shown.clone());
            shown.set(None);
            app.say("vp_checking", "");
            spawn_local(async move {
                match api::verify_document(&xml, pdf.as_ref()).await {
                    Ok(verdict) => {
                        app.say("vp_checked", "");
                        shown.set(Some(verdict.into()));
                    }
                    // The server's words say which limit was passed.
                    Err(e) if e.status == 429 => app.say_error("error", e.message),
                    Err(e) => app.fail(&e),
                }
            });
        })
    };
    html! {
        <section aria-labelledby="verify-page-title">
            <h2 id="verify-page-title">{ lang.t("vp_title") }</h2>
            <p>{ lang.t("vp_intro") }</p>
            <form class="drop" {onsubmit}>
                <label for="verify-xml">{ lang.t("vp_xml") }</label>
                <input id="verify-xml" data-testid="verify-xml" type="file" required=true
                       accept=".xml,application/xml,text/xml" ref={xml_input} />
                <label for="verify-pdf">{ lang.t("vp_pdf") }</label>
                <input id="verify-pdf" data-testid="verify-pdf" type="file" accept=".pdf,application/pdf"
                       ref={pdf_input} />
                <button type="submit" data-testid="verify-submit">{ lang.t("vp_submit") }</button>
            </form>
            if let Some(shown) = (*shown).clone() {
                <VerdictView {shown} />
            }
        </section>
    }
}
