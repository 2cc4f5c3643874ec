//! One uploaded file in the list, with its actions: download, rename,
//! move to another folder, delete.

use openlocker_proto::uploads::{FileChange, Folder, UploadedFile};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::uploaded::{FolderSelect, folder_choice};
use crate::api;
use crate::state::{Ctx, CtxExt, perform, use_app};
use crate::ui::{bind, human_size, local_time, save_blob};

fn change(app: &Ctx, id: i64, change: FileChange, key: &'static str, name: String, reload: Callback<()>) {
    let csrf = app.csrf();
    perform(
        app,
        async move { api::change_file(&csrf, id, &change).await },
        key,
        name,
        reload,
    );
}

fn download(app: &Ctx, file: &UploadedFile) {
    let (app, id, name) = (app.clone(), file.id, file.name.clone());
    spawn_local(async move {
        match api::uploaded_file(id).await {
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
    let on_download = {
        let (app, file) = (app.clone(), file.clone());
        Callback::from(move |_: MouseEvent| download(&app, &file))
    };
    let on_delete = {
        let (app, id, name, reload) = (app.clone(), file.id, file.name.clone(), props.reload.clone());
        Callback::from(move |_: MouseEvent| {
            let csrf = app.csrf();
            perform(
                &app,
                async move { api::delete_file(&csrf, id).await },
                "deleted",
                name.clone(),
                reload.clone(),
            );
        })
    };
    let toggle_rename = {
        let renaming = renaming.clone();
        Callback::from(move |_: MouseEvent| renaming.set(!*renaming))
    };
    html! {
        <li class="doc" data-testid="doc-item" data-name={file.name.clone()} data-id={file.id.to_string()}
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
                <RenameFile file={file.clone()} renaming={renaming.clone()} reload={props.reload.clone()} />
            }
            <MoveFile file={file.clone()} folders={props.folders.clone()} reload={props.reload.clone()} />
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct RenameFileProps {
    file: UploadedFile,
    /// Set false once the new name is sent.
    renaming: UseStateHandle<bool>,
    reload: Callback<()>,
}

/// The rename form of a file.
#[function_component(RenameFile)]
fn rename_file(props: &RenameFileProps) -> Html {
    let app = use_app();
    let id = props.file.id;
    let new_name = use_state(|| props.file.name.clone());
    let onsubmit = {
        let (app, new_name, renaming, reload) = (
            app.clone(),
            new_name.clone(),
            props.renaming.clone(),
            props.reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = new_name.trim().to_owned();
            renaming.set(false);
            let body = FileChange {
                name: Some(name.clone()),
                folder: None,
            };
            change(&app, id, body, "renamed", name, reload.clone());
        })
    };
    html! {
        <form class="inline" {onsubmit}>
            <label for={format!("file-name-{id}")}>{ app.lang.t("new_name") }</label>
            <input id={format!("file-name-{id}")} type="text" required=true value={(*new_name).clone()}
                   oninput={bind(&new_name)} />
            <button type="submit">{ app.lang.t("save") }</button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct MoveFileProps {
    file: UploadedFile,
    folders: Vec<Folder>,
    reload: Callback<()>,
}

/// The "move to" form of a file.
#[function_component(MoveFile)]
fn move_file(props: &MoveFileProps) -> Html {
    let app = use_app();
    let file = &props.file;
    let target = use_state(|| file.folder_id.map(|id| id.to_string()).unwrap_or_default());
    let onsubmit = {
        let (app, file, target, reload) = (app.clone(), file.clone(), target.clone(), props.reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = FileChange {
                name: None,
                folder: Some(folder_choice(&target)),
            };
            change(&app, file.id, body, "moved", file.name.clone(), reload.clone());
        })
    };
    let id = format!("file-move-{}", file.id);
    html! {
        <form class="inline" {onsubmit}>
            <label for={id.clone()}>{ app.lang.t("move_to") }</label>
            <FolderSelect id={id} folders={props.folders.clone()} chosen={target} />
            <button type="submit" class="secondary">{ app.lang.t("move") }</button>
        </form>
    }
}
