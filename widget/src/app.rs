//! The root component: the shared state, the session check, the router.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::layout::Layout;
use crate::state::{Action, AppState, Ctx};

/// The application.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::new);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::me().await {
                    Ok(me) => state.dispatch(Action::SignedIn(me)),
                    Err(_) => state.dispatch(Action::Checked),
                }
            });
        });
    }
    {
        // The page's language follows the switch (screen readers, fonts).
        use_effect_with(state.lang, |lang| {
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("lang", lang.code());
            }
        });
    }
    html! {
        <ContextProvider<Ctx> context={state}>
            <BrowserRouter>
                <Layout />
            </BrowserRouter>
        </ContextProvider<Ctx>>
    }
}
