//! The load-on-mount effect the screens share: fetch once the screen
//! shows, again on `reload`, and say a failure in the status line.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::ApiResult;
use crate::state::{CtxExt, use_app};

/// Where a fetch stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded<T> {
    Loading,
    Ready(T),
    /// The status line says why.
    Failed,
}

impl<T> Loaded<T> {
    /// The value, once there is one.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Loaded::Ready(value) => Some(value),
            _ => None,
        }
    }
}

/// A fetch's state and the callback that runs it again (the value shown
/// stays until the new one arrives).
pub struct Fetch<T> {
    pub loaded: UseStateHandle<Loaded<T>>,
    pub reload: Callback<()>,
}

/// Runs `fetch` when the component mounts and on every `reload`. A failure
/// is told in the status line (a lost session signs the resident out).
#[hook]
pub fn use_fetch<T, F, Fut>(fetch: F) -> Fetch<T>
where
    T: 'static,
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = ApiResult<T>> + 'static,
{
    let app = use_app();
    let loaded = use_state(|| Loaded::Loading);
    let generation = use_state(|| 0u32);
    {
        let loaded = loaded.clone();
        use_effect_with(*generation, move |_| {
            spawn_local(async move {
                match fetch().await {
                    Ok(value) => loaded.set(Loaded::Ready(value)),
                    Err(e) => {
                        app.fail(&e);
                        loaded.set(Loaded::Failed);
                    }
                }
            });
        });
    }
    let reload = Callback::from(move |()| generation.set(*generation + 1));
    Fetch { loaded, reload }
}
