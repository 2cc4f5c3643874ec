//! Uploaded Documents: folders, and the resident's own files: upload (with
//! a progress bar), download, rename, move to another folder, delete.

use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api;
use crate::model::{Folder, UploadedFile};
use crate::screens::file_row::FileRow;
use crate::screens::folders::Folders;
use crate::state::{CtxExt, use_app};

/// A folder id from a `<select>` value: empty is the top level.
pub fn folder_choice(value: &str) -> Option<i64> {
    value.parse().ok()
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
