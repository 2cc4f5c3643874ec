//! Sign-up: Aadhaar (Verhoeff-checked here too), name, date of birth,
//! mobile number and a password of at least 10 characters.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::route::Route;
use crate::screens::bind;
use crate::screens::sign_in::adopt_session;
use crate::state::{CtxExt, use_app};
use crate::verhoeff::valid_aadhaar;

/// The sign-up form.
#[function_component(SignUp)]
pub fn sign_up() -> Html {
    let app = use_app();
    let lang = app.lang;
    let navigator = use_navigator();
    let aadhaar = use_state(String::new);
    let name = use_state(String::new);
    let dob = use_state(String::new);
    let mobile = use_state(String::new);
    let password = use_state(String::new);
    let busy = use_state(|| false);
    let onsubmit = {
        let app = app.clone();
        let fields = (
            aadhaar.clone(),
            name.clone(),
            dob.clone(),
            mobile.clone(),
            password.clone(),
        );
        let busy = busy.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (aadhaar, name, dob, mobile, password) = &fields;
            let Some(digits) = valid_aadhaar(aadhaar) else {
                app.say_error("bad_aadhaar", "");
                return;
            };
            if password.chars().count() < 10 {
                app.say_error("short_password", "");
                return;
            }
            if *busy {
                return;
            }
            busy.set(true);
            let body = serde_json::json!({
                "aadhaar": digits, "name": name.trim(), "dob": **dob,
                "mobile": mobile.trim(), "password": **password,
            });
            let (app, busy, navigator) = (app.clone(), busy.clone(), navigator.clone());
            spawn_local(async move {
                match api::post_public::<_, serde_json::Value>("/api/signup", &body).await {
                    Ok(_) => {
                        adopt_session(&app, "signed_up").await;
                        if let Some(nav) = navigator {
                            nav.push(&Route::Issued);
                        }
                    }
                    Err(e) => app.fail(&e),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section aria-labelledby="sign-up-title">
            <h2 id="sign-up-title">{ lang.t("sign_up_title") }</h2>
            <form {onsubmit}>
                <label for="signup-aadhaar">{ lang.t("aadhaar") }</label>
                <input id="signup-aadhaar" data-testid="signup-aadhaar" type="text" inputmode="numeric"
                       autocomplete="off" required=true value={(*aadhaar).clone()} oninput={bind(&aadhaar)} />
                <label for="signup-name">{ lang.t("name") }</label>
                <input id="signup-name" data-testid="signup-name" type="text" autocomplete="name" required=true
                       value={(*name).clone()} oninput={bind(&name)} />
                <label for="signup-dob">{ lang.t("dob") }</label>
                <input id="signup-dob" data-testid="signup-dob" type="text" autocomplete="bday" required=true
                       placeholder="YYYY-MM-DD" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}"
                       value={(*dob).clone()} oninput={bind(&dob)} />
                <label for="signup-mobile">{ lang.t("mobile") }</label>
                <input id="signup-mobile" data-testid="signup-mobile" type="tel" inputmode="numeric"
                       autocomplete="tel-national" required=true value={(*mobile).clone()} oninput={bind(&mobile)} />
                <label for="signup-password">{ lang.t("password_new") }</label>
                <input id="signup-password" data-testid="signup-password" type="password"
                       autocomplete="new-password" minlength="10" required=true value={(*password).clone()}
                       oninput={bind(&password)} />
                <p><button type="submit" data-testid="signup-submit" disabled={*busy}>{ lang.t("sign_up") }</button></p>
            </form>
            <p>
                { lang.t("have_account") }{ " " }
                <Link<Route> to={Route::Home}>{ lang.t("sign_in") }</Link<Route>>
            </p>
        </section>
    }
}
