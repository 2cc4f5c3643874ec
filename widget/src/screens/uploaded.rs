//! Uploaded Documents: folders, and the resident's own files: upload (with
//! a progress bar), download, rename, move to another folder, delete.

use gloo_net::http::Method;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api;
use crate::model::{Folder, UploadedFile, human_size};
use crate::screens::folders::Folders;
use crate::screens::issued::save_blob;
use crate::screens::{bind, local_time};
use crate::state::{Ctx, CtxExt, use_app};

/// A folder id from a `<select>` value: empty is the top level.
fn folder_choice(value: &str) -> Option<i64> {
    value.parse().ok()
}

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
struct FileRowProps {
    file: UploadedFile,
    folders: Vec<Folder>,
    reload: Callback<()>,
}

/// One file, with its actions.
#[function_component(FileRow)]
fn file_row(props: &FileRowProps) -> Html {
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

/// The Uploaded Documents screen.
#[function_component(Uploaded)]
pub fn uploaded() -> Html {
    let app = use_app();
    let lang = app.lang;
    let generation = use_state(|| 0u32);
    let folders = use_state(Vec::<Folder>::new);
    let files = use_state(|| None::<Vec<UploadedFile>>);
    let file_input = use_node_ref();
    let upload_folder = use_state(String::new);
    // (sent, total) while an upload runs.
    let progress = use_state(|| None::<(f64, f64)>);
    let reload = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    {
        let (app, folders, files) = (app.clone(), folders.clone(), files.clone());
        use_effect_with(*generation, move |_| {
            spawn_local(async move {
                match api::get::<Vec<Folder>>("/api/folders").await {
                    Ok(list) => folders.set(list),
                    Err(e) => app.fail(&e),
                }
                match api::get::<Vec<UploadedFile>>("/api/uploaded").await {
                    Ok(list) => files.set(Some(list)),
                    Err(e) => app.fail(&e),
                }
            });
        });
    }
    let on_upload = {
        let (app, file_input, upload_folder, progress, reload) = (
            app.clone(),
            file_input.clone(),
            upload_folder.clone(),
            progress.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if progress.is_some() {
                return;
            }
            let input = file_input.cast::<HtmlInputElement>();
            let Some(file) = input.as_ref().and_then(|i| i.files()).and_then(|f| f.get(0)) else {
                app.say_error("pick_file", "");
                return;
            };
            let mut url = format!("/api/uploaded?name={}", api::encode(&file.name()));
            if let Some(folder) = folder_choice(&upload_folder) {
                url.push_str(&format!("&folder={folder}"));
            }
            progress.set(Some((0.0, file.size())));
            app.say("uploading", file.name());
            let name = file.name();
            let on_progress = {
                let progress = progress.clone();
                move |sent, total| progress.set(Some((sent, total)))
            };
            let on_done = {
                let (app, progress, reload, input) = (app.clone(), progress.clone(), reload.clone(), input.clone());
                move |result: Result<(), api::ApiError>| {
                    progress.set(None);
                    match result {
                        Ok(()) => {
                            app.say("uploaded", name.clone());
                            if let Some(input) = &input {
                                input.set_value("");
                            }
                            reload.emit(());
                        }
                        Err(e) => app.fail(&e),
                    }
                }
            };
            if let Err(e) = api::upload(&url, &app.csrf(), &file, on_progress, on_done) {
                progress.set(None);
                app.fail(&e);
            }
        })
    };
    let on_upload_folder = {
        let upload_folder = upload_folder.clone();
        Callback::from(move |e: Event| upload_folder.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    html! {
        <>
            <Folders folders={(*folders).clone()} changed={reload.clone()} />
            <section aria-labelledby="upload-title">
                <h2 id="upload-title">{ lang.t("uploaded_title") }</h2>
                <form onsubmit={on_upload}>
                    <label for="upload-file">{ lang.t("upload_file") }</label>
                    <input id="upload-file" data-testid="upload-file" type="file" ref={file_input}
                           accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png" />
                    <label for="upload-folder">{ lang.t("upload_folder") }</label>
                    <select id="upload-folder" data-testid="upload-folder" onchange={on_upload_folder}>
                        <option value="" selected={upload_folder.is_empty()}>{ lang.t("top_level") }</option>
                        { for folders.iter().map(|f| html! {
                            <option value={f.id.to_string()} selected={*upload_folder == f.id.to_string()}>
                                { &f.name }
                            </option>
                        }) }
                    </select>
                    <p>
                        <button type="submit" data-testid="upload-submit" disabled={progress.is_some()}>
                            { lang.t("upload") }
                        </button>
                    </p>
                    if let Some((sent, total)) = *progress {
                        <progress data-testid="upload-progress" aria-label={lang.t("uploading")}
                                  max={total.max(1.0).to_string()} value={sent.to_string()}></progress>
                    }
                </form>
                <h3>{ lang.t("files") }</h3>
                {
                    match &*files {
                        None => html! { <p class="muted">{ lang.t("loading") }</p> },
                        Some(list) if list.is_empty() => html! { <p>{ lang.t("files_empty") }</p> },
                        Some(list) => html! {
                            <ul class="docs">
                                { for list.iter().map(|f| html! {
                                    <FileRow key={f.id} file={f.clone()} folders={(*folders).clone()}
                                             reload={reload.clone()} />
                                }) }
                            </ul>
                        },
                    }
                }
            </section>
        </>
    }
}
