//! Sign-in with the Aadhaar or mobile number and the password.

use openlocker_proto::locker::Login;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{adopt_session, in_popup};
use crate::api::{self, ApiError};
use crate::route::Route;
use crate::state::{Ctx, CtxExt, use_app};
use crate::ui::TextField;

fn refused(app: &Ctx, err: &ApiError) {
    match err.status {
        401 => app.say_error("bad_credentials", ""),
        _ => app.fail(err),
    }
}

/// Signs in with the form's values, one attempt at a time.
fn submitter(
    app: &Ctx,
    username: &UseStateHandle<String>,
    password: &UseStateHandle<String>,
    busy: &UseStateHandle<bool>,
) -> Callback<()> {
    let (app, username, password, busy) = (app.clone(), username.clone(), password.clone(), busy.clone());
    Callback::from(move |()| {
        if *busy {
            return;
        }
        busy.set(true);
        let login = Login {
            username: username.trim().to_owned(),
            password: (*password).clone(),
        };
        let (app, busy) = (app.clone(), busy.clone());
        spawn_local(async move {
            match api::sign_in(&login).await {
                Ok(()) => adopt_session(&app, "signed_in").await,
                Err(e) => refused(&app, &e),
            }
            busy.set(false);
        });
    })
}

/// The sign-in form.
#[function_component(SignIn)]
pub fn sign_in() -> Html {
    let app = use_app();
    let lang = app.lang;
    // What the popups' first stage had in its form, if it handed over.
    let typed = crate::first::handover().unwrap_or_default();
    let username = use_state(|| typed.username);
    let password = use_state(|| typed.password);
    let busy = use_state(|| false);
    let submit = submitter(&app, &username, &password, &busy);
    {
        // The first stage's form was submitted before this app was loaded.
        let submit = submit.clone();
        use_effect_with((), move |_| {
            if crate::first::take_submit() {
                submit.emit(());
            }
        });
    }
    let onsubmit = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        submit.emit(());
    });
    html! {
        <section aria-labelledby="sign-in-title">
            <h2 id="sign-in-title">{ lang.t("sign_in_title") }</h2>
            <form {onsubmit}>
                <TextField id="login-username" label="username" value={username} autocomplete="username"
                           inputmode="numeric" />
                <TextField id="login-password" label="password" value={password} kind="password"
                           autocomplete="current-password" />
                <p><button type="submit" data-testid="login-submit" disabled={*busy}>{ lang.t("sign_in") }</button></p>
            </form>
            <SignUpLink />
        </section>
    }
}

/// "No locker yet? Sign up": in a widget popup, in a new tab, so the popup
/// stays on its request.
#[function_component(SignUpLink)]
fn sign_up_link() -> Html {
    let lang = use_app().lang;
    let popup = use_location().is_some_and(|l| in_popup(l.path()));
    html! {
        <p>
            { lang.t("no_account") }{ " " }
            if popup {
                <a href={Route::SignUp.to_path()} target="_blank" rel="noopener">{ lang.t("sign_up") }</a>
            } else {
                <Link<Route> to={Route::SignUp}>{ lang.t("sign_up") }</Link<Route>>
            }
        </p>
    }
}
