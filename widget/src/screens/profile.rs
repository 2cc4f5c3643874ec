//! The profile (Aadhaar shown masked, as the server sends it), sign out and
//! sign out everywhere.

use gloo_net::http::Method;
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
    let navigator = use_navigator();
    let sign_out = |url: &'static str, key: &'static str| {
        let (app, navigator) = (app.clone(), navigator.clone());
        Callback::from(move |_: MouseEvent| {
            let (app, navigator) = (app.clone(), navigator.clone());
            spawn_local(async move {
                match api::call::<(), serde_json::Value>(Method::POST, url, &app.csrf(), None).await {
                    Ok(_) => {
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
                <button type="button" data-testid="sign-out" onclick={sign_out("/api/logout", "signed_out")}>
                    { lang.t("sign_out") }
                </button>
                { " " }
                <button type="button" class="secondary" data-testid="sign-out-everywhere"
                        onclick={sign_out("/api/logout-everywhere", "signed_out_everywhere")}>
                    { lang.t("sign_out_everywhere") }
                </button>
            </p>
        </section>
    }
}
