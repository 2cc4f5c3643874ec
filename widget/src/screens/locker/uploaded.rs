//! Uploaded Documents: folders, and the resident's own files: upload (with
//! a progress bar), download, rename, move to another folder, delete.

use openlocker_proto::uploads::{Folder, UploadedFile};
use yew::prelude::*;

use super::file_row::FileRow;
use super::folders::Folders;
use super::upload_form::UploadForm;
use crate::api;
use crate::hooks::use_fetch;
use crate::state::use_app;
use crate::ui::list_of;

/// A folder id from a `<select>` value: empty is the top level.
pub fn folder_choice(value: &str) -> Option<i64> {
    value.parse().ok()
}

/// The Uploaded Documents screen.
#[function_component(Uploaded)]
pub fn uploaded() -> Html {
    let lang = use_app().lang;
    let folders = use_fetch(api::folders);
    let files = use_fetch(api::uploaded);
    let reload = {
        let (folders, files) = (folders.reload.clone(), files.reload.clone());
        Callback::from(move |()| {
            folders.emit(());
            files.emit(());
        })
    };
    let folder_list: Vec<Folder> = folders.loaded.ready().cloned().unwrap_or_default();
    let render = |list: &[UploadedFile]| {
        html! {
            <ul class="docs">
                { for list.iter().map(|f| html! {
                    <FileRow key={f.id} file={f.clone()} folders={folder_list.clone()} reload={reload.clone()} />
                }) }
            </ul>
        }
    };
    html! {
        <>
            <Folders folders={folder_list.clone()} changed={reload.clone()} />
            <section aria-labelledby="upload-title">
                <h2 id="upload-title">{ lang.t("uploaded_title") }</h2>
                <UploadForm folders={folder_list.clone()} uploaded={reload.clone()} />
                <h3>{ lang.t("files") }</h3>
                { list_of(lang, &files.loaded, "files_empty", render) }
            </section>
        </>
    }
}

/// Props of the folder `<select>`s.
#[derive(Properties, PartialEq)]
pub struct FolderSelectProps {
    pub id: AttrValue,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    pub folders: Vec<Folder>,
    /// The chosen folder's id; empty for the top level.
    pub chosen: UseStateHandle<String>,
}

/// A `<select>` of the top level and the folders.
#[function_component(FolderSelect)]
pub fn folder_select(props: &FolderSelectProps) -> Html {
    let lang = use_app().lang;
    let chosen = &props.chosen;
    html! {
        <select id={props.id.clone()} data-testid={props.testid.clone()} onchange={crate::ui::bind_select(chosen)}>
            <option value="" selected={chosen.is_empty()}>{ lang.t("top_level") }</option>
            { for props.folders.iter().map(|f| html! {
                <option value={f.id.to_string()} selected={**chosen == f.id.to_string()}>{ &f.name }</option>
            }) }
        </select>
    }
}
