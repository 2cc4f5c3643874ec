//! One uploaded file in the list, with its actions: download, rename,
//! move to another folder, delete.

use gloo_net::http::Method;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api;
use crate::model::{Folder, UploadedFile, human_size};
use crate::screens::issued::save_blob;
use crate::screens::uploaded::folder_choice;
use crate::screens::{bind, local_time};
use crate::state::{Ctx, CtxExt, use_app};

fn change(app: &Ctx, id: i64, body: serde_json::Value, key: &'static str, name: String, reload: Callback<()>) {
    let app = app.clone();
    spawn_local(async move {
        let url = format!("/api/uploaded/{id}");
        match api::call::<_, serde_json::Value>(Method::PUT, &url, &app.csrf(), Some(&body)).await {
            Ok(_) => {
                app.say(key, name);
                reload.emit(());
            }
            Err(e) => app.fail(&e),
        }
    });
}

fn download(app: &Ctx, file: &UploadedFile) {
    let (app, id, name) = (app.clone(), file.id, file.name.clone());
    spawn_local(async move {
        match api::fetch_blob(&format!("/api/uploaded/{id}/file")).await {
            Ok(blob) => match save_blob(&blob, &name) {
                Some(()) => app.say("downloaded", name),
                None => app.say_error("error", ""),
            },
            Err(e) => app.fail(&e),
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct FileRowProps {
    pub file: UploadedFile,
    pub folders: Vec<Folder>,
    /// Called after a change, so the screen reloads.
    pub reload: Callback<()>,
}

/// One file, with its actions.
#[function_component(FileRow)]
pub fn file_row(props: &FileRowProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let file = &props.file;
    let renaming = use_state(|| false);
    let new_name = use_state(|| file.name.clone());
    let target = use_state(|| file.folder_id.map(|id| id.to_string()).unwrap_or_default());
    let on_download = {
        let (app, file) = (app.clone(), file.clone());
        Callback::from(move |_: MouseEvent| download(&app, &file))
    };
    let on_rename = {
        let (app, id, new_name, renaming, reload) = (
            app.clone(),
            file.id,
            new_name.clone(),
            renaming.clone(),
            props.reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = new_name.trim().to_owned();
            renaming.set(false);
            change(
                &app,
                id,
                serde_json::json!({ "name": name }),
                "renamed",
                name,
                reload.clone(),
            );
        })
    };
    let on_move = {
        let (app, file, target, reload) = (app.clone(), file.clone(), target.clone(), props.reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = serde_json::json!({ "folder": folder_choice(&target) });
            change(&app, file.id, body, "moved", file.name.clone(), reload.clone());
        })
    };
    let on_delete = {
        let (app, id, name, reload) = (app.clone(), file.id, file.name.clone(), props.reload.clone());
        Callback::from(move |_: MouseEvent| {
            let (app, name, reload) = (app.clone(), name.clone(), reload.clone());
            spawn_local(async move {
                let url = format!("/api/uploaded/{id}");
                match api::call::<(), serde_json::Value>(Method::DELETE, &url, &app.csrf(), None).await {
                    Ok(_) => {
                        app.say("deleted", name);
                        reload.emit(());
                    }
                    Err(e) => app.fail(&e),
                }
            });
        })
    };
    let toggle_rename = {
        let renaming = renaming.clone();
        Callback::from(move |_: MouseEvent| renaming.set(!*renaming))
    };
    let on_target = {
        let target = target.clone();
        Callback::from(move |e: Event| target.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let id = file.id;
    html! {
        <li class="doc" data-testid="doc-item" data-name={file.name.clone()} data-id={id.to_string()}
            data-folder={file.folder.clone().unwrap_or_default()}>
            <h3>{ &file.name }</h3>
            <p class="muted">
                { file.folder.clone().unwrap_or_else(|| lang.t("top_level").to_owned()) }
                { format!(" · {} · {} · {}", human_size(file.size), file.content_type, local_time(file.uploaded_at)) }
            </p>
            <p class="actions">
                <button type="button" data-testid="file-download" onclick={on_download}>{ lang.t("download") }</button>
                { " " }
                <button type="button" class="secondary" onclick={toggle_rename}>{ lang.t("rename") }</button>
                { " " }
                <button type="button" class="secondary" data-testid="file-delete" onclick={on_delete}>
                    { lang.t("delete") }
                </button>
            </p>
            if *renaming {
                <form class="inline" onsubmit={on_rename}>
                    <label for={format!("file-name-{id}")}>{ lang.t("new_name") }</label>
                    <input id={format!("file-name-{id}")} type="text" required=true value={(*new_name).clone()}
                           oninput={bind(&new_name)} />
                    <button type="submit">{ lang.t("save") }</button>
                </form>
            }
            <form class="inline" onsubmit={on_move}>
                <label for={format!("file-move-{id}")}>{ lang.t("move_to") }</label>
                <select id={format!("file-move-{id}")} onchange={on_target}>
                    <option value="" selected={target.is_empty()}>{ lang.t("top_level") }</option>
                    { for props.folders.iter().map(|f| html! {
                        <option value={f.id.to_string()} selected={*target == f.id.to_string()}>{ &f.name }</option>
                    }) }
                </select>
                <button type="submit" class="secondary">{ lang.t("move") }</button>
            </form>
        </li>
    }
}
