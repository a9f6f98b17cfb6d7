//! The app's own URLs, relative to the page's `<base href>` (`/`, or `/podium/` under a
//! sub-path): the base lists models, `models/<name>?policy=<json>` under it reviews one. Links
//! and history entries are written relative, so the browser resolves them against the base.
//!
//! A small history-API router; a what-if policy lives in the query so a link reproduces it.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// Where the app is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The registered models.
    Models,
    /// One model's review, with an optional what-if policy (JSON).
    Model {
        /// The registered model's name.
        name: String,
        /// The shared what-if policy, as JSON.
        policy: Option<String>,
    },
}

impl Route {
    /// Reads a route from a location's path relative to the base (`models/<name>`) and query
    /// (`?policy=...`).
    pub fn parse(path: &str, search: &str) -> Route {
        match path.strip_prefix("models/") {
            Some(encoded) if !encoded.is_empty() => {
                let name = js_sys::decode_uri_component(encoded)
                    .map(String::from)
                    .unwrap_or_else(|_| encoded.to_owned());
                let policy = web_sys::UrlSearchParams::new_with_str(search)
                    .ok()
                    .and_then(|q| q.get("policy"));
                Route::Model { name, policy }
            }
            _ => Route::Models,
        }
    }

    /// The route of the current page: its address relative to the page's `<base href>`.
    /// An address outside the base is the models list.
    pub fn current() -> Route {
        let location = window().location();
        let href = location.href().unwrap_or_default();
        let base = document().base_uri().ok().flatten().unwrap_or_default();
        let relative = href.strip_prefix(&base).unwrap_or_default();
        Route::parse(
            relative.split(['?', '#']).next().unwrap_or_default(),
            &location.search().unwrap_or_default(),
        )
    }

    /// This route's address relative to the page's `<base href>` (`./`, `models/<name>?…`).
    pub fn href(&self) -> String {
        match self {
            Route::Models => "./".to_owned(),
            Route::Model { name, policy } => {
                let mut href = format!(
                    "models/{}",
                    String::from(js_sys::encode_uri_component(name))
                );
                if let Some(policy) = policy {
                    href.push_str("?policy=");
                    href.push_str(&String::from(js_sys::encode_uri_component(policy)));
                }
                href
            }
        }
    }
}

/// The route signal, following the browser's back and forward buttons.
pub fn provide_router() -> RwSignal<Route> {
    let route = RwSignal::new(Route::current());
    let on_pop = Closure::<dyn Fn()>::new(move || route.set(Route::current()));
    let _ = window().add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    // The app lives as long as the page.
    on_pop.forget();
    provide_context(route);
    route
}

/// The route signal from [`provide_router`].
pub fn use_route() -> RwSignal<Route> {
    expect_context::<RwSignal<Route>>()
}

/// Goes to `route`, adding a history entry.
pub fn navigate(route: Route) {
    if let Ok(history) = window().history() {
        let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&route.href()));
    }
    if let Some(signal) = use_context::<RwSignal<Route>>() {
        signal.set(route);
    }
}

/// Replaces the current URL with `href` (no history entry), e.g. when the what-if changes.
pub fn replace_url(href: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(href));
    }
}

/// A link to `route` that navigates without reloading the page.
#[component]
pub fn Link(
    /// Where it goes.
    route: Route,
    /// The link's content.
    children: Children,
) -> impl IntoView {
    let href = route.href();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        // Let the browser handle new tabs and windows.
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        navigate(route.clone());
    };
    view! {
        <a href=href on:click=on_click>
            {children()}
        </a>
    }
}
