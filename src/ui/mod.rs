//! Leptos components: one file per screen or widget.

mod alias_chips;
mod crash;
mod debounce;
mod error_panel;
mod models;
mod review;
mod route;
mod settings;
mod verdict;

use leptos::prelude::*;

pub use alias_chips::AliasChips;
pub use crash::report_crashes;
pub use debounce::debounced;
pub use error_panel::ErrorPanel;
pub use models::{ModelTable, ModelsScreen};
pub use review::{
    provide_review, use_review, InEffect, Notice, Origin, Reload, ReviewPanel, ReviewScreen,
    ReviewState, SHOWN_STEP,
};
pub use route::{navigate, provide_router, use_route, Link, Route};
pub use settings::{AuthMode, Connection, Settings, SESSION_KEY};

use crate::mlflow::Client;

/// Makes `client` the MLflow client for every component below; returns the signal that
/// replaces it (the settings screen does).
pub fn provide_client(client: Client) -> RwSignal<Client> {
    let signal = RwSignal::new(client);
    provide_context(signal);
    signal
}

/// The MLflow client provided by an ancestor ([`provide_client`]).
pub fn use_client() -> RwSignal<Client> {
    expect_context::<RwSignal<Client>>()
}

/// The MLflow client for a screen: its requests are aborted when the calling component goes
/// away, so leaving a page never leaves work (or a late update) behind.
pub fn use_scoped_client() -> Signal<Client> {
    let client = use_client();
    let Ok(controller) = web_sys::AbortController::new() else {
        return client.into();
    };
    // Browser objects are single-threaded; Leptos wants Send for cleanups and signals.
    let signal = send_wrapper::SendWrapper::new(controller.signal());
    let controller = send_wrapper::SendWrapper::new(controller);
    on_cleanup(move || controller.abort());
    Signal::derive(move || client.get().with_abort_signal((*signal).clone()))
}

/// `2026-11-27 09:50` (UTC) from MLflow's milliseconds since the epoch.
/// A value outside the years 0–9999 (say, nanoseconds where milliseconds belong) is shown as
/// such: `toISOString` would throw on it.
pub fn format_time(ms: i64) -> String {
    const YEAR_0: i64 = -62_167_219_200_000;
    const YEAR_10000: i64 = 253_402_300_800_000;
    if !(YEAR_0..YEAR_10000).contains(&ms) {
        return format!("not a time ({ms})");
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let iso = String::from(date.to_iso_string());
    iso.chars().take(16).collect::<String>().replace('T', " ")
}

/// The whole app: the MLflow client for this page's origin, then the screens.
#[component]
pub fn App() -> impl IntoView {
    let (connection, forgotten) = match Connection::load() {
        Ok(remembered) => (remembered.unwrap_or_default(), None),
        Err(why) => (Connection::default(), Some(why)),
    };
    provide_client(connection.client());
    let route = provide_router();
    let screen = move || match route.get() {
        Route::Models => view! { <ModelsScreen /> }.into_any(),
        Route::Model { name, policy } => {
            view! { <ReviewScreen name shared_policy=policy /> }.into_any()
        }
    };
    view! {
        <header class="topbar">
            <h1>"Podium"</h1>
            <p class="tagline">"Which model version deserves production and champion, and why"</p>
        </header>
        <main>
            {forgotten.map(|why| view! { <p class="warning" role="alert">{why}</p> })}
            <details class="connection">
                <summary>"MLflow connection"</summary>
                <Settings initial=connection />
            </details>
            {screen}
        </main>
    }
}
