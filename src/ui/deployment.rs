//! The deployment's `podium.json`, read once at start (public/boot.js fetches it) and shared
//! by every screen through context.

use std::sync::Arc;

use crate::deploy::{ConfigError, Deployment};
use leptos::prelude::{provide_context, use_context, window};

/// The deployment's `podium.json` as `public/boot.js` fetched it while the wasm loaded (status,
/// content type and text, on `window.podiumConfig`), read as [`Deployment::from_response`]
/// says. The defaults when the page was started some other way (component tests).
pub fn page_deployment() -> Result<Deployment, ConfigError> {
    let answer = js_sys::Reflect::get(&window(), &"podiumConfig".into()).unwrap_or_default();
    if answer.is_undefined() {
        return Ok(Deployment::default());
    }
    let field = |name: &str| js_sys::Reflect::get(&answer, &name.into()).unwrap_or_default();
    Deployment::from_response(
        field("status").as_f64().unwrap_or_default() as u16,
        &field("type").as_string().unwrap_or_default(),
        &field("body").as_string().unwrap_or_default(),
    )
}

/// Makes `deployment` the one every component below reads.
pub fn provide_deployment(deployment: Deployment) {
    provide_context(Arc::new(deployment));
}

/// The deployment provided by an ancestor ([`provide_deployment`]); the defaults (no
/// `podium.json`) when none was, as for a component mounted on its own in a test.
pub fn use_deployment() -> Arc<Deployment> {
    use_context::<Arc<Deployment>>().unwrap_or_default()
}

/// How the screens name the policy of a model with none saved.
pub fn default_policy_name(deployment: &Deployment) -> &'static str {
    if deployment.default_policy.is_some() {
        "this deployment's default policy (podium.json)"
    } else {
        "the seed's default policy"
    }
}
