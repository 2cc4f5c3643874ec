//! Small pieces every screen uses: a labelled text field, a list that is
//! loading, empty or full, input bindings, times and sizes for people, and
//! saving a blob as a download.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::hooks::Loaded;
use crate::i18n::Lang;

/// The value of the input an event came from.
pub fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// The value of the `<select>` a change event came from.
pub fn selected(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// A callback that stores an input's value in `state`.
pub fn bind(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(input_value(&e)))
}

/// A callback that stores a `<select>`'s value in `state`.
pub fn bind_select(state: &UseStateHandle<String>) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| state.set(selected(&e)))
}

/// A Unix time, in the browser's locale and time zone.
pub fn local_time(unix: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}

/// A size in bytes, for people.
pub fn human_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// Starts a download of `blob` as `name`.
pub fn save_blob(blob: &web_sys::Blob, name: &str) -> Option<()> {
    use wasm_bindgen::JsCast;
    let url = web_sys::Url::create_object_url_with_blob(blob).ok()?;
    let document = web_sys::window()?.document()?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    Some(())
}

/// A fetched list: "loading", nothing while failed (the status line says
/// why), the `empty` text, or `items` rendered by `render`.
pub fn list_of<T>(lang: Lang, loaded: &Loaded<Vec<T>>, empty: &'static str, render: impl Fn(&[T]) -> Html) -> Html {
    match loaded {
        Loaded::Loading => html! { <p class="muted">{ lang.t("loading") }</p> },
        Loaded::Failed => Html::default(),
        Loaded::Ready(items) if items.is_empty() => html! { <p>{ lang.t(empty) }</p> },
        Loaded::Ready(items) => render(items),
    }
}

/// Props of [`TextField`].
#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// The input's `id`; its `data-testid` too.
    pub id: AttrValue,
    /// The label's translation key.
    pub label: &'static str,
    pub value: UseStateHandle<String>,
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    #[prop_or_default]
    pub pattern: Option<AttrValue>,
    #[prop_or_default]
    pub minlength: Option<AttrValue>,
}

/// A required input with its label, bound to a string state.
#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let lang = crate::state::use_app().lang;
    html! {
        <>
            <label for={props.id.clone()}>{ lang.t(props.label) }</label>
            <input id={props.id.clone()} data-testid={props.id.clone()} type={props.kind.clone()} required=true
                   autocomplete={props.autocomplete.clone()} inputmode={props.inputmode.clone()}
                   placeholder={props.placeholder.clone()} pattern={props.pattern.clone()}
                   minlength={props.minlength.clone()} value={(*props.value).clone()} oninput={bind(&props.value)} />
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(10), "10 B");
        assert_eq!(human_size(2048), "2.0 KB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MB");
    }
}
