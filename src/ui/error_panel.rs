//! A clear error panel, never a blank page.

use leptos::prelude::*;

use crate::mlflow::ApiError;

/// Shows what went wrong talking to MLflow and what to try.
#[component]
pub fn ErrorPanel(
    /// What the panel is about, e.g. "Could not load the registered models".
    #[prop(into)]
    title: String,
    /// The error.
    error: ApiError,
) -> impl IntoView {
    let hint = match &error {
        ApiError::Network { .. }
        | ApiError::Timeout { .. }
        | ApiError::Http {
            status: 502..=504, ..
        } => "Check that the MLflow tracking server is running and reachable from this browser.",
        ApiError::Http {
            status: 401 | 403, ..
        } => "Check your MLflow credentials and permissions.",
        _ => "Reload the page to try again.",
    };
    view! {
        <section class="error-panel" role="alert">
            <h2>{title}</h2>
            <p class="error-message">{error.to_string()}</p>
            <p class="muted">{hint}</p>
        </section>
    }
}
