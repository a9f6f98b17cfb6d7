//! The deployment's `podium.json`, read once at start (public/boot.js fetches it) and shared
//! by every screen.

use std::cell::RefCell;
use std::sync::Arc;

use crate::deploy::{ConfigError, Deployment};
use leptos::prelude::window;

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

thread_local! {
    // One per page, read by components and by event handlers (which run outside any reactive
    // owner, so context would not reach them).
    static DEPLOYMENT: RefCell<Arc<Deployment>> = RefCell::default();
}

/// Makes `deployment` the page's (at start; tests mount components under several).
pub fn set_deployment(deployment: Deployment) {
    DEPLOYMENT.with(|d| *d.borrow_mut() = Arc::new(deployment));
}

/// The page's deployment from [`set_deployment`]; the defaults before that.
pub fn deployment() -> Arc<Deployment> {
    DEPLOYMENT.with(|d| d.borrow().clone())
}

/// How the screens name the policy of a model with none saved.
pub fn default_policy_name() -> &'static str {
    if deployment().default_policy.is_some() {
        "this deployment's default policy (podium.json)"
    } else {
        "the seed's default policy"
    }
}
