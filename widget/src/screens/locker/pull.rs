//! Get documents from issuers (Pull URI): pick an issuer, then a doc type,
//! fill in its search fields, and ask. Saved, no match, pending and an
//! unavailable issuer each get their own message.

use std::collections::BTreeMap;

use openlocker_proto::locker::{PullOutcome, PullRequest, SearchableDocType, SearchableIssuer};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{self, ApiResult};
use crate::hooks::use_fetch;
use crate::state::{Ctx, CtxExt, use_app};
use crate::ui::{bind_select, input_value, list_of};

fn answered(app: &Ctx, result: ApiResult<PullOutcome>) {
    match result {
        Ok(PullOutcome::Saved { new: false, .. }) => app.say("pull_already", ""),
        Ok(PullOutcome::Saved { .. }) => app.say("pull_saved", ""),
        Ok(PullOutcome::NoMatch { .. }) => app.say_error("pull_no_match", ""),
        Ok(PullOutcome::Pending { .. }) => app.say("pull_pending", ""),
        Err(e) if e.issuer_unavailable() => app.say_error("issuer_unavailable", ""),
        Err(e) => app.fail(&e),
    }
}

/// Asks the issuer; the answer is told in the status line.
fn search(app: &Ctx, request: PullRequest, busy: UseStateHandle<bool>) {
    busy.set(true);
    app.say("pulling", "");
    let app = app.clone();
    spawn_local(async move {
        answered(&app, api::pull(&app.csrf(), &request).await);
        busy.set(false);
    });
}

/// The issuers to search; none (rather than an error) on a locker without
/// Pull URI searches, which answers 404.
async fn searchable() -> ApiResult<Vec<SearchableIssuer>> {
    match api::issuers().await {
        Err(e) if e.status == 404 => Ok(Vec::new()),
        other => other,
    }
}

/// The Pull URI search.
#[function_component(Pull)]
pub fn pull() -> Html {
    let lang = use_app().lang;
    let issuers = use_fetch(searchable);
    html! {
        <section aria-labelledby="pull-title">
            <h2 id="pull-title">{ lang.t("pull_title") }</h2>
            { list_of(lang, &issuers.loaded, "pull_none", |list| html! { <PullForm issuers={list.to_vec()} /> }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PullFormProps {
    issuers: Vec<SearchableIssuer>,
}

/// The search form: issuer, doc type, its fields.
#[function_component(PullForm)]
fn pull_form(props: &PullFormProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let issuer = use_state(String::new);
    let doc_type = use_state(String::new);
    let fields = use_state(BTreeMap::<String, String>::new);
    let busy = use_state(|| false);
    let chosen = props.issuers.iter().find(|i| i.issuer_id == *issuer);
    let chosen_type = chosen.and_then(|i| i.doc_types.iter().find(|d| d.code == *doc_type));
    // A new choice starts with empty fields.
    use_effect_with(((*issuer).clone(), (*doc_type).clone()), {
        let fields = fields.clone();
        move |_| fields.set(BTreeMap::new())
    });
    let onsubmit = {
        let (issuer, doc_type, fields, busy) = (issuer.clone(), doc_type.clone(), fields.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy || issuer.is_empty() || doc_type.is_empty() {
                return;
            }
            let request = PullRequest {
                issuer_id: (*issuer).clone(),
                doc_type: (*doc_type).clone(),
                fields: (*fields).clone(),
            };
            search(&app, request, busy.clone());
        })
    };
    html! {
        <form {onsubmit} aria-busy={busy.to_string()}>
            <IssuerSelect issuers={props.issuers.clone()} chosen={issuer.clone()} doc_type={doc_type.clone()} />
            if let Some(chosen) = chosen {
                <DocTypeSelect doc_types={chosen.doc_types.clone()} chosen={doc_type.clone()} />
            }
            if let Some(doc_type) = chosen_type {
                <SearchFields doc_type={doc_type.clone()} fields={fields.clone()} busy={*busy} />
            }
            if *busy {
                <progress data-testid="pull-progress" aria-label={lang.t("pulling")}></progress>
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct IssuerSelectProps {
    issuers: Vec<SearchableIssuer>,
    chosen: UseStateHandle<String>,
    /// Cleared when the issuer changes.
    doc_type: UseStateHandle<String>,
}

/// The issuers to pick from.
#[function_component(IssuerSelect)]
fn issuer_select(props: &IssuerSelectProps) -> Html {
    let lang = use_app().lang;
    let chosen = &props.chosen;
    let onchange = {
        let doc_type = props.doc_type.clone();
        bind_select(chosen).reform(move |e: Event| {
            doc_type.set(String::new());
            e
        })
    };
    html! {
        <>
            <label for="pull-issuer">{ lang.t("pick_issuer") }</label>
            <select id="pull-issuer" data-testid="pull-issuer" {onchange} required=true>
                <option value="" selected={chosen.is_empty()}>{ "—" }</option>
                { for props.issuers.iter().map(|i| html! {
                    <option value={i.issuer_id.clone()} selected={**chosen == i.issuer_id}>{ &i.name }</option>
                }) }
            </select>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct DocTypeSelectProps {
    doc_types: Vec<SearchableDocType>,
    chosen: UseStateHandle<String>,
}

/// The doc types of the chosen issuer.
#[function_component(DocTypeSelect)]
fn doc_type_select(props: &DocTypeSelectProps) -> Html {
    let lang = use_app().lang;
    let chosen = &props.chosen;
    html! {
        <>
            <label for="pull-doc-type">{ lang.t("pick_doc_type") }</label>
            <select id="pull-doc-type" data-testid="pull-doc-type" onchange={bind_select(chosen)} required=true>
                <option value="" selected={chosen.is_empty()}>{ "—" }</option>
                { for props.doc_types.iter().map(|d| html! {
                    <option value={d.code.clone()} selected={**chosen == d.code}>{ &d.name }</option>
                }) }
            </select>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct SearchFieldsProps {
    doc_type: SearchableDocType,
    fields: UseStateHandle<BTreeMap<String, String>>,
    busy: bool,
}

/// The chosen doc type's search fields and the submit button.
#[function_component(SearchFields)]
fn search_fields(props: &SearchFieldsProps) -> Html {
    let lang = use_app().lang;
    let field_input = |name: &String| {
        let id = format!("pull-field-{name}");
        let value = props.fields.get(name).cloned().unwrap_or_default();
        let oninput = {
            let (fields, name) = (props.fields.clone(), name.clone());
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
        <>
            { for props.doc_type.fields.iter().map(field_input) }
            if props.doc_type.sends_uid {
                <p class="muted">{ lang.t("pull_sends_uid") }</p>
            }
            <p>
                <button type="submit" data-testid="pull-submit" disabled={props.busy}>{ lang.t("pull_submit") }</button>
            </p>
        </>
    }
}
