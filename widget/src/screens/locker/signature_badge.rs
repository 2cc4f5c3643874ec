//! What the locker found of an issued document's signature, said plainly:
//! "Verified: issued by …", a warning with the reason, "Not signed by the
//! issuer", or "Not checked yet" for a document never fetched.

use openlocker_proto::locker::{IssuedDoc, SignatureState};
use yew::prelude::*;

use crate::state::use_app;

#[derive(Properties, PartialEq)]
pub struct SignatureBadgeProps {
    pub doc: IssuedDoc,
}

/// The signature state of one document.
#[function_component(SignatureBadge)]
pub fn signature_badge(props: &SignatureBadgeProps) -> Html {
    let lang = use_app().lang;
    let doc = &props.doc;
    match doc.signature {
        SignatureState::Valid => {
            // Who signed comes from the trusted certificate; the issuer's
            // name only stands in when the locker recorded none.
            let by = doc.signed_by.as_deref().unwrap_or(doc.issuer());
            html! {
                <p class="signature valid" data-testid="signature-valid">
                    { lang.t("signature_valid").replace("{}", by) }
                </p>
            }
        }
        SignatureState::Invalid => html! {
            <p class="signature invalid" data-testid="signature-invalid" role="alert">
                <strong>{ lang.t("signature_invalid") }</strong>
                { " " }
                <span data-testid="signature-reason">{ doc.signature_detail.clone().unwrap_or_default() }</span>
            </p>
        },
        SignatureState::Unsigned => html! {
            <p class="signature unsigned" data-testid="signature-unsigned">{ lang.t("signature_unsigned") }</p>
        },
        SignatureState::Unchecked => html! {
            <p class="signature unchecked muted" data-testid="signature-unchecked">{ lang.t("signature_unchecked") }</p>
        },
    }
}
