//! Sign-up: Aadhaar (checked here with the server's own check, from
//! `openlocker-proto`), name, date of birth, mobile number and a password
//! of at least 10 characters.

use openlocker_proto::aadhaar::Aadhaar;
use openlocker_proto::locker::SignUp as SignUpForm;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::adopt_session;
use crate::api;
use crate::route::Route;
use crate::state::{Ctx, CtxExt, use_app};
use crate::ui::TextField;

/// The shortest password the server accepts.
const MIN_PASSWORD_CHARS: usize = 10;

/// The typed fields.
#[derive(Clone, PartialEq)]
struct Fields {
    aadhaar: UseStateHandle<String>,
    name: UseStateHandle<String>,
    dob: UseStateHandle<String>,
    mobile: UseStateHandle<String>,
    password: UseStateHandle<String>,
}

impl Fields {
    /// The form to send, or the status key of what is wrong with it.
    fn form(&self) -> Result<SignUpForm, &'static str> {
        let aadhaar = Aadhaar::parse(&self.aadhaar).map_err(|_| "bad_aadhaar")?;
        if self.password.chars().count() < MIN_PASSWORD_CHARS {
            return Err("short_password");
        }
        Ok(SignUpForm {
            aadhaar: aadhaar.digits().to_owned(),
            name: self.name.trim().to_owned(),
            dob: (*self.dob).clone(),
            mobile: self.mobile.trim().to_owned(),
            password: (*self.password).clone(),
        })
    }
}

fn submit(app: Ctx, form: SignUpForm, busy: UseStateHandle<bool>, navigator: Option<Navigator>) {
    busy.set(true);
    spawn_local(async move {
        match api::sign_up(&form).await {
            Ok(()) => {
                adopt_session(&app, "signed_up").await;
                if let Some(nav) = navigator {
                    nav.push(&Route::Issued);
                }
            }
            Err(e) => app.fail(&e),
        }
        busy.set(false);
    });
}

#[derive(Properties, PartialEq)]
pub struct SignUpProps {
    /// Stay on this route once signed up (a partner's sign-in goes on to
    /// its consent screen), instead of opening Issued Documents.
    #[prop_or_default]
    pub stay: bool,
}

/// The sign-up screen.
#[function_component(SignUp)]
pub fn sign_up(props: &SignUpProps) -> Html {
    let app = use_app();
    let lang = app.lang;
    let navigator = use_navigator().filter(|_| !props.stay);
    let fields = Fields {
        aadhaar: use_state(String::new),
        name: use_state(String::new),
        dob: use_state(String::new),
        mobile: use_state(String::new),
        password: use_state(String::new),
    };
    let busy = use_state(|| false);
    let onsubmit = {
        let (app, fields, busy) = (app.clone(), fields.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match fields.form() {
                Err(key) => app.say_error(key, ""),
                Ok(_) if *busy => {}
                Ok(form) => submit(app.clone(), form, busy.clone(), navigator.clone()),
            }
        })
    };
    html! {
        <section aria-labelledby="sign-up-title">
            <h2 id="sign-up-title">{ lang.t("sign_up_title") }</h2>
            <form {onsubmit}>
                <SignUpFields fields={fields} />
                <p><button type="submit" data-testid="signup-submit" disabled={*busy}>{ lang.t("sign_up") }</button></p>
            </form>
            <p>
                { lang.t("have_account") }{ " " }
                <Link<Route> to={Route::Home}>{ lang.t("sign_in") }</Link<Route>>
            </p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SignUpFieldsProps {
    fields: Fields,
}

/// The form's inputs.
#[function_component(SignUpFields)]
fn sign_up_fields(props: &SignUpFieldsProps) -> Html {
    let f = &props.fields;
    html! {
        <>
            <TextField id="signup-aadhaar" label="aadhaar" value={f.aadhaar.clone()} inputmode="numeric"
                       autocomplete="off" />
            <TextField id="signup-name" label="name" value={f.name.clone()} autocomplete="name" />
            <TextField id="signup-dob" label="dob" value={f.dob.clone()} autocomplete="bday"
                       placeholder="YYYY-MM-DD" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" />
            <TextField id="signup-mobile" label="mobile" value={f.mobile.clone()} kind="tel" inputmode="numeric"
                       autocomplete="tel-national" />
            <TextField id="signup-password" label="password_new" value={f.password.clone()} kind="password"
                       autocomplete="new-password" minlength="10" />
        </>
    }
}
