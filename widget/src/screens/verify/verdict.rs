//! The answer of a verification, as anyone reads it: genuine or not, who
//! issued and signed the document, which document, when it was signed,
//! why it failed, and whether the PDF matches.

use openlocker_proto::signing::{Verdict, VerifySummary};
use yew::prelude::*;

use crate::state::use_app;
use crate::ui::local_time;

/// What is shown, from `POST /api/verify` or a link's summary.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub valid: bool,
    pub issuer_id: Option<String>,
    pub uri: Option<String>,
    pub doc_name: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<i64>,
    pub pdf_matches: Option<bool>,
    pub reason: Option<String>,
}

impl From<Verdict> for Shown {
    fn from(v: Verdict) -> Shown {
        let Verdict {
            valid,
            issuer_id,
            uri,
            signed_by,
            signed_at,
            pdf_matches,
            reason,
        } = v;
        Shown {
            valid,
            issuer_id,
            uri,
            doc_name: None,
            signed_by,
            signed_at,
            pdf_matches,
            reason,
        }
    }
}

impl From<VerifySummary> for Shown {
    fn from(s: VerifySummary) -> Shown {
        let VerifySummary {
            valid,
            issuer_id,
            uri,
            doc_name,
            signed_by,
            signed_at,
            reason,
        } = s;
        Shown {
            valid,
            issuer_id,
            uri,
            doc_name: Some(doc_name),
            signed_by,
            signed_at,
            pdf_matches: None,
            reason,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct VerdictViewProps {
    pub shown: Shown,
}

/// The verdict: a headline, the verified facts, the reason.
#[function_component(VerdictView)]
pub fn verdict_view(props: &VerdictViewProps) -> Html {
    let lang = use_app().lang;
    let s = &props.shown;
    let row = |key: &'static str, testid: &'static str, value: Option<String>| match value {
        Some(value) => html! { <><dt>{ lang.t(key) }</dt><dd data-testid={testid}>{ value }</dd></> },
        None => Html::default(),
    };
    html! {
        <div data-testid="verify-result" class={classes!("verdict", s.valid.then_some("valid"))}>
            if s.valid {
                <p class="signature valid" data-testid="verify-valid">{ lang.t("vp_valid") }</p>
            } else {
                <p class="signature invalid" data-testid="verify-invalid" role="alert">{ lang.t("vp_invalid") }</p>
            }
            <dl>
                { row("vp_document", "verify-doc-name", s.doc_name.clone()) }
                { row("vp_issuer", "verify-issuer", s.issuer_id.clone()) }
                { row("vp_signed_by", "verify-signed-by", s.signed_by.clone()) }
                { row("vp_uri", "verify-uri", s.uri.clone()) }
                { row("vp_signed_at", "verify-signed-at", s.signed_at.map(local_time)) }
                { row("vp_reason", "verify-reason", s.reason.clone()) }
            </dl>
            <PdfMatch matches={s.pdf_matches} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PdfMatchProps {
    matches: Option<bool>,
}

/// Whether the PDF sent is the one signed (nothing when none was sent).
#[function_component(PdfMatch)]
fn pdf_match(props: &PdfMatchProps) -> Html {
    let lang = use_app().lang;
    match props.matches {
        None => Html::default(),
        Some(matches) => {
            let (class, key) = if matches {
                ("valid", "vp_pdf_matches")
            } else {
                ("invalid", "vp_pdf_differs")
            };
            html! {
                <p class={classes!("signature", class)} data-testid="verify-pdf-matches" data-matches={matches.to_string()}>
                    { lang.t(key) }
                </p>
            }
        }
    }
}
