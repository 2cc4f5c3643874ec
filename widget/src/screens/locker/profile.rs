//! The profile (Aadhaar shown masked, as the server sends it), sign out and
//! sign out everywhere.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::route::Route;
use crate::state::{Action, CtxExt, use_app};

/// The profile screen.
#[function_component(Profile)]
pub fn profile() -> Html {
    let app = use_app();
    let lang = app.lang;
    let Some(me) = app.me.clone() else {
        return Html::default();
    };
    html! {
        <section aria-labelledby="profile-title">
            <h2 id="profile-title">{ lang.t("profile_title") }</h2>
            <dl>
                <dt>{ lang.t("name") }</dt><dd data-testid="profile-name">{ me.name }</dd>
                <dt>{ lang.t("aadhaar") }</dt><dd data-testid="profile-aadhaar">{ me.aadhaar }</dd>
                <dt>{ lang.t("mobile") }</dt><dd>{ me.mobile }</dd>
                <dt>{ lang.t("nav_verify") }</dt>
                <dd data-testid="profile-identity">
                    if me.identity.is_verified() {
                        { lang.t("verified") }
                    } else {
                        <Link<Route> to={Route::Verify}>{ lang.t("verify_now") }</Link<Route>>
                    }
                </dd>
            </dl>
            <p class="actions">
                <SignOut everywhere={false} />
                { " " }
                <SignOut everywhere={true} />
            </p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SignOutProps {
    /// Every session of the resident, not only this one.
    everywhere: bool,
}

/// A sign-out button.
#[function_component(SignOut)]
fn sign_out(props: &SignOutProps) -> Html {
    let app = use_app();
    let navigator = use_navigator();
    let everywhere = props.everywhere;
    let (key, testid) = if everywhere {
        ("signed_out_everywhere", "sign-out-everywhere")
    } else {
        ("signed_out", "sign-out")
    };
    let class = everywhere.then_some("secondary");
    let onclick = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            let (app, navigator) = (app.clone(), navigator.clone());
            spawn_local(async move {
                match api::sign_out(&app.csrf(), everywhere).await {
                    Ok(()) => {
                        app.dispatch(Action::SignedOut);
                        app.say(key, "");
                        if let Some(nav) = navigator {
                            nav.push(&Route::Home);
                        }
                    }
                    Err(e) => app.fail(&e),
                }
            });
        })
    };
    let label = if everywhere { "sign_out_everywhere" } else { "sign_out" };
    html! {
        <button type="button" class={classes!(class)} data-testid={testid} {onclick}>{ app.lang.t(label) }</button>
    }
}
