//! Sign-in with the Aadhaar or mobile number and the password.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::model::Me;
use crate::route::Route;
use crate::screens::bind;
use crate::state::{Action, Ctx, CtxExt, use_app};

/// After a session was opened (sign-in or sign-up): who is it?
pub async fn adopt_session(app: &Ctx, key: &'static str) {
    match api::get::<Me>("/api/me").await {
        Ok(me) => {
            app.dispatch(Action::SignedIn(me));
            app.say(key, "");
        }
        Err(e) => app.fail(&e),
    }
}

fn refused(app: &Ctx, err: &ApiError) {
    match err.status {
        401 => app.say_error("bad_credentials", ""),
        _ => app.fail(err),
    }
}

/// The sign-in form.
#[function_component(SignIn)]
pub fn sign_in() -> Html {
    let app = use_app();
    let lang = app.lang;
    let username = use_state(String::new);
    let password = use_state(String::new);
    let busy = use_state(|| false);
    // In a widget popup, signing up opens the portal in a new tab: the
    // popup stays on its request.
    let in_popup = use_location().is_some_and(|l| l.path().starts_with("/widget/"));
    let onsubmit = {
        let (app, username, password, busy) = (app.clone(), username.clone(), password.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let body = serde_json::json!({ "username": username.trim(), "password": *password });
            let (app, busy) = (app.clone(), busy.clone());
            spawn_local(async move {
                match api::post_public::<_, serde_json::Value>("/api/login", &body).await {
                    Ok(_) => adopt_session(&app, "signed_in").await,
                    Err(e) => refused(&app, &e),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section aria-labelledby="sign-in-title">
            <h2 id="sign-in-title">{ lang.t("sign_in_title") }</h2>
            <form {onsubmit}>
                <label for="login-username">{ lang.t("username") }</label>
                <input id="login-username" data-testid="login-username" type="text" autocomplete="username"
                       inputmode="numeric" required=true value={(*username).clone()} oninput={bind(&username)} />
                <label for="login-password">{ lang.t("password") }</label>
                <input id="login-password" data-testid="login-password" type="password"
                       autocomplete="current-password" required=true value={(*password).clone()}
                       oninput={bind(&password)} />
                <p><button type="submit" data-testid="login-submit" disabled={*busy}>{ lang.t("sign_in") }</button></p>
            </form>
            <p>
                { lang.t("no_account") }{ " " }
                if in_popup {
                    <a href="/locker/signup" target="_blank" rel="noopener">{ lang.t("sign_up") }</a>
                } else {
                    <Link<Route> to={Route::SignUp}>{ lang.t("sign_up") }</Link<Route>>
                }
            </p>
        </section>
    }
}
