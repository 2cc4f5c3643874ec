//! The save popup's picker: the top level or a folder (an existing one or
//! a new one), confirmed, then `POST /api/saves` has the locker fetch the
//! partner's document into Uploaded Documents.

use gloo_net::http::Method;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::model::{Folder, UploadedFile};
use crate::screens::bind;
use crate::screens::popup::{Outcome, PickProps};
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

/// The folder picker.
#[function_component(SavePick)]
pub fn save_pick(props: &PickProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let folders = use_state(|| None::<Vec<Folder>>);
    // `Some(None)` is the top level.
    let chosen = use_state(|| None::<Option<i64>>);
    let new_name = use_state(String::new);
    let busy = use_state(|| false);
    let generation = use_state(|| 0u32);
    {
        let (app, folders) = (app.clone(), folders.clone());
        use_effect_with(*generation, move |_| {
            spawn_local(async move {
                match api::get::<Vec<Folder>>("/api/folders").await {
                    Ok(list) => folders.set(Some(list)),
                    Err(e) => {
                        folders.set(Some(Vec::new()));
                        app.fail(&e);
                    }
                }
            });
        });
    }
    let on_create = {
        let (app, new_name, generation) = (app.clone(), new_name.clone(), generation.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = new_name.trim().to_owned();
            if name.is_empty() {
                return;
            }
            let (app, new_name, generation) = (app.clone(), new_name.clone(), generation.clone());
            spawn_local(async move {
                let body = serde_json::json!({ "name": name });
                match api::call::<_, serde_json::Value>(Method::POST, "/api/folders", &app.csrf(), Some(&body)).await {
                    Ok(_) => {
                        new_name.set(String::new());
                        app.say("folder_created", name);
                        generation.set(*generation + 1);
                    }
                    Err(e) => app.fail(&e),
                }
            });
        })
    };
    let on_confirm = {
        let (app, chosen, busy, query, done) = (
            app.clone(),
            chosen.clone(),
            busy.clone(),
            props.query.clone(),
            props.done.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(folder_id) = *chosen else {
                return;
            };
            if *busy {
                return;
            }
            busy.set(true);
            let body = serde_json::json!({ "widget": &*query, "href": query.href, "folder_id": folder_id });
            let (app, busy, done) = (app.clone(), busy.clone(), done.clone());
            app.say("saving", "");
            spawn_local(async move {
                match api::call::<_, UploadedFile>(Method::POST, "/api/saves", &app.csrf(), Some(&body)).await {
                    Ok((_, file)) => done.emit(Outcome {
                        ok: true,
                        doc_url: String::new(),
                        message: format!("Saved {}", file.name),
                    }),
                    Err(e) => {
                        app.fail(&e);
                        done.emit(Outcome {
                            ok: false,
                            doc_url: String::new(),
                            message: failure_text(&app, &e),
                        });
                    }
                }
                busy.set(false);
            });
        })
    };
    let item = |id: Option<i64>, name: &str, shown: String| {
        let pressed = *chosen == Some(id);
        let onclick = {
            let chosen = chosen.clone();
            Callback::from(move |_: MouseEvent| chosen.set(Some(id)))
        };
        html! {
            <li>
                <button type="button" class={classes!("pick", pressed.then_some("chosen"))} data-testid="folder-item"
                        data-folder={name.to_owned()} aria-pressed={pressed.to_string()} {onclick}>
                    { shown }
                </button>
            </li>
        }
    };
    html! {
        <section class="popup" aria-labelledby="save-title">
            <h2 id="save-title">{ lang.t("save_pick_title") }</h2>
            <p>{ lang.t("save_from") }{ " " }<strong>{ &props.requester.app_name }</strong>{ ": " }
               <code data-testid="save-href">{ &props.query.href }</code></p>
            {
                match &*folders {
                    None => html! { <p class="muted">{ lang.t("loading") }</p> },
                    Some(list) => html! {
                        <ul class="picks">
                            { item(None, "", lang.t("top_level").to_owned()) }
                            { for list.iter().map(|f| item(Some(f.id), &f.name, f.name.clone())) }
                        </ul>
                    },
                }
            }
            <form onsubmit={on_create} class="inline">
                <label for="folder-new">{ lang.t("folder_new") }</label>
                <input id="folder-new" data-testid="folder-new" type="text" required=true
                       value={(*new_name).clone()} oninput={bind(&new_name)} />
                <button type="submit" class="secondary" data-testid="folder-create">{ lang.t("folder_create") }</button>
            </form>
            <p class="actions">
                <button type="button" data-testid="save-confirm" onclick={on_confirm}
                        disabled={chosen.is_none() || *busy}>
                    { lang.t("save_confirm") }
                </button>
            </p>
        </section>
    }
}
