//! Connected apps: every partner app the resident allowed through the
//! Authorized Partner API, with what it may do, when access was granted,
//! when it was last used and until when; revoke makes its tokens fail at
//! once.

use openlocker_proto::oauth::Connection;
use yew::prelude::*;

use crate::api;
use crate::hooks::use_fetch;
use crate::state::{CtxExt, perform, use_app};
use crate::ui::{list_of, local_time};

/// The Connected apps screen.
#[function_component(Connections)]
pub fn connections() -> Html {
    let lang = use_app().lang;
    let connections = use_fetch(api::connections);
    let reload = connections.reload.clone();
    let table = |list: &[Connection]| {
        html! {
            <table class="connections">
                <thead><tr>
                    <th scope="col">{ lang.t("connection_app") }</th>
                    <th scope="col">{ lang.t("connection_scope") }</th>
                    <th scope="col">{ lang.t("connection_granted") }</th>
                    <th scope="col">{ lang.t("connection_used") }</th>
                    <th scope="col">{ lang.t("oauth_valid_till") }</th>
                    <th scope="col"><span class="visually-hidden">{ lang.t("revoke") }</span></th>
                </tr></thead>
                <tbody>{ for list.iter().map(|c| html! {
                    <ConnectionRow key={c.id} connection={c.clone()} revoked={reload.clone()} />
                }) }</tbody>
            </table>
        }
    };
    html! {
        <section aria-labelledby="connections-title">
            <h2 id="connections-title">{ lang.t("connections_title") }</h2>
            { list_of(lang, &connections.loaded, "connections_empty", table) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ConnectionRowProps {
    connection: Connection,
    /// Called after a revocation, so the list reloads.
    revoked: Callback<()>,
}

/// One connected app, with its revoke button.
#[function_component(ConnectionRow)]
fn connection_row(props: &ConnectionRowProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let c = &props.connection;
    let revoke = {
        let (app, id, name, revoked) = (app.clone(), c.id, c.app_name.clone(), props.revoked.clone());
        Callback::from(move |_: MouseEvent| {
            let csrf = app.csrf();
            let call = async move { api::revoke_connection(&csrf, id).await };
            perform(&app, call, "connection_revoked", name.clone(), revoked.clone());
        })
    };
    html! {
        <tr data-testid="connection-row" data-connection-id={c.id.to_string()}>
            <td>{ &c.app_name }<br /><span class="muted">{ &c.app_id }</span></td>
            <td><code>{ &c.scope }</code></td>
            <td>{ local_time(c.granted_at) }</td>
            <td>{ c.last_used_at.map(local_time).unwrap_or_else(|| lang.t("never").to_owned()) }</td>
            <td>{ local_time(c.valid_till) }</td>
            <td>
                <button type="button" class="secondary" data-testid="connection-revoke" onclick={revoke}
                        aria-label={format!("{} {}", lang.t("revoke"), c.app_name)}>
                    { lang.t("revoke") }
                </button>
            </td>
        </tr>
    }
}
