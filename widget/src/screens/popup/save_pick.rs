//! The save popup's picker: the top level or a folder (an existing one or
//! a new one), confirmed, then `POST /api/saves` has the locker fetch the
//! partner's document into Uploaded Documents.

use openlocker_proto::widget::SaveRequest;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::{Outcome, PickProps};
use crate::api::{self, ApiError};
use crate::hooks::{Loaded, use_fetch};
use crate::screens::locker::folders::NewFolder;
use crate::state::{Ctx, CtxExt, error_key, use_app};

/// The words for the page when a save is refused: the server's message,
/// else the translated reason.
fn failure_text(app: &Ctx, e: &ApiError) -> String {
    if e.message.is_empty() {
        app.lang.t(error_key(e)).to_owned()
    } else {
        e.message.clone()
    }
}

/// Asks the locker to fetch and keep the document; tells `done`.
fn save(app: &Ctx, request: SaveRequest, busy: UseStateHandle<bool>, done: Callback<Outcome>) {
    busy.set(true);
    app.say("saving", "");
    let app = app.clone();
    spawn_local(async move {
        let outcome = match api::save(&app.csrf(), &request).await {
            Ok(file) => Outcome {
                ok: true,
                doc_url: String::new(),
                message: format!("Saved {}", file.name),
            },
            Err(e) => {
                app.fail(&e);
                Outcome {
                    ok: false,
                    doc_url: String::new(),
                    message: failure_text(&app, &e),
                }
            }
        };
        done.emit(outcome);
        busy.set(false);
    });
}

/// The folder picker.
#[function_component(SavePick)]
pub fn save_pick(props: &PickProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let folders = use_fetch(api::folders);
    // `Some(None)` is the top level.
    let chosen = use_state(|| None::<Option<i64>>);
    let busy = use_state(|| false);
    let on_confirm = {
        let (chosen, busy, query, done) = (chosen.clone(), busy.clone(), props.query.clone(), props.done.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(folder_id) = (*chosen).filter(|_| !*busy) {
                let request = SaveRequest {
                    widget: query.request.clone(),
                    href: query.href.clone(),
                    folder_id,
                };
                save(&app, request, busy.clone(), done.clone());
            }
        })
    };
    let item = |id: Option<i64>, name: &str, shown: &str| {
        html! { <FolderPick {id} name={name.to_owned()} shown={shown.to_owned()} chosen={chosen.clone()} /> }
    };
    html! {
        <section class="popup" aria-labelledby="save-title">
            <h2 id="save-title">{ lang.t("save_pick_title") }</h2>
            <p>{ lang.t("save_from") }{ " " }<strong>{ &props.requester.app_name }</strong>{ ": " }
               <code data-testid="save-href">{ &props.query.href }</code></p>
            if matches!(*folders.loaded, Loaded::Loading) {
                <p class="muted">{ lang.t("loading") }</p>
            } else {
                <ul class="picks">
                    { item(None, "", lang.t("top_level")) }
                    { for folders.loaded.ready().into_iter().flatten().map(|f| item(Some(f.id), &f.name, &f.name)) }
                </ul>
            }
            <NewFolder created={folders.reload.clone()} inline={true} />
            <p class="actions">
                <button type="button" data-testid="save-confirm" onclick={on_confirm} disabled={chosen.is_none() || *busy}>
                    { lang.t("save_confirm") }
                </button>
            </p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FolderPickProps {
    /// `None` is the top level.
    id: Option<i64>,
    /// The folder's name (`data-folder`); empty for the top level.
    name: String,
    shown: String,
    chosen: UseStateHandle<Option<Option<i64>>>,
}

/// One place to save to, pressed while chosen.
#[function_component(FolderPick)]
fn folder_pick(props: &FolderPickProps) -> Html {
    let pressed = *props.chosen == Some(props.id);
    let onclick = {
        let (chosen, id) = (props.chosen.clone(), props.id);
        Callback::from(move |_: MouseEvent| chosen.set(Some(id)))
    };
    html! {
        <li>
            <button type="button" class={classes!("pick", pressed.then_some("chosen"))} data-testid="folder-item"
                    data-folder={props.name.clone()} aria-pressed={pressed.to_string()} {onclick}>
                { &props.shown }
            </button>
        </li>
    }
}
