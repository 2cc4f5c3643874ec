//! The root component.

use yew::prelude::*;

/// The application shell.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <main>
            <h1>{ "OpenLocker" }</h1>
            <p data-testid="status-message">{ "The resident portal is on its way." }</p>
        </main>
    }
}
