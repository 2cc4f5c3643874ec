//! The resident's activity log, newest first, a page at a time.

use openlocker_proto::locker::{ActivityEntry, ActivityPage};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::hooks::{Loaded, use_fetch};
use crate::state::{CtxExt, use_app};
use crate::ui::{list_of, local_time};

const PAGE: u32 = 25;

/// The activity log: the first page on mount, older pages on request.
#[function_component(Activity)]
pub fn activity() -> Html {
    let app = use_app();
    let lang = app.lang;
    let first = use_fetch(|| api::activity(None, PAGE));
    let older = use_state(Vec::<ActivityPage>::new);
    let pages = first.loaded.ready().map(|first| {
        let mut all = first.entries.clone();
        all.extend(older.iter().flat_map(|p| p.entries.iter().cloned()));
        let next = older.last().unwrap_or(first).next_before;
        (all, next)
    });
    let next = pages.as_ref().and_then(|(_, next)| *next);
    let loaded = match (&*first.loaded, pages) {
        (_, Some((all, _))) => Loaded::Ready(all),
        (Loaded::Failed, None) => Loaded::Failed,
        _ => Loaded::Loading,
    };
    let more = {
        let older = older.clone();
        Callback::from(move |_: MouseEvent| {
            let (app, older) = (app.clone(), older.clone());
            spawn_local(async move {
                match api::activity(next, PAGE).await {
                    Ok(page) => older.set([(*older).clone(), vec![page]].concat()),
                    Err(e) => app.fail(&e),
                }
            });
        })
    };
    html! {
        <section aria-labelledby="activity-title">
            <h2 id="activity-title">{ lang.t("activity_title") }</h2>
            { list_of(lang, &loaded, "activity_empty", |list| html! { <ActivityTable entries={list.to_vec()} /> }) }
            if next.is_some() {
                <p><button type="button" class="secondary" onclick={more}>{ lang.t("older") }</button></p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ActivityTableProps {
    entries: Vec<ActivityEntry>,
}

/// The entries as a table.
#[function_component(ActivityTable)]
fn activity_table(props: &ActivityTableProps) -> Html {
    let lang = use_app().lang;
    let row = |e: &ActivityEntry| {
        let detail = if e.detail.is_empty() {
            String::new()
        } else {
            format!(": {}", e.detail)
        };
        html! {
            <tr data-testid="activity-row">
                <td>{ local_time(e.at) }</td>
                <td>{ &e.kind }{ detail }</td>
                <td>{ &e.ip }<br /><span class="muted">{ &e.user_agent }</span></td>
            </tr>
        }
    };
    html! {
        <table>
            <thead><tr>
                <th scope="col">{ lang.t("when") }</th>
                <th scope="col">{ lang.t("what") }</th>
                <th scope="col">{ lang.t("client") }</th>
            </tr></thead>
            <tbody>{ for props.entries.iter().map(row) }</tbody>
        </table>
    }
}
