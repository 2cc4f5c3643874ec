//! The upload form of Uploaded Documents: a file, its folder, and a
//! progress bar while it is sent.

use openlocker_proto::uploads::Folder;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::uploaded::{FolderSelect, folder_choice};
use crate::api::{self, ApiResult};
use crate::state::{Ctx, CtxExt, use_app};

#[derive(Properties, PartialEq)]
pub struct UploadFormProps {
    pub folders: Vec<Folder>,
    /// Called after an upload, so the screen reloads.
    pub uploaded: Callback<()>,
}

/// (sent, total) bytes while an upload runs.
type Progress = UseStateHandle<Option<(f64, f64)>>;

/// Sends the picked file; the outcome is told in the status line.
fn start(app: &Ctx, input: Option<HtmlInputElement>, folder: Option<i64>, progress: Progress, uploaded: Callback<()>) {
    let Some(file) = input.as_ref().and_then(|i| i.files()).and_then(|f| f.get(0)) else {
        app.say_error("pick_file", "");
        return;
    };
    progress.set(Some((0.0, file.size())));
    app.say("uploading", file.name());
    let on_progress = {
        let progress = progress.clone();
        move |sent, total| progress.set(Some((sent, total)))
    };
    let on_done = {
        let (app, progress, name) = (app.clone(), progress.clone(), file.name());
        move |result: ApiResult<()>| {
            progress.set(None);
            match result {
                Ok(()) => {
                    app.say("uploaded", name.clone());
                    if let Some(input) = &input {
                        input.set_value("");
                    }
                    uploaded.emit(());
                }
                Err(e) => app.fail(&e),
            }
        }
    };
    if let Err(e) = api::upload(&app.csrf(), &file, folder, on_progress, on_done) {
        progress.set(None);
        app.fail(&e);
    }
}

/// The upload form.
#[function_component(UploadForm)]
pub fn upload_form(props: &UploadFormProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let file_input = use_node_ref();
    let folder = use_state(String::new);
    let progress: Progress = use_state(|| None);
    let onsubmit = {
        let (file_input, folder, progress, uploaded) = (
            file_input.clone(),
            folder.clone(),
            progress.clone(),
            props.uploaded.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if progress.is_none() {
                let input = file_input.cast::<HtmlInputElement>();
                start(&app, input, folder_choice(&folder), progress.clone(), uploaded.clone());
            }
        })
    };
    html! {
        <form {onsubmit}>
            <label for="upload-file">{ lang.t("upload_file") }</label>
            <input id="upload-file" data-testid="upload-file" type="file" ref={file_input}
                   accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png" />
            <label for="upload-folder">{ lang.t("upload_folder") }</label>
            <FolderSelect id="upload-folder" testid="upload-folder" folders={props.folders.clone()} chosen={folder} />
            <p>
                <button type="submit" data-testid="upload-submit" disabled={progress.is_some()}>{ lang.t("upload") }</button>
            </p>
            if let Some((sent, total)) = *progress {
                <progress data-testid="upload-progress" aria-label={lang.t("uploading")}
                          max={total.max(1.0).to_string()} value={sent.to_string()}></progress>
            }
        </form>
    }
}
