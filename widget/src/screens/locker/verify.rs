//! Identity verification: why an unverified resident's issued documents
//! are hidden, and the e-KYC OTP that proves the Aadhaar number is theirs
//! (`POST /api/identity/otp`, then `/api/identity/verify`). Also the
//! notice that Issued Documents shows until then.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::route::Route;
use crate::screens::account::adopt_session;
use crate::state::{Ctx, CtxExt, use_app};
use crate::ui::bind;
use openlocker_proto::locker::OtpSent;

/// A refused OTP step, in the resident's words.
fn refused(app: &Ctx, err: &ApiError) {
    match err.status {
        400 => app.say_error("otp_wrong", err.message.clone()),
        429 => app.say_error("otp_throttled", err.retry_after.clone().unwrap_or_default()),
        502..=504 => app.say_error("kyc_unavailable", ""),
        _ => app.fail(err),
    }
}

/// The notice above Issued Documents while the identity is unverified.
#[function_component(VerifyNotice)]
pub fn verify_notice() -> Html {
    let app = use_app();
    let lang = app.lang;
    match &app.me {
        Some(me) if !me.identity.is_verified() => html! {
            <div class="notice" role="note" data-testid="verify-notice">
                <p>{ lang.t("verify_why") }</p>
                <p><Link<Route> to={Route::Verify}>{ lang.t("verify_now") }</Link<Route>></p>
            </div>
        },
        _ => Html::default(),
    }
}

/// The verify screen.
#[function_component(Verify)]
pub fn verify() -> Html {
    let app = use_app();
    let lang = app.lang;
    let verified = app.me.as_ref().is_some_and(|me| me.identity.is_verified());
    html! {
        <section aria-labelledby="verify-title">
            <h2 id="verify-title">{ lang.t("verify_title") }</h2>
            if verified {
                <p data-testid="identity-state">{ lang.t("verified") }</p>
            } else {
                <VerifyByOtp />
            }
        </section>
    }
}

/// Why, how, and the two OTP steps: send the OTP, then type it in.
#[function_component(VerifyByOtp)]
fn verify_by_otp() -> Html {
    let app = use_app();
    let lang = app.lang;
    let navigator = use_navigator();
    let sent = use_state(|| None::<OtpSent>);
    let otp = use_state(String::new);
    let busy = use_state(|| false);
    let send_otp = send_otp(&app, &sent, &busy);
    let onsubmit = submit_otp(&app, &sent, &otp, &busy, navigator);
    html! {
        <>
            <p data-testid="verify-why">{ lang.t("verify_why") }</p>
            <p>{ lang.t("verify_how") }</p>
            <p>
                <button type="button" data-testid="verify-send-otp" onclick={send_otp} disabled={*busy}>
                    { lang.t("verify_send_otp") }
                </button>
            </p>
            if sent.is_some() {
                <form {onsubmit}>
                    <label for="verify-otp">{ lang.t("verify_otp") }</label>
                    <input id="verify-otp" data-testid="verify-otp" inputmode="numeric"
                           autocomplete="one-time-code" value={(*otp).clone()} oninput={bind(&otp)} />
                    <p><button type="submit" data-testid="verify-submit" disabled={*busy}>
                        { lang.t("verify_submit") }
                    </button></p>
                </form>
            }
        </>
    }
}

/// Asks the e-KYC provider to send the OTP.
fn send_otp(app: &Ctx, sent: &UseStateHandle<Option<OtpSent>>, busy: &UseStateHandle<bool>) -> Callback<MouseEvent> {
    let (app, sent, busy) = (app.clone(), sent.clone(), busy.clone());
    Callback::from(move |_: MouseEvent| {
        let (app, sent, busy) = (app.clone(), sent.clone(), busy.clone());
        busy.set(true);
        spawn_local(async move {
            match api::identity_otp(&app.csrf()).await {
                Ok(answer) => {
                    app.say("otp_sent", answer.masked_mobile.clone());
                    sent.set(Some(answer));
                }
                Err(e) => refused(&app, &e),
            }
            busy.set(false);
        });
    })
}

/// Checks the typed OTP; verified, the resident goes to Issued Documents.
fn submit_otp(
    app: &Ctx,
    sent: &UseStateHandle<Option<OtpSent>>,
    otp: &UseStateHandle<String>,
    busy: &UseStateHandle<bool>,
    navigator: Option<Navigator>,
) -> Callback<SubmitEvent> {
    let (app, sent, otp, busy) = (app.clone(), sent.clone(), otp.clone(), busy.clone());
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        let Some(txn) = sent.as_ref().map(|s| s.txn.clone()) else {
            return;
        };
        let code = otp.trim().to_owned();
        let (app, busy, navigator) = (app.clone(), busy.clone(), navigator.clone());
        busy.set(true);
        spawn_local(async move {
            match api::identity_verify(&app.csrf(), &txn, &code).await {
                Ok(_) => {
                    adopt_session(&app, "verified").await;
                    if let Some(nav) = navigator {
                        nav.push(&Route::Issued);
                    }
                }
                Err(e) => refused(&app, &e),
            }
            busy.set(false);
        });
    })
}
