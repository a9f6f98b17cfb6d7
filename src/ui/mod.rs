//! Leptos components: one file per screen or widget.
//!
//! Two choices here read differently from the Leptos book, each for its measured bundle saving
//! (docs/bundle.md): screens read MLflow through [`latest`] (an effect and a signal) instead of
//! `LocalResource`, whose async-derived machinery was built once per answer type (8.1 KB
//! brotli); and lists are a `Memo` of their keys (or rows) drawn with `collect_view` instead of
//! `<For>`, a list being redrawn only when its memo changes — a threshold edit updates cells in
//! place through their own memos, never the list.

mod alias_chips;
mod crash;
mod debounce;
mod deployment;
mod error_panel;
mod latest;
mod models;
mod review;
mod route;
mod settings;
mod verdict;

use leptos::prelude::*;

pub use alias_chips::AliasChips;
pub use crash::report_crashes;
pub use debounce::debounced;
pub use deployment::{default_policy_name, page_deployment, provide_deployment, use_deployment};
pub use error_panel::ErrorPanel;
pub use latest::latest;
pub use models::{ModelTable, ModelsScreen};
pub use review::{
    provide_review, use_review, InEffect, Notice, Origin, PolicyEdit, Reload, ReviewPanel,
    ReviewScreen, ReviewState, RowsLoader, Versions, Writes, WINDOW,
};
pub use route::{navigate, provide_router, use_route, Link, Route};
pub use settings::{AuthMode, Connection, Settings, SESSION_KEY};

use crate::deploy::{ConfigError, Deployment};
use crate::mlflow::{Client, Fetch};

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
    Signal::derive(move || {
        client
            .get()
            .with_transport(Fetch::aborted_by((*signal).clone()))
    })
}

/// The same server and user as `client`, with requests that are never cut off half-way when
/// the page that started them goes away: for writes.
pub fn detached(client: &Client) -> Client {
    client.with_transport(Fetch::new())
}

/// A name (a model's, a metric's) that may wrap after `/` and `_` in a narrow column, never
/// in the middle of a word.
pub fn breakable(name: &str) -> impl IntoView {
    name.split_inclusive(['/', '_'])
        .map(|part| view! { {part.to_owned()}<wbr /> })
        .collect_view()
}

/// `2026-11-27 09:50` (UTC) from MLflow's milliseconds since the epoch.
pub fn format_time(ms: i64) -> String {
    crate::policy::utc_minute(ms)
}

/// The whole app for the deployment's `podium.json` ([`page_deployment`]): the
/// connection settings and the screen the address shows. The connection starts from
/// `podium.json`; one chosen in this tab (sessionStorage) overrides it. A malformed
/// `podium.json` shows what is wrong instead of any screen: nothing is read or written.
#[component]
pub fn App(
    /// What `podium.json` says (the defaults without one), or what is wrong with it.
    deployment: Result<Deployment, ConfigError>,
) -> impl IntoView {
    let (deployment, malformed) = match deployment {
        Ok(deployment) => (deployment, None),
        Err(error) => (Deployment::default(), Some(error.to_string())),
    };
    let configured = Connection {
        base_url: deployment.tracking_uri.clone(),
        auth: deployment.auth,
        ..Connection::default()
    };
    let (connection, forgotten) = match Connection::load() {
        Ok(remembered) => (remembered.unwrap_or(configured), None),
        Err(why) => (configured, Some(why)),
    };
    provide_deployment(deployment);
    provide_client(connection.client());
    let route = provide_router();
    let screen = move || match (malformed.clone(), route.get()) {
        (Some(message), _) => view! {
            <section class="error-panel" role="alert">
                <h2>"This deployment's podium.json is malformed"</h2>
                <p class="error-message">{message}</p>
                <p class="muted">
                    "Podium did not start: nothing was read from or written to MLflow. Fix the \
                     field named above (docs/DEPLOY.md) or remove the file to use the defaults."
                </p>
            </section>
        }
        .into_any(),
        (None, Route::Models) => view! { <ModelsScreen /> }.into_any(),
        (None, Route::Model { name, policy }) => {
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
