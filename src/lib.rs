//! Podium: decides, in the browser, which MLflow model version deserves the `production` and
//! `champion` aliases, shows why, and moves the aliases through MLflow's REST API.
//!
//! - [`policy`] — the decision engine (pure, native and wasm).
//! - [`deploy`] — the deployment's optional `podium.json`.
//! - [`mlflow`] — MLflow's REST JSON as typed data; the HTTP client exists on wasm only.
//! - `ui` — the Leptos components (wasm only).

pub mod deploy;
pub mod mlflow;
pub mod policy;
#[cfg(target_arch = "wasm32")]
pub mod ui;
