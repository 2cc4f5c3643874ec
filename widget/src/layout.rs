//! The frame around every screen: the header with the language switch,
//! the navigation, the status line and the routed screen.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::i18n::Lang;
use crate::route::{Route, switch};
use crate::screens::account::in_popup;
use crate::state::{Action, use_app};

/// The portal's sections, in the navigation's order: (route, label key).
const SECTIONS: [(Route, &str); 7] = [
    (Route::Issued, "nav_issued"),
    (Route::Pull, "nav_pull"),
    (Route::Uploaded, "nav_uploaded"),
    (Route::Shares, "nav_shares"),
    (Route::Connections, "nav_connections"),
    (Route::Activity, "nav_activity"),
    (Route::Profile, "nav_profile"),
];

/// The page frame.
#[function_component(Layout)]
pub fn layout() -> Html {
    let app = use_app();
    let lang = app.lang;
    let path = use_location().map(|l| l.path().to_owned());
    // The widget popups show no portal navigation.
    let popup = path.as_deref().is_some_and(in_popup);
    use_focus_on_move(path);
    let status = app.status.as_ref();
    let status_class = match status {
        Some(s) if s.error => "status error",
        _ => "status ok",
    };
    html! {
        <>
            <a class="skip" href="#content">{ lang.t("skip") }</a>
            <Header />
            if app.me.is_some() && !popup {
                <Nav />
            }
            <main id="content" tabindex="-1">
                <p data-testid="status-message" class={status_class} role="status" aria-live="polite"
                   data-seq={app.said.to_string()}>
                    { status.map(|s| s.text(lang)).unwrap_or_default() }
                </p>
                // A popup checks its request while the session is looked up.
                if app.checked || popup {
                    <Switch<Route> render={switch} />
                } else {
                    <p class="muted">{ lang.t("loading") }</p>
                }
            </main>
        </>
    }
}

/// After a move to another screen, keyboard and screen-reader users start
/// at its content (not on the first page load).
#[hook]
fn use_focus_on_move(path: Option<String>) {
    let first = use_mut_ref(|| true);
    use_effect_with(path, move |_| {
        if std::mem::replace(&mut *first.borrow_mut(), false) {
            return;
        }
        let main = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("content"))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
        if let Some(main) = main {
            let _ = main.focus();
        }
    });
}

/// The title and the language switch.
#[function_component(Header)]
fn header() -> Html {
    let app = use_app();
    let lang = app.lang;
    let toggle = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            let next = if app.lang == Lang::En { Lang::Hi } else { Lang::En };
            next.save();
            app.dispatch(Action::Lang(next));
        })
    };
    html! {
        <header>
            <h1>{ lang.t("app_title") }</h1>
            <button type="button" class="secondary lang" data-testid="lang-switch"
                    aria-label={lang.t("lang_switch_label")} onclick={toggle}>
                { lang.t("lang_switch") }
            </button>
        </header>
    }
}

/// The portal's navigation.
#[function_component(Nav)]
fn nav() -> Html {
    let lang = use_app().lang;
    html! {
        <nav aria-label={lang.t("nav")}>
            <ul>
                { for SECTIONS.iter().map(|(route, key)| html! {
                    <li><Link<Route> to={route.clone()}>{ lang.t(key) }</Link<Route>></li>
                }) }
            </ul>
        </nav>
    }
}
