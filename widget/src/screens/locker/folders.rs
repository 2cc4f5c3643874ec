//! The folders of Uploaded Documents: create, rename, delete when empty.
//! The save popup's picker creates folders with [`NewFolder`] too.

use openlocker_proto::uploads::Folder;
use yew::prelude::*;

use crate::api;
use crate::state::{CtxExt, perform, use_app};
use crate::ui::{TextField, bind};

#[derive(Properties, PartialEq)]
pub struct FoldersProps {
    pub folders: Vec<Folder>,
    /// Called after any change, so the screen reloads.
    pub changed: Callback<()>,
}

/// The folder list with its forms.
#[function_component(Folders)]
pub fn folders(props: &FoldersProps) -> Html {
    let lang = use_app().lang;
    html! {
        <section aria-labelledby="folders-title">
            <h2 id="folders-title">{ lang.t("folders") }</h2>
            <ul class="folders">
                { for props.folders.iter().map(|f| html! {
                    <FolderItem key={f.id} folder={f.clone()} changed={props.changed.clone()} />
                }) }
            </ul>
            <NewFolder created={props.changed.clone()} inline={false} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct NewFolderProps {
    /// Called after the folder is made.
    pub created: Callback<()>,
    /// A one-line form (in the save popup).
    pub inline: bool,
}

/// The "new folder" form.
#[function_component(NewFolder)]
pub fn new_folder(props: &NewFolderProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let name = use_state(String::new);
    let onsubmit = {
        let (app, name, created) = (app.clone(), name.clone(), props.created.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let typed = name.trim().to_owned();
            if typed.is_empty() {
                return;
            }
            let (csrf, cleared, created, shown) = (app.csrf(), name.clone(), created.clone(), typed.clone());
            let created = Callback::from(move |()| {
                cleared.set(String::new());
                created.emit(());
            });
            let call = async move { api::create_folder(&csrf, &typed).await };
            perform(&app, call, "folder_created", shown, created);
        })
    };
    let button = html! { <button type="submit" class={classes!(props.inline.then_some("secondary"))}
    data-testid="folder-create">{ lang.t("folder_create") }</button> };
    html! {
        <form {onsubmit} class={classes!(props.inline.then_some("inline"))}>
            <TextField id="folder-new" label="folder_new" value={name} />
            if props.inline { { button } } else { <p>{ button }</p> }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct FolderItemProps {
    folder: Folder,
    changed: Callback<()>,
}

/// One folder: its name and file count, rename (in place) and delete.
#[function_component(FolderItem)]
fn folder_item(props: &FolderItemProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let folder = &props.folder;
    let renaming = use_state(|| false);
    let (start, closed) = {
        let (on, off) = (renaming.clone(), renaming.clone());
        (
            Callback::from(move |_: MouseEvent| on.set(true)),
            Callback::from(move |()| off.set(false)),
        )
    };
    let delete = {
        let (app, id, changed) = (app.clone(), folder.id, props.changed.clone());
        Callback::from(move |_: MouseEvent| {
            let csrf = app.csrf();
            let call = async move { api::delete_folder(&csrf, id).await };
            perform(&app, call, "folder_deleted", String::new(), changed.clone());
        })
    };
    let label = |action: &'static str| format!("{} {}", lang.t(action), folder.name);
    html! {
        <li data-testid="folder-item" data-folder={folder.name.clone()}>
            if *renaming {
                <RenameFolder folder={folder.clone()} {closed} changed={props.changed.clone()} />
            } else {
                <span class="folder-name">{ &folder.name }</span>
                <span class="muted">{ format!(" ({} {}) ", folder.files, lang.t("folder_files")) }</span>
                <button type="button" class="secondary" onclick={start}
                        aria-label={label("rename")}>{ lang.t("rename") }</button>
                { " " }
                <button type="button" class="secondary" onclick={delete} disabled={folder.files > 0}
                        aria-label={label("delete")}>{ lang.t("delete") }</button>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct RenameFolderProps {
    folder: Folder,
    /// Ends the renaming (cancelled or done).
    closed: Callback<()>,
    changed: Callback<()>,
}

/// The in-place rename form of a folder.
#[function_component(RenameFolder)]
fn rename_folder(props: &RenameFolderProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let id = props.folder.id;
    let text = use_state(|| props.folder.name.clone());
    let onsubmit = {
        let (app, text, closed, changed) = (app.clone(), text.clone(), props.closed.clone(), props.changed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (csrf, name, closed, changed) = (app.csrf(), text.trim().to_owned(), closed.clone(), changed.clone());
            let done = Callback::from(move |()| {
                closed.emit(());
                changed.emit(());
            });
            let shown = name.clone();
            perform(
                &app,
                async move { api::rename_folder(&csrf, id, &name).await },
                "folder_renamed",
                shown,
                done,
            );
        })
    };
    let input_id = format!("folder-rename-{id}");
    html! {
        <form {onsubmit} class="inline">
            <label for={input_id.clone()}>{ lang.t("new_name") }</label>
            <input id={input_id} type="text" required=true value={(*text).clone()} oninput={bind(&text)} />
            <button type="submit">{ lang.t("save") }</button>
            <button type="button" class="secondary" onclick={props.closed.reform(|_: MouseEvent| ())}>
                { lang.t("cancel") }
            </button>
        </form>
    }
}
