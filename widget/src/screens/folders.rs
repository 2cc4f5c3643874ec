//! The folders of Uploaded Documents: create, rename, delete when empty.

use gloo_net::http::Method;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::model::Folder;
use crate::screens::bind;
use crate::state::{CtxExt, use_app};

#[derive(Properties, PartialEq)]
pub struct FoldersProps {
    pub folders: Vec<Folder>,
    /// Called after any change, so the screen reloads.
    pub changed: Callback<()>,
}

/// The folder list with its forms.
#[function_component(Folders)]
pub fn folders(props: &FoldersProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let new_name = use_state(String::new);
    // The folder being renamed, and the name typed so far.
    let renaming = use_state(|| None::<(i64, String)>);
    let rename_text = use_state(String::new);
    let on_create = {
        let (app, new_name, changed) = (app.clone(), new_name.clone(), props.changed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = new_name.trim().to_owned();
            if name.is_empty() {
                return;
            }
            let (app, new_name, changed) = (app.clone(), new_name.clone(), changed.clone());
            spawn_local(async move {
                let body = serde_json::json!({ "name": name });
                match api::call::<_, serde_json::Value>(Method::POST, "/api/folders", &app.csrf(), Some(&body)).await {
                    Ok(_) => {
                        new_name.set(String::new());
                        app.say("folder_created", name);
                        changed.emit(());
                    }
                    Err(e) => app.fail(&e),
                }
            });
        })
    };
    let on_rename = {
        let (app, renaming, rename_text, changed) = (
            app.clone(),
            renaming.clone(),
            rename_text.clone(),
            props.changed.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some((id, _)) = (*renaming).clone() else {
                return;
            };
            let name = rename_text.trim().to_owned();
            let (app, renaming, changed) = (app.clone(), renaming.clone(), changed.clone());
            spawn_local(async move {
                let body = serde_json::json!({ "name": name });
                let url = format!("/api/folders/{id}");
                match api::call::<_, serde_json::Value>(Method::PUT, &url, &app.csrf(), Some(&body)).await {
                    Ok(_) => {
                        renaming.set(None);
                        app.say("folder_renamed", name);
                        changed.emit(());
                    }
                    Err(e) => app.fail(&e),
                }
            });
        })
    };
    let item = |folder: &Folder| {
        let start_rename = {
            let (renaming, rename_text, folder) = (renaming.clone(), rename_text.clone(), folder.clone());
            Callback::from(move |_: MouseEvent| {
                rename_text.set(folder.name.clone());
                renaming.set(Some((folder.id, folder.name.clone())));
            })
        };
        let delete = {
            let (app, id, changed) = (app.clone(), folder.id, props.changed.clone());
            Callback::from(move |_: MouseEvent| {
                let (app, changed) = (app.clone(), changed.clone());
                spawn_local(async move {
                    let url = format!("/api/folders/{id}");
                    match api::call::<(), serde_json::Value>(Method::DELETE, &url, &app.csrf(), None).await {
                        Ok(_) => {
                            app.say("folder_deleted", "");
                            changed.emit(());
                        }
                        Err(e) => app.fail(&e),
                    }
                });
            })
        };
        let cancel = {
            let renaming = renaming.clone();
            Callback::from(move |_: MouseEvent| renaming.set(None))
        };
        let editing = renaming.as_ref().is_some_and(|(id, _)| *id == folder.id);
        let input_id = format!("folder-rename-{}", folder.id);
        html! {
            <li data-testid="folder-item" data-folder={folder.name.clone()}>
                if editing {
                    <form onsubmit={on_rename.clone()} class="inline">
                        <label for={input_id.clone()}>{ lang.t("new_name") }</label>
                        <input id={input_id} type="text" required=true value={(*rename_text).clone()}
                               oninput={bind(&rename_text)} />
                        <button type="submit">{ lang.t("save") }</button>
                        <button type="button" class="secondary" onclick={cancel}>{ lang.t("cancel") }</button>
                    </form>
                } else {
                    <span class="folder-name">{ &folder.name }</span>
                    <span class="muted">{ format!(" ({} {}) ", folder.files, lang.t("folder_files")) }</span>
                    <button type="button" class="secondary" onclick={start_rename}
                            aria-label={format!("{} {}", lang.t("rename"), folder.name)}>{ lang.t("rename") }</button>
                    { " " }
                    <button type="button" class="secondary" onclick={delete} disabled={folder.files > 0}
                            aria-label={format!("{} {}", lang.t("delete"), folder.name)}>{ lang.t("delete") }</button>
                }
            </li>
        }
    };
    html! {
        <section aria-labelledby="folders-title">
            <h2 id="folders-title">{ lang.t("folders") }</h2>
            <ul class="folders">{ for props.folders.iter().map(item) }</ul>
            <form onsubmit={on_create}>
                <label for="folder-new">{ lang.t("folder_new") }</label>
                <input id="folder-new" data-testid="folder-new" type="text" required=true
                       value={(*new_name).clone()} oninput={bind(&new_name)} />
                <p><button type="submit" data-testid="folder-create">{ lang.t("folder_create") }</button></p>
            </form>
        </section>
    }
}
