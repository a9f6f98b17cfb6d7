//! Leptos components: one file per screen or widget.

mod alias_chips;
mod error_panel;
mod models;

use leptos::prelude::*;

pub use alias_chips::AliasChips;
pub use error_panel::ErrorPanel;
pub use models::{ModelTable, ModelsScreen};

use crate::mlflow::Client;

/// Makes `client` the MLflow client for every component below.
pub fn provide_client(client: Client) {
    provide_context(client);
}

/// The MLflow client provided by an ancestor ([`provide_client`]).
pub fn use_client() -> Client {
    expect_context::<Client>()
}

/// The whole app: the MLflow client for this page's origin, then the screens.
#[component]
pub fn App() -> impl IntoView {
    provide_client(Client::same_origin());
    view! {
        <header class="topbar">
            <h1>"Podium"</h1>
            <p class="tagline">"Which model version deserves production and champion, and why"</p>
        </header>
        <main>
            <ModelsScreen />
        </main>
    }
}
