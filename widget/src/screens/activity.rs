//! The resident's activity log, newest first, a page at a time.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::model::{ActivityEntry, ActivityPage};
use crate::screens::local_time;
use crate::state::{CtxExt, use_app};

const PAGE: u32 = 25;

/// The activity log.
#[function_component(Activity)]
pub fn activity() -> Html {
    let app = use_app();
    let lang = app.lang;
    let entries = use_state(|| None::<Vec<ActivityEntry>>);
    let next = use_state(|| None::<i64>);
    let load = {
        let (app, entries, next) = (app.clone(), entries.clone(), next.clone());
        Callback::from(move |before: Option<i64>| {
            let (app, entries, next) = (app.clone(), entries.clone(), next.clone());
            spawn_local(async move {
                let mut url = format!("/api/activity?limit={PAGE}");
                if let Some(before) = before {
                    url.push_str(&format!("&before={before}"));
                }
                match api::get::<ActivityPage>(&url).await {
                    Ok(page) => {
                        let mut all = if before.is_some() {
                            (*entries).clone().unwrap_or_default()
                        } else {
                            Vec::new()
                        };
                        all.extend(page.entries);
                        entries.set(Some(all));
                        next.set(page.next_before);
                    }
                    Err(e) => app.fail(&e),
                }
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit(None));
    }
    let older = {
        let (load, next) = (load.clone(), next.clone());
        Callback::from(move |_: MouseEvent| load.emit(*next))
    };
    let row = |e: &ActivityEntry| {
        html! {
            <tr data-testid="activity-row">
                <td>{ local_time(e.at) }</td>
                <td>{ &e.kind }{ if e.detail.is_empty() { String::new() } else { format!(": {}", e.detail) } }</td>
                <td>{ &e.ip }<br /><span class="muted">{ &e.user_agent }</span></td>
            </tr>
        }
    };
    html! {
        <section aria-labelledby="activity-title">
            <h2 id="activity-title">{ lang.t("activity_title") }</h2>
            {
                match &*entries {
                    None => html! { <p class="muted">{ lang.t("loading") }</p> },
                    Some(list) if list.is_empty() => html! { <p>{ lang.t("activity_empty") }</p> },
                    Some(list) => html! {
                        <table>
                            <thead><tr>
                                <th scope="col">{ lang.t("when") }</th>
                                <th scope="col">{ lang.t("what") }</th>
                                <th scope="col">{ lang.t("client") }</th>
                            </tr></thead>
                            <tbody>{ for list.iter().map(row) }</tbody>
                        </table>
                    },
                }
            }
            if next.is_some() {
                <p><button type="button" class="secondary" onclick={older}>{ lang.t("older") }</button></p>
            }
        </section>
    }
}
