//! A document's details as its issuer certified them: the number, the
//! issue date and to whom it was issued, read from the certificate XML
//! (`GET /api/issued/{uri}/xml`, the DLTS `<Certificate>`). The XML is
//! parsed into a detached document and only attribute values are shown, as
//! text, so nothing in it can run.

use wasm_bindgen_futures::spawn_local;
use web_sys::{DomParser, Element, SupportedType};
use yew::prelude::*;

use crate::api;
use crate::state::{CtxExt, use_app};

/// What the certificate says.
#[derive(Clone, Debug, PartialEq)]
struct Certified {
    number: String,
    issue_date: String,
    issued_to: String,
}

/// Reads the certificate; `None` for XML that does not parse or has no
/// `<Certificate>` root.
fn certified(xml: &str) -> Option<Certified> {
    let doc = DomParser::new()
        .ok()?
        .parse_from_string(xml, SupportedType::ApplicationXml)
        .ok()?;
    let root = doc.document_element()?;
    // A parse failure is a document whose root is <parsererror>.
    if root.local_name() != "Certificate" {
        return None;
    }
    let first = |name: &str| doc.get_elements_by_tag_name_ns(Some("*"), name).ok()?.item(0);
    let attribute =
        |element: Option<Element>, name: &str| element.and_then(|e| e.get_attribute(name)).unwrap_or_default();
    Some(Certified {
        number: attribute(Some(root.clone()), "number"),
        issue_date: attribute(Some(root), "issueDate"),
        issued_to: attribute(first("Person"), "name"),
    })
}

#[derive(Properties, PartialEq)]
pub struct DocDetailsProps {
    pub uri: String,
}

/// What was loaded: nothing yet, the details, or that there are none.
#[derive(Clone, PartialEq)]
enum Loaded {
    Not,
    Certified(Certified),
    None,
}

/// A "Details" button that shows the certified details below it.
#[function_component(DocDetails)]
pub fn doc_details(props: &DocDetailsProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let loaded = use_state(|| Loaded::Not);
    let onclick = {
        let (app, loaded, uri) = (app.clone(), loaded.clone(), props.uri.clone());
        Callback::from(move |_: MouseEvent| {
            let (app, loaded, uri) = (app.clone(), loaded.clone(), uri.clone());
            spawn_local(async move {
                match api::issued_xml(&uri).await {
                    Ok(xml) => loaded.set(
                        xml.as_deref()
                            .and_then(certified)
                            .map_or(Loaded::None, Loaded::Certified),
                    ),
                    Err(e) => app.fail(&e),
                }
            });
        })
    };
    html! {
        <>
            <button type="button" class="secondary" data-testid="doc-details" {onclick}>{ lang.t("details") }</button>
            { match &*loaded {
                Loaded::Not => Html::default(),
                Loaded::None => html! { <p class="muted" data-testid="doc-certificate">{ lang.t("cert_none") }</p> },
                Loaded::Certified(c) => html! {
                    <dl data-testid="doc-certificate">
                        <dt>{ lang.t("cert_number") }</dt><dd data-testid="cert-number">{ &c.number }</dd>
                        <dt>{ lang.t("cert_issue_date") }</dt><dd data-testid="cert-issue-date">{ &c.issue_date }</dd>
                        <dt>{ lang.t("cert_issued_to") }</dt><dd data-testid="cert-issued-to">{ &c.issued_to }</dd>
                    </dl>
                },
            } }
        </>
    }
}
