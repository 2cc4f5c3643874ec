//! The frame around every screen: the header with the language switch,
//! the navigation, the status line and the routed screen.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::i18n::Lang;
use crate::route::{Route, switch};
use crate::state::{Action, use_app};

/// The page frame.
#[function_component(Layout)]
pub fn layout() -> Html {
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
    // After a move to another screen, keyboard and screen-reader users
    // start at its content (not on the first page load).
    let path = use_location().map(|l| l.path().to_owned());
    // The widget popups show no portal navigation.
    let in_popup = path.as_deref().is_some_and(|p| p.starts_with("/widget/"));
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
    let status = app.status.as_ref();
    let status_class = match status {
        Some(s) if s.error => "status error",
        _ => "status ok",
    };
    html! {
        <>
            <a class="skip" href="#content">{ lang.t("skip") }</a>
            <header>
                <h1>{ lang.t("app_title") }</h1>
                <button type="button" class="secondary lang" data-testid="lang-switch"
                        aria-label={lang.t("lang_switch_label")} onclick={toggle}>
                    { lang.t("lang_switch") }
                </button>
            </header>
            if app.me.is_some() && !in_popup {
                <nav aria-label={lang.t("nav")}>
                    <ul>
                        <li><Link<Route> to={Route::Issued}>{ lang.t("nav_issued") }</Link<Route>></li>
                        <li><Link<Route> to={Route::Pull}>{ lang.t("nav_pull") }</Link<Route>></li>
                        <li><Link<Route> to={Route::Uploaded}>{ lang.t("nav_uploaded") }</Link<Route>></li>
                        <li><Link<Route> to={Route::Shares}>{ lang.t("nav_shares") }</Link<Route>></li>
                        <li><Link<Route> to={Route::Activity}>{ lang.t("nav_activity") }</Link<Route>></li>
                        <li><Link<Route> to={Route::Profile}>{ lang.t("nav_profile") }</Link<Route>></li>
                    </ul>
                </nav>
            }
            <main id="content" tabindex="-1">
                <p data-testid="status-message" class={status_class} role="status" aria-live="polite"
                   data-seq={app.said.to_string()}>
                    { status.map(|s| s.text(lang)).unwrap_or_default() }
                </p>
                if app.checked {
                    <Switch<Route> render={switch} />
                } else {
                    <p class="muted">{ lang.t("loading") }</p>
                }
            </main>
        </>
    }
}
