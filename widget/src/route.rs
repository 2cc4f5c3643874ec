//! The app's routes. The resident portal lives under `/locker/`; the
//! widget popups under `/widget/` check the partner's request before
//! anything else; public verification under `/verify/` needs no sign-in. Screens that need a session show the
//! sign-in form until there is one, so deep links work.

use yew::prelude::*;
use yew_router::prelude::*;

use openlocker_proto::widget::Service;

#[cfg(feature = "portal")]
use crate::screens::account::{consent::Consent, sign_in::SignIn, sign_up::SignUp};
#[cfg(feature = "portal")]
use crate::screens::locker::{
    activity::Activity, connections::Connections, issued::Issued, profile::Profile, pull::Pull, shares::Shares,
    uploaded::Uploaded, verify::Verify,
};
use crate::screens::popup::Popup;
#[cfg(feature = "portal")]
use crate::screens::verify::{check::Check, link::LinkSummary};
use crate::state::use_app;

#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    #[at("/locker/")]
    Home,
    #[at("/locker/signup")]
    SignUp,
    #[at("/locker/issued")]
    Issued,
    #[at("/locker/get")]
    Pull,
    #[at("/locker/uploaded")]
    Uploaded,
    #[at("/locker/activity")]
    Activity,
    #[at("/locker/profile")]
    Profile,
    #[at("/locker/shares")]
    Shares,
    #[at("/locker/verify")]
    Verify,
    /// The apps the resident gave access through the partner API.
    #[at("/locker/connections")]
    Connections,
    /// A partner app's authorize request (`?request=ID[&signup=1]`).
    #[at("/locker/consent")]
    Consent,
    /// The requester widget's popup (dl.js opens it).
    #[at("/widget/share")]
    WidgetShare,
    /// The Save to Locker widget's popup (savelocker.js opens it).
    #[at("/widget/save")]
    WidgetSave,
    /// Public verification of a certificate XML (no sign-in).
    #[at("/verify/")]
    PublicVerify,
    /// What a verification link (QR code) opens (no sign-in).
    #[at("/verify/:token")]
    VerifyLink { token: String },
    #[not_found]
    #[at("/locker/404")]
    NotFound,
}

#[derive(Properties, PartialEq)]
pub struct ScreenProps {
    pub route: Route,
}

/// The screen for a route: a widget popup, or a portal screen.
#[function_component(Screen)]
pub fn screen(props: &ScreenProps) -> Html {
    match &props.route {
        Route::WidgetShare => html! { <Popup service={Service::Share} /> },
        Route::WidgetSave => html! { <Popup service={Service::Save} /> },
        route => html! { <PortalScreen route={route.clone()} /> },
    }
}

/// A portal or verification screen, given the session.
#[cfg(feature = "portal")]
#[function_component(PortalScreen)]
fn portal_screen(props: &ScreenProps) -> Html {
    let app = use_app();
    let signed_in = app.me.is_some();
    let consent_signup = use_location().is_some_and(|l| l.query_str().contains("signup=1"));
    match &props.route {
        Route::SignUp if !signed_in => html! { <SignUp /> },
        Route::NotFound => html! { <p>{ app.lang.t("not_found") }</p> },
        Route::PublicVerify => html! { <Check /> },
        Route::VerifyLink { token } => html! { <LinkSummary token={token.clone()} /> },
        // `dl_flow=signup`: a partner sends a newcomer to sign-up first.
        Route::Consent if !signed_in && consent_signup => html! { <SignUp stay=true /> },
        _ if !signed_in => html! { <SignIn /> },
        Route::Home | Route::SignUp | Route::Issued => html! { <Issued /> },
        Route::Pull => html! { <Pull /> },
        Route::Uploaded => html! { <Uploaded /> },
        Route::Activity => html! { <Activity /> },
        Route::Profile => html! { <Profile /> },
        Route::Shares => html! { <Shares /> },
        Route::Verify => html! { <Verify /> },
        Route::Connections => html! { <Connections /> },
        Route::Consent => html! { <Consent /> },
        Route::WidgetShare | Route::WidgetSave => html! {},
    }
}

/// The popups' build has no portal screens: reaching one loads the page
/// again, which starts the whole app for that path (`www/locker.js`).
#[cfg(not(feature = "portal"))]
#[function_component(PortalScreen)]
fn portal_screen(_props: &ScreenProps) -> Html {
    let lang = use_app().lang;
    use_effect_with((), |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    html! { <p class="muted">{ lang.t("loading") }</p> }
}

/// The `Switch` render function.
pub fn switch(route: Route) -> Html {
    html! { <Screen {route} /> }
}
